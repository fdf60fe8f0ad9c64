package desk

import (
	"context"
	"fmt"
	"slices"
	"time"

	"tropa"
)

// Notice is what a notification says: that something needs the person,
// how many things, and the link to the staff site. It is written by
// Config.NoticeText from a count and a link alone, so that nothing of a
// case can slip into it.
type Notice struct {
	Subject string
	Body    string
}

// NoticeChannel carries notices to staff: e-mail, and any other channel
// that can reach a person at an address.
type NoticeChannel interface {
	// Name is the channel's key, kept with each person's address.
	Name() string
	// Address checks an address typed for the channel and returns it as
	// it is to be kept, or an EINVALID error.
	Address(s string) (string, error)
	// Send delivers n to address. A failure is retried later, with
	// backoff; its error may have a Class() string method naming the
	// kind of failure for admins.
	Send(ctx context.Context, address string, n Notice) error
}

// Defaults of a person's notices before they choose.
const (
	DefaultNoticeDigest = 4 * time.Hour
	DefaultNoticeLead   = 12 * time.Hour
)

// noticeLanguages are the languages a notice is written in.
var noticeLanguages = []string{"ru", "uk", "en"}

// NoticeChannels names the channels this server can send notices by.
func (d *Desk) NoticeChannels() []string {
	names := make([]string, len(d.cfg.NoticeChannels))
	for i, c := range d.cfg.NoticeChannels {
		names[i] = c.Name()
	}
	return names
}

func (d *Desk) noticeChannel(name string) NoticeChannel {
	for _, c := range d.cfg.NoticeChannels {
		if c.Name() == name {
			return c
		}
	}
	return nil
}

// MyNotices returns what the staff member asked to be told; someone who
// never chose gets the defaults, with no channel.
func (d *Desk) MyNotices(ctx context.Context, s *Session) (*tropa.NoticeRecord, error) {
	if err := require(s, tropa.PermQueue); err != nil {
		return nil, err
	}
	r, _, err := d.noticeRecord(ctx, &s.Staff)
	return r, err
}

// noticeRecord returns what st asked to be told, with the defaults for
// someone who never chose, and whether he chose.
func (d *Desk) noticeRecord(ctx context.Context, st *tropa.Staff) (*tropa.NoticeRecord, bool, error) {
	r, err := d.cfg.Store.NoticeRecord(ctx, st.ID)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return &tropa.NoticeRecord{NoticePrefs: tropa.NoticePrefs{StaffID: st.ID, Events: defaultEvents(st.Role),
			Digest: DefaultNoticeDigest, Lead: DefaultNoticeLead, Lang: "ru"}}, false, nil
	}
	return r, err == nil, err
}

func defaultEvents(r tropa.Role) []tropa.NoticeEvent {
	if r.Can(tropa.PermAssign) {
		return slices.Clone(tropa.NoticeEvents)
	}
	return []tropa.NoticeEvent{tropa.NoticeNew, tropa.NoticeMessage, tropa.NoticeDue, tropa.NoticeAssigned}
}

// SaveMyNotices keeps what the staff member asks to be told, where and
// when. Turning notices on marks what they hold now as told, but for what
// comes due within their lead time, so that the first notice reports what
// happens from then on.
func (d *Desk) SaveMyNotices(ctx context.Context, s *Session, p tropa.NoticePrefs) error {
	if err := require(s, tropa.PermQueue); err != nil {
		return err
	}
	old, _, err := d.noticeRecord(ctx, &s.Staff)
	if err != nil {
		return err
	}
	if p.Channel == NoticeTelegram {
		// A chat is never typed: it is the one that sent his link code.
		if old.Channel != NoticeTelegram {
			return tropa.UserError(tropa.EINVALID, "ErrNoticeTelegramUnlinked", nil)
		}
		p.Address = old.Address
	}
	return d.saveNotices(ctx, &s.Staff, p, &old.NoticePrefs)
}

// saveNotices keeps p as what st asks to be told, where old is what he
// asked before.
func (d *Desk) saveNotices(ctx context.Context, st *tropa.Staff, p tropa.NoticePrefs, old *tropa.NoticePrefs) error {
	p.StaffID = st.ID
	if err := d.checkNoticePrefs(&p); err != nil {
		return err
	}
	if !st.Role.Can(tropa.PermAssign) {
		p.Events = slices.DeleteFunc(slices.Clone(p.Events), func(e tropa.NoticeEvent) bool { return e == tropa.NoticeUnowned })
	}
	var marks []tropa.NoticeMark
	if p.Channel != "" && old.Channel == "" {
		cases, err := d.cfg.Store.NoticeCases(ctx, st.ID, st.Role.Can(tropa.PermAssign), time.Time{})
		if err != nil {
			return err
		}
		for _, c := range cases {
			m := c.Now
			m.DueAt, m.Unowned = time.Time{}, c.Unowned
			marks = append(marks, m)
		}
	}
	return d.cfg.Store.SaveNoticePrefs(ctx, &p, marks)
}

