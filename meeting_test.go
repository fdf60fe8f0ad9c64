package tropa_test

import (
	"errors"
	"testing"
	"time"

	"tropa"
)

func kyiv(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Skipf("no zone data: %v", err)
	}
	return loc
}

func messageID(err error) string {
	var e *tropa.Error
	if errors.As(err, &e) {
		return e.MessageID
	}
	return ""
}

func TestMeetingWindowCheck(t *testing.T) {
	loc := kyiv(t)
	now := time.Date(2025, 10, 25, 20, 0, 0, 0, loc)
	for _, tc := range []struct {
		name       string
		start, end time.Time
		want       string
	}{
		{"crosses midnight", time.Date(2025, 10, 25, 23, 30, 0, 0, loc), time.Date(2025, 10, 26, 0, 30, 0, 0, loc), ""},
		// Clocks go back from 04:00 to 03:00 on 26 October: the hour
		// from 03:00 happens twice, and the window is one in instants.
		{"across the fall back", time.Date(2025, 10, 26, 2, 30, 0, 0, loc), time.Date(2025, 10, 26, 4, 10, 0, 0, loc), ""},
		{"ends before it starts", time.Date(2025, 10, 26, 10, 0, 0, 0, loc), time.Date(2025, 10, 26, 9, 0, 0, 0, loc), "ErrMeetingEndsBeforeStart"},
		{"empty", time.Date(2025, 10, 26, 10, 0, 0, 0, loc), time.Date(2025, 10, 26, 10, 0, 0, 0, loc), "ErrMeetingEndsBeforeStart"},
		{"already over", time.Date(2025, 10, 25, 18, 0, 0, 0, loc), now, "ErrMeetingInPast"},
		{"started, not over", time.Date(2025, 10, 25, 19, 0, 0, 0, loc), now.Add(time.Minute), ""},
		{"next year", now.AddDate(1, 1, 0), now.AddDate(1, 1, 1), "ErrMeetingTooFar"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tropa.Window{Start: tc.start, End: tc.end, Zone: loc.String()}.Check(now)
			if got := messageID(err); got != tc.want {
				t.Errorf("Check = %v, want %q", err, tc.want)
			}
		})
	}
	fall := tropa.Window{Start: time.Date(2025, 10, 26, 2, 30, 0, 0, loc), End: time.Date(2025, 10, 26, 4, 10, 0, 0, loc)}
	if d := fall.End.Sub(fall.Start); d != 2*time.Hour+40*time.Minute {
		t.Errorf("a window across the fall back lasts %v, want 2h40m of real time", d)
	}
	spring := tropa.Window{Start: time.Date(2025, 3, 30, 2, 30, 0, 0, loc), End: time.Date(2025, 3, 30, 4, 30, 0, 0, loc)}
	if d := spring.End.Sub(spring.Start); d != time.Hour {
		t.Errorf("a window across the spring forward lasts %v, want 1h of real time", d)
	}
}

func TestMeetingOverlap(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2025, 6, 2, h, m, 0, 0, time.UTC) }
	w := tropa.Window{Start: at(10, 0), End: at(11, 0)}
	for _, tc := range []struct {
		name string
		o    tropa.Window
		want bool
	}{
		{"ends as it starts", tropa.Window{Start: at(9, 0), End: at(10, 0)}, false},
		{"starts as it ends", tropa.Window{Start: at(11, 0), End: at(12, 0)}, false},
		{"a minute into it", tropa.Window{Start: at(9, 0), End: at(10, 1)}, true},
		{"inside", tropa.Window{Start: at(10, 15), End: at(10, 45)}, true},
		{"around", tropa.Window{Start: at(9, 0), End: at(12, 0)}, true},
	} {
		if got := w.Overlaps(tc.o); got != tc.want || tc.o.Overlaps(w) != tc.want {
			t.Errorf("%s: Overlaps = %v, want %v both ways", tc.name, got, tc.want)
		}
	}
	m := tropa.Meeting{ID: "a", State: tropa.MeetingProposed, Window: w}
	closed := tropa.Meeting{ID: "b", State: tropa.MeetingCancelled, Window: w}
	if err := m.CheckOverlap([]tropa.Meeting{m, closed}); err != nil {
		t.Errorf("a meeting overlaps itself or a cancelled one: %v", err)
	}
	open := tropa.Meeting{ID: "c", State: tropa.MeetingConfirmed, Window: tropa.Window{Start: at(10, 59), End: at(12, 0)}}
	if got := messageID(m.CheckOverlap([]tropa.Meeting{open})); got != "ErrMeetingOverlap" {
		t.Errorf("overlapping an open meeting: %q", got)
	}
}

func TestMeetingMoves(t *testing.T) {
	at := time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	legal := map[[2]tropa.MeetingState]bool{
		{tropa.MeetingProposed, tropa.MeetingConfirmed}:  true,
		{tropa.MeetingProposed, tropa.MeetingCancelled}:  true,
		{tropa.MeetingConfirmed, tropa.MeetingCompleted}: true,
		{tropa.MeetingConfirmed, tropa.MeetingFailed}:    true,
		{tropa.MeetingConfirmed, tropa.MeetingCancelled}: true,
		{tropa.MeetingConfirmed, tropa.MeetingNoShow}:    true,
	}
	for _, from := range tropa.MeetingStates {
		for _, to := range tropa.MeetingStates {
			m := tropa.Meeting{State: from}
			err := m.Move(to, "olena", at, "road closed")
			if legal[[2]tropa.MeetingState{from, to}] != (err == nil) {
				t.Errorf("%s -> %s: %v", from, to, err)
			}
			if err != nil && (m.State != from || len(m.Steps) != 0) {
				t.Errorf("%s -> %s refused but changed the meeting: %+v", from, to, m)
			}
		}
	}
	m := tropa.Meeting{State: tropa.MeetingConfirmed}
	if got := messageID(m.Move(tropa.MeetingFailed, "olena", at, "")); got != "ErrMeetingReason" {
		t.Errorf("failed without a reason: %q", got)
	}
	old := tropa.Window{Start: at, End: at.Add(time.Hour)}
	m = tropa.Meeting{State: tropa.MeetingConfirmed, Window: old}
	if err := m.Reschedule(tropa.Window{Start: at.Add(24 * time.Hour), End: at.Add(25 * time.Hour)}, "olena", at); err != nil {
		t.Fatal(err)
	}
	if len(m.Steps) != 1 || m.Steps[0].Window != old {
		t.Errorf("rescheduling kept %+v, want the old window", m.Steps)
	}
	if !m.Overdue(at.Add(25*time.Hour)) || m.Overdue(at.Add(25*time.Hour-time.Second)) {
		t.Error("a meeting is overdue from its end, not before")
	}
}
