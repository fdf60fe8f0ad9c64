package web

import (
	"net/http"
	"strconv"
	"time"

	"tropa"
	"tropa/desk"
)

// noticesData is the page where a staff member chooses their notices.
type noticesData struct {
	Form noticeForm
	// Channels are the channels this server can send by.
	Channels []string
	Events   []noticeEventView
	// FailingSince is when their notices began failing to go, zero when
	// they go; LastSentAt when the last went, to the hour.
	FailingSince time.Time
	LastSentAt   time.Time
}

// noticeEventView is one event as the form offers it.
type noticeEventView struct {
	Key     tropa.NoticeEvent
	Label   string
	Checked bool
}

// noticeEventLabels name each event on the page.
var noticeEventLabels = map[tropa.NoticeEvent]string{
	tropa.NoticeNew:      "NoticeEventNew",
	tropa.NoticeMessage:  "NoticeEventMessage",
	tropa.NoticeDue:      "NoticeEventDue",
	tropa.NoticeAssigned: "NoticeEventAssigned",
	tropa.NoticeUnowned:  "NoticeEventUnowned",
}

// noticeForm is the form as typed, so that a refused form shows what was
// typed.
type noticeForm struct {
	Channel, Address   string
	Events             map[tropa.NoticeEvent]bool
	Digest, Lead       string
	QuietFrom, QuietTo string
	Lang               string
}

// formOf is the form showing p.
func formOf(p *tropa.NoticePrefs) noticeForm {
	f := noticeForm{Channel: p.Channel, Address: p.Address, Events: map[tropa.NoticeEvent]bool{},
		Digest: strconv.Itoa(int(p.Digest / time.Hour)), Lead: strconv.Itoa(int(p.Lead / time.Hour)), Lang: p.Lang}
	for _, e := range p.Events {
		f.Events[e] = true
	}
	if p.QuietStart != p.QuietEnd {
		f.QuietFrom, f.QuietTo = clockTime(p.QuietStart), clockTime(p.QuietEnd)
	}
	return f
}

// clockTime writes minutes after midnight as HH:MM.
func clockTime(m int) string {
	return time.Date(2000, 1, 1, m/60, m%60, 0, 0, time.UTC).Format("15:04")
}

func (s *Server) noticesShow(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	rec, err := s.Desk.MyNotices(r.Context(), sess)
	if err != nil {
		return err
	}
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("done") == "saved" {
		p.Notice = p.T("NoticeNoticesSaved")
	}
	return s.showNotices(w, sess, p, http.StatusOK, rec, formOf(&rec.NoticePrefs))
}

func (s *Server) showNotices(w http.ResponseWriter, sess *desk.Session, p *page, status int, rec *tropa.NoticeRecord,
	form noticeForm) error {
	data := noticesData{Form: form, Channels: s.Desk.NoticeChannels(), LastSentAt: rec.LastSentAt}
	if rec.Failures > 0 {
		data.FailingSince = rec.FailingSince
	}
	for _, e := range tropa.NoticeEvents {
		if e == tropa.NoticeUnowned && !sess.Staff.Role.Can(tropa.PermAssign) {
			continue
		}
		data.Events = append(data.Events, noticeEventView{Key: e, Label: p.T(noticeEventLabels[e]), Checked: form.Events[e]})
	}
	// The language links lead to the page, not to where a form posted.
	p.Path = "/staff/account/notices"
	p.Data = data
	s.render(w, status, "notices", p)
	return nil
}