// checkNoticePrefs refuses what no one could have chosen on the page.
func (d *Desk) checkNoticePrefs(p *tropa.NoticePrefs) error {
	if p.Channel == "" {
		p.Address = ""
	} else {
		ch := d.noticeChannel(p.Channel)
		if ch == nil {
			return tropa.UserError(tropa.EINVALID, "ErrNoticeChannel", nil)
		}
		if err := tropa.ValidateText(p.Address, "notice_address", 1, tropa.MaxNoticeAddressLen); err != nil {
			return err
		}
		addr, err := ch.Address(p.Address)
		if err != nil {
			return err
		}
		p.Address = addr
	}
	for _, e := range p.Events {
		if !e.Valid() {
			return tropa.UserError(tropa.EINVALID, "ErrNoticeEvent", nil)
		}
	}
	if p.Digest < tropa.MinNoticeDigest || p.Digest > tropa.MaxNoticeDigest {
		return tropa.UserError(tropa.EINVALID, "ErrNoticeDigest", map[string]any{
			"Min": int(tropa.MinNoticeDigest / time.Hour), "Max": int(tropa.MaxNoticeDigest / time.Hour)})
	}
	if p.Lead < 0 || p.Lead > tropa.MaxNoticeLead {
		return tropa.UserError(tropa.EINVALID, "ErrNoticeLead", map[string]any{"Max": int(tropa.MaxNoticeLead / time.Hour)})
	}
	const day = 24 * 60
	if p.QuietStart < 0 || p.QuietStart >= day || p.QuietEnd < 0 || p.QuietEnd >= day {
		return tropa.UserError(tropa.EINVALID, "ErrNoticeQuiet", nil)
	}
	if !slices.Contains(noticeLanguages, p.Lang) {
		return tropa.UserError(tropa.EINVALID, "ErrNoticeLang", nil)
	}
	return nil
}

// NoticeHealth is how notices are going, for those who manage staff. It
// names no case and quotes no server.
type NoticeHealth struct {
	// Channels names the channels this server can send by.
	Channels []string
	// Failing counts the people whose notices cannot be sent now, and
	// FailingSince is when the oldest of those failures began.
	Failing      int
	FailingSince time.Time
	// LastError is the kind of the latest failure, such as "auth".
	LastError string
	// People maps a staff member's id to how they are notified.
	People map[string]PersonNotices
}

// PersonNotices is how one staff member is notified.
type PersonNotices struct {
	// Channel is "" for someone who gets nothing: no channel, no event
	// chosen, or a channel this server does not have.
	Channel string
	Failing bool
}

// NoticeHealth reports how notices are going, to those who manage staff.
func (d *Desk) NoticeHealth(ctx context.Context, s *Session) (*NoticeHealth, error) {
	if err := require(s, tropa.PermStaff); err != nil {
		return nil, err
	}
	recs, err := d.cfg.Store.NoticeRecords(ctx)
	if err != nil {
		return nil, err
	}
	h := &NoticeHealth{Channels: d.NoticeChannels(), People: make(map[string]PersonNotices, len(recs))}
	var latest time.Time
	for _, r := range recs {
		pn := PersonNotices{Failing: r.Failures > 0}
		if len(r.Events) > 0 && d.noticeChannel(r.Channel) != nil {
			pn.Channel = r.Channel
		}
		h.People[r.StaffID] = pn
		if !pn.Failing {
			continue
		}
		h.Failing++
		if h.FailingSince.IsZero() || r.FailingSince.Before(h.FailingSince) {
			h.FailingSince = r.FailingSince
		}
		if !r.RetryAt.Before(latest) {
			latest, h.LastError = r.RetryAt, r.LastError
		}
	}
	return h, nil
}

// plainNotice is the notice in English, for a desk given no catalogs.
func plainNotice(lang string, count int, link string) Notice {
	return Notice{Subject: "Something needs you in tropa",
		Body: fmt.Sprintf("Something needs you in tropa. Waiting: %d.\n%s\n", count, link)}
}
