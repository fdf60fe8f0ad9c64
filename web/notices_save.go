package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tropa"
	"tropa/desk"
)

// noticesSave keeps what the staff member asks to be told, where and when.
func (s *Server) noticesSave(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	form := typedNoticeForm(r.PostForm)
	prefs, err := parseNoticeForm(form)
	if err == nil {
		err = s.Desk.SaveMyNotices(r.Context(), sess, prefs)
	}
	if err != nil {
		return s.refuse(w, r, sess, err, func(p *page, status int) error {
			rec, rerr := s.Desk.MyNotices(r.Context(), sess)
			if rerr != nil {
				return rerr
			}
			return s.showNotices(w, r, sess, p, status, rec, form, "")
		})
	}
	http.Redirect(w, r, s.newPage(r).URL("/staff/account/notices?done=saved"), http.StatusSeeOther)
	return nil
}

// typedNoticeForm is the notices form as posted.
func typedNoticeForm(v url.Values) noticeForm {
	f := noticeForm{Channel: v.Get("channel"), Address: v.Get("address"), Events: map[tropa.NoticeEvent]bool{},
		Digest: v.Get("digest"), Lead: v.Get("lead"), QuietFrom: v.Get("quiet_from"), QuietTo: v.Get("quiet_to"),
		Lang: v.Get("notice_lang")}
	for _, e := range v["event"] {
		f.Events[tropa.NoticeEvent(e)] = true
	}
	return f
}

// parseNoticeForm reads the notices form. What only the desk can judge
// (the address, the bounds) it leaves to the desk.
func parseNoticeForm(f noticeForm) (tropa.NoticePrefs, error) {
	p := tropa.NoticePrefs{Channel: f.Channel, Address: strings.TrimSpace(f.Address), Lang: f.Lang}
	for _, e := range tropa.NoticeEvents {
		if f.Events[e] {
			p.Events = append(p.Events, e)
		}
	}
	if len(p.Events) != len(f.Events) {
		return p, tropa.UserError(tropa.EINVALID, "ErrNoticeEvent", nil)
	}
	digest, err := hours(f.Digest)
	if err != nil {
		return p, err
	}
	lead, err := hours(f.Lead)
	if err != nil {
		return p, err
	}
	p.Digest, p.Lead = digest, lead
	if (f.QuietFrom == "") != (f.QuietTo == "") {
		return p, tropa.UserError(tropa.EINVALID, "ErrNoticeQuiet", nil)
	}
	if f.QuietFrom != "" {
		if p.QuietStart, err = minuteOfDay(f.QuietFrom); err != nil {
			return p, err
		}
		if p.QuietEnd, err = minuteOfDay(f.QuietTo); err != nil {
			return p, err
		}
	}
	return p, nil
}

// hours reads a whole number of hours, at most a year's.
func hours(s string) (time.Duration, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 24*366 {
		return 0, tropa.UserError(tropa.EINVALID, "ErrNoticeHours", nil)
	}
	return time.Duration(n) * time.Hour, nil
}

// minuteOfDay reads HH:MM as minutes after midnight.
func minuteOfDay(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, tropa.UserError(tropa.EINVALID, "ErrNoticeQuiet", nil)
	}
	return t.Hour()*60 + t.Minute(), nil
}
