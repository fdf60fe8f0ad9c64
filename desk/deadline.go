package desk

import (
	"context"
	"strings"
	"time"

	"tropa"
	"tropa/seal"
)

// maxAhead is how far ahead a deadline may be set: far enough for a
// passport appointment, near enough to catch a mistyped year.
const maxAhead = 2 * 365 * 24 * time.Hour

// RecordLeftUnit records when a man left his unit, or is about to, and
// starts the clock to when he is likely to be declared wanted. Recording it
// again moves the one clock; a case with the clock running is urgent.
func (d *Desk) RecordLeftUnit(ctx context.Context, s *Session, requestID string, leftAt time.Time) error {
	now := d.now()
	if leftAt.IsZero() || leftAt.After(now.Add(30*24*time.Hour)) || leftAt.Before(now.Add(-365*24*time.Hour)) {
		return tropa.UserError(tropa.EINVALID, "ErrLeftAtInvalid", nil)
	}
	v, err := d.Vocabulary(ctx)
	if err != nil {
		return err
	}
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermSchedule)
	if err != nil {
		return err
	}
	list, err := d.openDeadlines(ctx, key, requestID)
	if err != nil {
		return err
	}
	dl := tropa.Deadline{ID: tropa.NewID(), RequestID: requestID, Kind: tropa.DeadlineWanted,
		CreatedBy: s.Staff.ID, CreatedAt: now}
	var from string
	for _, r := range list {
		if r.Kind == tropa.DeadlineWanted && r.Open() {
			dl.ID, dl.CreatedAt, from = r.ID, r.CreatedAt, formatTime(r.StartsAt)
		}
	}
	dl.StartsAt = leftAt.UTC().Truncate(time.Microsecond)
	dl.DueAt = dl.StartsAt.Add(v.WantedAfter)
	u := deadlineUpdate(key, rr, list, dl)
	events := []tropa.CaseEvent{{Action: tropa.CaseDeadline, Subject: string(tropa.DeadlineWanted), From: from,
		To: formatTime(dl.StartsAt)}}
	if rr.Urgency != tropa.UrgencyHigh {
		high := tropa.UrgencyHigh
		u.Urgency = &high
		events = append(events, urgencyEvent(rr.Urgency, high))
	}
	return d.commit(ctx, s, key, u, events...)
}

// AddDeadline adds a dated task or an arranged meeting to a case. The
// label (what is due, or where to meet) and the time are sealed; the queue
// is ordered by the case's earliest due hour.
func (d *Desk) AddDeadline(ctx context.Context, s *Session, requestID string, kind tropa.DeadlineKind, due time.Time, label string) error {
	if kind != tropa.DeadlineTask && kind != tropa.DeadlineMeeting {
		return tropa.UserError(tropa.EINVALID, "ErrDeadlineKind", nil)
	}
	label = strings.TrimSpace(label)
	if err := tropa.ValidateText(label, "label", 1, tropa.MaxLabelLen); err != nil {
		return err
	}
	now := d.now()
	if due.IsZero() || due.After(now.Add(maxAhead)) || due.Before(now.Add(-maxAhead)) {
		return tropa.UserError(tropa.EINVALID, "ErrDueInvalid", nil)
	}
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermSchedule)
	if err != nil {
		return err
	}
	list, err := d.openDeadlines(ctx, key, requestID)
	if err != nil {
		return err
	}
	dl := tropa.Deadline{ID: tropa.NewID(), RequestID: requestID, Kind: kind, Label: label,
		DueAt: due.UTC().Truncate(time.Microsecond), CreatedBy: s.Staff.ID, CreatedAt: now}
	return d.commit(ctx, s, key, deadlineUpdate(key, rr, list, dl),
		tropa.CaseEvent{Action: tropa.CaseDeadline, Subject: label, To: formatTime(dl.DueAt)})
}

// CompleteDeadline marks a deadline done, so that it no longer orders the
// queue.
func (d *Desk) CompleteDeadline(ctx context.Context, s *Session, requestID, deadlineID string) error {
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermSchedule)
	if err != nil {
		return err
	}
	list, err := d.openDeadlines(ctx, key, requestID)
	if err != nil {
		return err
	}
	for _, dl := range list {
		if dl.ID != deadlineID {
			continue
		}
		if !dl.Open() {
			return nil
		}
		if err := d.refuseMeetingDeadline(ctx, requestID, deadlineID); err != nil {
			return err
		}
		if dl.Kind == tropa.DeadlineLegal {
			if err := require(s, tropa.PermLegal); err != nil {
				return d.refuse(ctx, s, requestID, tropa.PermLegal, "role", err)
			}
		}
		dl.DoneAt = d.now()
		label := dl.Label
		if dl.Kind == tropa.DeadlineWanted {
			label = string(tropa.DeadlineWanted)
		}
		return d.commit(ctx, s, key, deadlineUpdate(key, rr, list, dl),
			tropa.CaseEvent{Action: tropa.CaseDone, Subject: label, To: formatTime(dl.DueAt)})
	}
	return tropa.UserError(tropa.ENOTFOUND, "ErrDeadlineUnknown", nil)
}

// deadlineUpdate is the update that adds dl to the case rr whose deadlines
// are list, or replaces the one with its id, with the case's new due time:
// none while the case is closed, its deadlines paused.
func deadlineUpdate(key *seal.Key, rr *tropa.RequestRecord, list []tropa.Deadline, dl tropa.Deadline) *tropa.CaseUpdate {
	after := []tropa.Deadline{dl}
	for _, other := range list {
		if other.ID != dl.ID {
			after = append(after, other)
		}
	}
	var due time.Time
	if rr.Open() {
		due = earliestDue(after)
	}
	return &tropa.CaseUpdate{RequestID: dl.RequestID, Deadlines: []tropa.DeadlineRecord{sealDeadline(key, dl)}, DueAt: &due}
}

// formatTime writes a time into a sealed history entry.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// pauseOrResume completes u, which closes or reopens the case rr: closing
// pauses its open deadlines, so that the queue's due time no longer
// carries them; reopening resumes them, and answers the flag of a message
// the applicant wrote to it while it was closed.
func (d *Desk) pauseOrResume(ctx context.Context, key *seal.Key, rr *tropa.RequestRecord, u *tropa.CaseUpdate) error {
	var due time.Time
	if u.ClosedAt.IsZero() {
		list, err := d.openDeadlines(ctx, key, rr.ID)
		if err != nil {
			return err
		}
		due = earliestDue(list)
		u.Unflag = !rr.FlaggedAt.IsZero()
	}
	u.DueAt = &due
	return nil
}

// KeepClosed answers the flag of a message the applicant wrote to a closed
// case by leaving it closed: someone who holds the case read it and decided
// so, and the history says who.
func (d *Desk) KeepClosed(ctx context.Context, s *Session, requestID string) error {
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermWork)
	if err != nil {
		return err
	}
	if rr.FlaggedAt.IsZero() {
		return nil
	}
	return d.commit(ctx, s, key, &tropa.CaseUpdate{RequestID: requestID, Unflag: true},
		tropa.CaseEvent{Action: tropa.CaseKeepClosed})
}
