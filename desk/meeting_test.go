package desk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
)

// A meeting runs from proposed to closed on the case's deadline clock: its
// end orders the queue, closing it closes its deadline, and every step is
// in the history.
func TestMeetingOnTheDeadlineClock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	f.addStaff(t, "oksana", tropa.RoleOperator, false)
	oksana := f.enroll(t, "oksana")
	_, id := f.submit(t, submission("signal: @front", "Хочу сдаться"))
	loc, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Skip(err)
	}
	now := f.clock.Now()
	start := now.Add(26 * time.Hour).Truncate(time.Hour)
	w := tropa.Window{Start: start, End: start.Add(90 * time.Minute), Zone: loc.String()}
	in := desk.MeetingInput{Window: w, Place: "MARKER-PLACE у моста", Sign: "MARKER-SIGN белая повязка",
		Phrase: "MARKER-PHRASE тихий дон"}

	_, err = f.desk.ArrangeMeeting(ctx, oksana, id, in)
	wantError(t, "an operator arranges a meeting for a case she does not hold", err, tropa.EFORBIDDEN, "ErrNoKey")
	bad := in
	bad.Responsible = oksana.Staff.ID
	_, err = f.desk.ArrangeMeeting(ctx, olena, id, bad)
	wantError(t, "a responsible who does not hold the case", err, tropa.EINVALID, "ErrMeetingResponsible")
	past := in
	past.Window = tropa.Window{Start: now.Add(-2 * time.Hour), End: now.Add(-time.Hour)}
	_, err = f.desk.ArrangeMeeting(ctx, olena, id, past)
	wantError(t, "a window in the past", err, tropa.EINVALID, "ErrMeetingInPast")

	mid, err := f.desk.ArrangeMeeting(ctx, olena, id, in)
	if err != nil {
		t.Fatalf("ArrangeMeeting: %v", err)
	}
	r, _ := f.store.RequestByID(ctx, id)
	if !r.DueAt.Equal(tropa.DueHour(w.End)) {
		t.Errorf("the case is due %v, want the meeting's end to the hour %v", r.DueAt, tropa.DueHour(w.End))
	}
	overlap := in
	overlap.Window = tropa.Window{Start: w.End.Add(-time.Minute), End: w.End.Add(time.Hour)}
	_, err = f.desk.ArrangeMeeting(ctx, olena, id, overlap)
	wantError(t, "an overlapping meeting", err, tropa.ECONFLICT, "ErrMeetingOverlap")

	err = f.desk.CompleteDeadline(ctx, olena, id, mid)
	wantError(t, "closing a meeting's deadline on its own", err, tropa.EINVALID, "ErrDeadlineIsMeeting")
	err = f.desk.MoveMeeting(ctx, olena, id, mid, tropa.MeetingCompleted, "")
	wantError(t, "completing a meeting never confirmed", err, tropa.EINVALID, "ErrMeetingMove")
	if err := f.desk.MoveMeeting(ctx, olena, id, mid, tropa.MeetingConfirmed, ""); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	later := tropa.Window{Start: w.Start.Add(3 * time.Hour), End: w.End.Add(3 * time.Hour), Zone: w.Zone}
	if err := f.desk.RescheduleMeeting(ctx, olena, id, mid, later); err != nil {
		t.Fatalf("reschedule: %v", err)
	}
	r, _ = f.store.RequestByID(ctx, id)
	if !r.DueAt.Equal(tropa.DueHour(later.End)) {
		t.Errorf("after rescheduling the case is due %v, want %v", r.DueAt, tropa.DueHour(later.End))
	}
	err = f.desk.MoveMeeting(ctx, olena, id, mid, tropa.MeetingFailed, " ")
	wantError(t, "failed without a reason", err, tropa.EINVALID, "ErrMeetingReason")
	if err := f.desk.MoveMeeting(ctx, olena, id, mid, tropa.MeetingCompleted, ""); err != nil {
		t.Fatalf("complete: %v", err)
	}
	r, _ = f.store.RequestByID(ctx, id)
	if !r.DueAt.IsZero() {
		t.Errorf("a completed meeting still keeps the case due at %v", r.DueAt)
	}
	list, err := f.desk.Meetings(ctx, olena, id)
	if err != nil || len(list) != 1 {
		t.Fatalf("Meetings = %v, %v", list, err)
	}
	m := list[0]
	if m.State != tropa.MeetingCompleted || m.Window != later || m.Phrase != in.Phrase || len(m.Steps) != 4 ||
		m.Steps[2].Window != w || m.Steps[3].By != olena.Staff.ID {
		t.Errorf("meeting = %+v", m)
	}
	counts, err := f.store.MeetingCounts(ctx, now.Add(-48*time.Hour), now.Add(48*time.Hour))
	if err != nil || counts[tropa.Day(f.clock.Now())][tropa.MeetingCompleted] != 1 {
		t.Errorf("MeetingCounts = %v, %v; want one completed today", counts, err)
	}
	c, err := f.desk.OpenCase(ctx, olena, id)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, ev := range c.History {
		if ev.Action == tropa.CaseMeeting || ev.Action == tropa.CaseMeetingWindow {
			steps = append(steps, string(ev.Action)+":"+ev.To)
		}
	}
	if len(steps) != 4 {
		t.Errorf("history of the meeting = %v, want four steps", steps)
	}
}

