package web

import (
	"context"
	"net/http"
	"slices"
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
	// Telegram links his chat with the bot, nil when this server has no
	// bot to send by.
	Telegram *telegramLink
}

// telegramLink is the page's offer to send notices to his own chat with
// the organization's bot.
type telegramLink struct {
	// Linked says his notices go to his chat now.
	Linked bool
	// Code is the one-time link code just made, "" until he asks for one.
	Code string
	// Bot is the bot's username, as the signed list of official channels
	// names it; "" when no list is published.
	Bot string
}

// Minutes is how long the code works.
func (l *telegramLink) Minutes() int { return int(desk.NoticeLinkLifetime / time.Minute) }

// DeepLink opens the chat with the bot and sends it the code, as
// "/start link-CODE".
func (l *telegramLink) DeepLink() string { return "https://t.me/" + l.Bot + "?start=link-" + l.Code }

// officialBot is the username of the bot the signed list of official
// channels names, "" for none.
func (s *Server) officialBot(ctx context.Context) string {
	published, err := s.Desk.OfficialChannels(ctx)
	if err != nil {
		return ""
	}
	for _, ch := range published.List.Channels {
		if _, name, ok := ch.Bot(); ok {
			return name
		}
	}
	return ""
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
	// A chat's id is never typed, nor shown: the chat is linked by a code.
	addr := p.Address
	if p.Channel == desk.NoticeTelegram {
		addr = ""
	}
	f := noticeForm{Channel: p.Channel, Address: addr, Events: map[tropa.NoticeEvent]bool{},
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
	return s.showNotices(w, r, sess, p, http.StatusOK, rec, formOf(&rec.NoticePrefs), "")
}

// showNotices shows the page with form, and with code when a link code
// was just made.
func (s *Server) showNotices(w http.ResponseWriter, r *http.Request, sess *desk.Session, p *page, status int,
	rec *tropa.NoticeRecord, form noticeForm, code string) error {
	data := noticesData{Form: form, Channels: s.Desk.NoticeChannels(), LastSentAt: rec.LastSentAt}
	if slices.Contains(data.Channels, desk.NoticeTelegram) {
		data.Telegram = &telegramLink{Linked: rec.Channel == desk.NoticeTelegram, Code: code}
		if code != "" {
			data.Telegram.Bot = s.officialBot(r.Context())
		}
	}
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
