package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

// TestMeetingsHeld lists the meetings of the UTC days asked for, both
// included, of the cases the holder holds, each with its case's reference
// and the key wrapped to the holder, and none of the days around them or
// of cases he does not hold.
func TestMeetingsHeld(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testMeetingsHeld)
}

func testMeetingsHeld(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	mine := newRequest(base, tropa.UrgencyNormal, "alice", "bob")
	theirs := newRequest(base, tropa.UrgencyNormal, "bob")
	mustCreateRequest(t, db, mine)
	mustCreateRequest(t, db, theirs)
	day := tropa.Day(base)
	for _, n := range []*tropa.NewRequest{mine, theirs} {
		var list []tropa.MeetingRecord
		for d := -1; d <= 2; d++ {
			list = append(list, tropa.MeetingRecord{ID: fmt.Sprintf("%s-%d", n.Request.ID, d), RequestID: n.Request.ID,
				State: tropa.MeetingConfirmed, Day: day.AddDate(0, 0, d), Responsible: "bob", Sealed: []byte("sealed meeting")})
		}
		mustUpdateCase(t, db, &tropa.CaseUpdate{RequestID: n.Request.ID, Version: 1, At: base, Meetings: list})
	}

	held, err := db.MeetingsHeld(ctx, "alice", day.Add(time.Hour), day.Add(24*time.Hour+23*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range held {
		got = append(got, h.ID)
		if h.Ref != mine.Request.Ref || string(h.Wrapped) != "wrapped to alice" {
			t.Errorf("held meeting %s has ref %q and wrap %q; want %q and alice's wrap", h.ID, h.Ref, h.Wrapped,
				mine.Request.Ref)
		}
	}
	if want := fmt.Sprint([]string{mine.Request.ID + "-0", mine.Request.ID + "-1"}); fmt.Sprint(got) != want {
		t.Errorf("MeetingsHeld = %v, want %v", got, want)
	}
}