// The day board shows today's and tomorrow's meetings in the viewer's zone,
// including one that crosses midnight, in time order, only of cases the
// viewer holds, and marks what is overdue.
func TestDayBoard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	f.addStaff(t, "oksana", tropa.RoleOperator, false)
	oksana := f.enroll(t, "oksana")
	loc, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Skip(err)
	}
	// 10:00 UTC on 1 June is 13:00 in Kyiv.
	day := func(d, h, m int) time.Time { return time.Date(2025, 6, d, h, m, 0, 0, loc) }
	_, a := f.submit(t, submission("signal: @a", "а"))
	_, b := f.submit(t, submission("signal: @b", "б"))
	arrange := func(id string, start, end time.Time) string {
		t.Helper()
		mid, err := f.desk.ArrangeMeeting(ctx, olena, id, desk.MeetingInput{Window: tropa.Window{Start: start, End: end,
			Zone: loc.String()}, Place: "место", Sign: "знак", Phrase: "фраза"})
		if err != nil {
			t.Fatalf("ArrangeMeeting: %v", err)
		}
		return mid
	}
	soon := arrange(a, day(1, 13, 30), day(1, 14, 0))
	midnight := arrange(b, day(2, 23, 30), day(3, 0, 30))
	arrange(a, day(2, 9, 0), day(2, 10, 0))
	arrange(b, day(3, 0, 30), day(3, 1, 0))
	f.clock.Advance(time.Hour)

	board, err := f.desk.DayBoard(ctx, olena, loc)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range board {
		got = append(got, m.Window.Start.In(loc).Format("02 15:04"))
	}
	if want := "[01 13:30 02 09:00 02 23:30]"; fmt.Sprint(got) != want {
		t.Errorf("board = %v, want %s", got, want)
	}
	if len(board) == 3 && (!board[0].Overdue || board[0].ID != soon || board[1].Overdue || board[2].ID != midnight) {
		t.Errorf("overdue marks: %+v", board)
	}
	utc, err := f.desk.DayBoard(ctx, olena, time.UTC)
	if err != nil || len(utc) != 4 {
		t.Errorf("in UTC, 3 June 00:30 Kyiv is 2 June 21:30: board has %d, %v; want 4", len(utc), err)
	}
	if theirs, err := f.desk.DayBoard(ctx, oksana, loc); err != nil || len(theirs) != 0 {
		t.Errorf("an operator who holds none of the cases sees %v, %v", theirs, err)
	}
}

