package desk

import (
	"context"
	"errors"
	"time"

	"tropa"
)

// Timing of notices.
const (
	// noticeEvery is how often every person's cases are looked over: an
	// urgent request or an applicant's message is told of within it.
	noticeEvery = time.Minute
	// noticeClaim is how long a node holds a person's notices while it
	// sends them; a node that dies holding them lets go after it.
	noticeClaim = 2 * time.Minute
	// noticeRetryFirst is the wait after a first failed send; each failure
	// in a row doubles it, up to noticeRetryMax.
	noticeRetryFirst = time.Minute
	noticeRetryMax   = time.Hour
)

// noticeBackoff is how long to wait after failures sends failed in a row.
func noticeBackoff(failures int) time.Duration {
	d := noticeRetryFirst
	for i := 1; i < failures && d < noticeRetryMax; i++ {
		d *= 2
	}
	return min(d, noticeRetryMax)
}

// NotifyOnce looks over the cases of every person who asked for notices
// and sends those that are due. Every node may run it at once: a person's
// notices are claimed in the store before they are worked out, so that one
// node alone sends them. It is the background work Run repeats.
func (d *Desk) NotifyOnce(ctx context.Context) error {
	if len(d.cfg.NoticeChannels) == 0 {
		return nil
	}
	recs, err := d.cfg.Store.NoticeRecords(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for i := range recs {
		if err := d.notify(ctx, &recs[i]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// notify sends one person the notice due to them, if any. r is what a
// look over everyone read; the claim reads it again, as another node may
// have sent a notice since.
func (d *Desk) notify(ctx context.Context, r *tropa.NoticeRecord) error {
	ch := d.noticeChannel(r.Channel)
	now := d.now()
	if ch == nil || len(r.Events) == 0 || now.Before(r.RetryAt) {
		return nil
	}
	loc, err := d.StaffLocation(ctx, r.StaffID)
	if err != nil {
		return err
	}
	if local := now.In(loc); r.Quiet(local.Hour()*60 + local.Minute()) {
		return nil
	}
	st, err := d.cfg.Store.StaffByID(ctx, r.StaffID)
	if err != nil {
		return err
	}
	r, err = d.cfg.Store.ClaimNotices(ctx, r.StaffID, now, now.Add(noticeClaim))
	if tropa.IsCode(err, tropa.ECONFLICT) {
		return nil
	} else if err != nil {
		return err
	}
	done := &tropa.NoticeDone{StaffID: r.StaffID, State: r.NoticeState}
	var sendErr error
	if ch = d.noticeChannel(r.Channel); ch != nil && len(r.Events) > 0 {
		sendErr = d.sendDue(ctx, ch, r, st.Role, now, done)
	}
	if err := d.cfg.Store.FinishNotices(context.WithoutCancel(ctx), done); err != nil {
		return errors.Join(sendErr, err)
	}
	return sendErr
}

// sendDue works out what waits for r's person and sends it when it is
// due, filling done with what is to be kept.
func (d *Desk) sendDue(ctx context.Context, ch NoticeChannel, r *tropa.NoticeRecord, role tropa.Role, now time.Time,
	done *tropa.NoticeDone) error {
	cases, err := d.cfg.Store.NoticeCases(ctx, r.StaffID, r.Wants(tropa.NoticeUnowned) && role.Can(tropa.PermAssign),
		now.Add(r.Lead))
	if err != nil {
		return err
	}
	waiting, atOnce := 0, false
	marks := make([]tropa.NoticeMark, 0, len(cases))
	var settled []tropa.NoticeMark
	for _, c := range cases {
		w, mark := assess(r, c, now)
		if w != waitNone {
			waiting++
			atOnce = atOnce || w == waitAtOnce
		}
		marks = append(marks, mark)
		if m, ok := settle(r.StaffID, c); ok {
			settled = append(settled, m)
		}
	}
	// What was told of and has since gone away is kept as gone even when
	// nothing is sent, so that it is told of again if it comes back.
	done.Marks = settled
	if waiting == 0 || !atOnce && now.Before(r.DigestAfter) {
		return nil
	}
	link := ""
	if d.cfg.StaffURL != "" {
		link = d.cfg.StaffURL + "staff/inbox"
	}
	if err := ch.Send(ctx, r.Address, d.cfg.NoticeText(r.Lang, waiting, link)); err != nil {
		if ctx.Err() != nil {
			// Stopping is no failure of the channel's: the next start sends.
			return ctx.Err()
		}
		s := &done.State
		s.Failures++
		s.RetryAt = now.Add(noticeBackoff(s.Failures))
		if s.FailingSince.IsZero() {
			s.FailingSince = now
		}
		s.LastError = failureClass(err)
		d.cfg.Logger.Warn("notice not sent", "channel", ch.Name(), "class", s.LastError, "failures", s.Failures)
		return nil
	}
	done.State = tropa.NoticeState{DigestAfter: now.Add(r.Digest), LastSentAt: now}
	done.Marks = marks
	return nil
}

// failureClass is the kind of a failed send, in a word admins may see.
func failureClass(err error) string {
	var c interface{ Class() string }
	if errors.As(err, &c) {
		return c.Class()
	}
	return "other"
}

// wait says whether a case is waiting for its person, and how soon they
// are to be told of it.
type wait int

const (
	waitNone wait = iota
	// waitDigest waits for the person's next digest.
	waitDigest
	// waitAtOnce is told of at the next look.
	waitAtOnce
)

// assess says whether c waits for r's person, and returns the mark to keep
// once they are told of it.
func assess(r *tropa.NoticeRecord, c tropa.NoticeCase, now time.Time) (wait, tropa.NoticeMark) {
	// A case never told of counts its first message as the request itself.
	told := tropa.NoticeMark{Messages: 1}
	if c.Told != nil {
		told = *c.Told
	}
	mark := c.Now
	mark.Unowned = c.Unowned
	dueSoon := !c.CaseDueAt.IsZero() && !c.CaseDueAt.After(now.Add(r.Lead))
	if !dueSoon {
		mark.DueAt = told.DueAt
	}
	holds := c.Now.Reason != ""
	w := waitNone
	at := func(e tropa.NoticeEvent, v wait) {
		if r.Wants(e) && v > w {
			w = v
		}
	}
	if holds && c.Told == nil && c.Now.Reason == tropa.AccessIntake {
		if c.Urgency >= tropa.UrgencyHigh {
			at(tropa.NoticeNew, waitAtOnce)
		} else {
			at(tropa.NoticeNew, waitDigest)
		}
	}
	if holds && (c.Now.Owner == r.StaffID && told.Owner != r.StaffID ||
		c.Now.Reason == tropa.AccessReferral && told.Reason != tropa.AccessReferral) {
		at(tropa.NoticeAssigned, waitAtOnce)
	}
	if holds && c.Now.Messages > told.Messages {
		at(tropa.NoticeMessage, waitAtOnce)
	}
	if holds && dueSoon && !told.DueAt.Equal(c.CaseDueAt) {
		at(tropa.NoticeDue, waitAtOnce)
	}
	if mark.Unowned && !told.Unowned {
		at(tropa.NoticeUnowned, waitAtOnce)
	}
	return w, mark
}

// settle returns c's mark with what no longer holds cleared (the case
// has an owner again, or is no longer staffID's), if anything is.
func settle(staffID string, c tropa.NoticeCase) (tropa.NoticeMark, bool) {
	if c.Told == nil {
		return tropa.NoticeMark{}, false
	}
	m, changed := *c.Told, false
	if m.Unowned && !c.Unowned {
		m.Unowned, changed = false, true
	}
	if m.Owner == staffID && c.Now.Owner != staffID {
		m.Owner, changed = c.Now.Owner, true
	}
	return m, changed
}
