package desk_test

import (
	"context"
	"testing"
	"time"

	"tropa"
)

// The store keeps a case's times to the day (its due time to the hour);
// whoever opens the case sees them exactly: staff the messages, history
// and deadlines, the applicant with his receipt his messages.
func TestExactTimesOpenWithTheCase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	receipt, id := f.submit(t, submission("signal: @left", "Ушёл из части"))
	rec, err := f.store.Messages(ctx, id, true)
	if err != nil || len(rec) != 1 {
		t.Fatalf("Messages = %d, %v", len(rec), err)
	}
	arrived := rec[0].CreatedAt
	if !tropa.IsDay(arrived) {
		t.Fatalf("the store keeps the message at %v, finer than its day", arrived)
	}

	left := time.Date(2025, 5, 31, 22, 15, 37, 123456000, time.UTC)
	meeting := time.Date(2025, 6, 2, 13, 45, 12, 345678000, time.UTC)
	if err := f.desk.RecordLeftUnit(ctx, olena, id, left); err != nil {
		t.Fatalf("RecordLeftUnit: %v", err)
	}
	if err := f.desk.AddDeadline(ctx, olena, id, tropa.DeadlineMeeting, meeting, "у моста"); err != nil {
		t.Fatalf("AddDeadline: %v", err)
	}
	if err := f.desk.Reply(ctx, olena, id, "Ждём вас"); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	r, err := f.store.RequestByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !r.DueAt.Equal(tropa.DueHour(meeting)) || !tropa.IsDay(r.CreatedAt) || !tropa.IsDay(r.LastStaffAt) {
		t.Errorf("stored request: due %v, created %v, last staff %v; want the meeting's hour, days", r.DueAt, r.CreatedAt, r.LastStaffAt)
	}
	records, err := f.store.Deadlines(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range records {
		if !d.StartsAt.IsZero() || !d.DueAt.IsZero() || d.SealedTimes == nil {
			t.Errorf("stored deadline %+v: want no start or due time in clear, its times sealed", d)
		}
	}

	c, err := f.desk.OpenCase(ctx, olena, id)
	if err != nil {
		t.Fatalf("OpenCase: %v", err)
	}
	if len(c.Deadlines) != 2 || !c.Deadlines[0].DueAt.Equal(meeting) || !c.Deadlines[1].StartsAt.Equal(left) ||
		!c.Deadlines[1].DueAt.Equal(left.Add(tropa.DefaultWantedAfter)) {
		t.Errorf("opened deadlines = %+v; want the meeting at %v, then leaving at %v", c.Deadlines, meeting, left)
	}
	if len(c.Messages) != 2 || tropa.IsDay(c.Messages[0].CreatedAt) || !c.Messages[1].CreatedAt.After(c.Messages[0].CreatedAt) ||
		!c.Request.CreatedAt.Equal(c.Messages[0].CreatedAt) || !c.Request.LastStaffAt.Equal(c.Messages[1].CreatedAt) {
		t.Errorf("opened messages = %+v, request %+v; want exact times, the request's from them", c.Messages, c.Request)
	}
	for _, ev := range c.History {
		if tropa.IsDay(ev.At) {
			t.Errorf("history entry %s at %v: want its exact time", ev.Action, ev.At)
		}
	}
	th, err := f.desk.ApplicantThread(ctx, receipt.String())
	if err != nil {
		t.Fatalf("ApplicantThread: %v", err)
	}
	if len(th.Messages) != 2 || !th.Messages[1].CreatedAt.Equal(c.Messages[1].CreatedAt) || th.Request.AwaitingReply() {
		t.Errorf("applicant's thread = %+v; want the reply at its exact time", th.Messages)
	}
}