// In zones far from UTC the board keeps the meetings that start from
// today's local midnight until tomorrow's last minute, and none just
// before or just after, while asking the store only for the UTC days the
// two local days touch.
func TestDayBoardFarFromUTC(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	asked := &boardDays{Store: f.store}
	f.desk.SetStore(asked)
	view := time.Date(2025, 6, 10, 12, 0, 0, 0, time.UTC)
	for _, zone := range []struct {
		name     string
		from, to string
	}{
		// 02:00 on 11 June: the two days run from 10:00 UTC on the 10th.
		{"Pacific/Kiritimati", "2025-06-10", "2025-06-12"},
		// 01:00 on 10 June: the two days run from 11:00 UTC on the 10th.
		{"Pacific/Pago_Pago", "2025-06-10", "2025-06-12"},
		{"Asia/Kathmandu", "2025-06-09", "2025-06-11"},
	} {
		loc, err := time.LoadLocation(zone.name)
		if err != nil {
			t.Skip(err)
		}
		f.clock.Set(view.AddDate(0, 0, -5))
		_, id := f.submit(t, submission("signal: @"+zone.name, "у полуночи"))
		y, m, d := view.In(loc).Date()
		today, after := time.Date(y, m, d, 0, 0, 0, 0, loc), time.Date(y, m, d+2, 0, 0, 0, 0, loc)
		want := map[string]bool{}
		for _, start := range []time.Time{today.Add(-30 * time.Minute), today, after.Add(-30 * time.Minute), after} {
			mid, err := f.desk.ArrangeMeeting(ctx, olena, id, desk.MeetingInput{Window: tropa.Window{Start: start,
				End: start.Add(30 * time.Minute), Zone: zone.name}, Place: "место", Sign: "знак", Phrase: "фраза"})
			if err != nil {
				t.Fatalf("ArrangeMeeting at %v: %v", start, err)
			}
			want[mid] = !start.Before(today) && start.Before(after)
		}
		r, err := f.store.RequestByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Set(view)
		board, err := f.desk.DayBoard(ctx, olena, loc)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, b := range board {
			if b.RequestID == id {
				got[b.ID] = true
				if b.Ref != r.Ref {
					t.Errorf("%s: meeting %s links to %q, want its case %q", zone.name, b.ID, b.Ref, r.Ref)
				}
			}
		}
		for mid, on := range want {
			if got[mid] != on {
				t.Errorf("%s: meeting %s on the board = %v, want %v", zone.name, mid, got[mid], on)
			}
		}
		if days := asked.from.Format(time.DateOnly) + ".." + asked.to.Format(time.DateOnly); days != zone.from+".."+zone.to {
			t.Errorf("%s: the board asked for the UTC days %s, want %s..%s", zone.name, days, zone.from, zone.to)
		}
	}
}

// boardDays is a store that keeps the UTC days the day board last asked for.
type boardDays struct {
	tropa.Store
	from, to time.Time
}

func (s *boardDays) MeetingsHeld(ctx context.Context, holder string, from, to time.Time) ([]tropa.HeldMeeting, error) {
	s.from, s.to = tropa.Day(from), tropa.Day(to)
	return s.Store.MeetingsHeld(ctx, holder, from, to)
}

// TestMeetingOnClosedCase: a closed case gets no new meeting and its
// meeting no new window, but the meeting it had can still be closed to say
// how it ended; reopened, it gets meetings again.
func TestMeetingOnClosedCase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	_, id := f.submit(t, submission("", "Хочу сдаться"))
	start := f.clock.Now().Add(26 * time.Hour).Truncate(time.Hour)
	in := desk.MeetingInput{Window: tropa.Window{Start: start, End: start.Add(time.Hour), Zone: "UTC"},
		Place: "у моста", Sign: "белая повязка", Phrase: "тихий дон"}
	mid, err := f.desk.ArrangeMeeting(ctx, olena, id, in)
	if err != nil {
		t.Fatalf("ArrangeMeeting: %v", err)
	}
	closeCase(t, f, olena, id)

	later := in
	later.Window.Start, later.Window.End = start.Add(48*time.Hour), start.Add(49*time.Hour)
	_, err = f.desk.ArrangeMeeting(ctx, olena, id, later)
	wantError(t, "a meeting for a closed case", err, tropa.ECONFLICT, "ErrMeetingCaseClosed")
	err = f.desk.RescheduleMeeting(ctx, olena, id, mid, later.Window)
	wantError(t, "a new window for a closed case's meeting", err, tropa.ECONFLICT, "ErrMeetingCaseClosed")
	if err := f.desk.MoveMeeting(ctx, olena, id, mid, tropa.MeetingCancelled, "дело закрыто"); err != nil {
		t.Errorf("cancelling the closed case's meeting: %v", err)
	}
	if err := f.desk.ChangeCase(ctx, olena, id, desk.CaseChange{Stage: tropa.StageCounselling}); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if _, err := f.desk.ArrangeMeeting(ctx, olena, id, later); err != nil {
		t.Errorf("a meeting once the case is reopened: %v", err)
	}
}
