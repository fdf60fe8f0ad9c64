package store_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

// TestCalls stores calls with a new request and with a case update: the
// one who took them lists them by day, the hour counters count them
// without naming a case, and the figures count them per day.
func TestCalls(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testCalls)
}

func testCalls(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	alice := newStaff("alice", tropa.RoleOperator, true)
	mustCreateStaff(t, db, alice)
	at := base.Add(9*time.Hour + 10*time.Minute)
	n := newRequest(at, tropa.UrgencyHigh, alice.ID)
	n.Call = &tropa.CallRecord{ID: tropa.NewID(), StaffID: alice.ID, At: at, SealedAt: []byte("sealed time")}
	mustCreateRequest(t, db, n)
	again := at.Add(40 * time.Minute)
	mustUpdateCase(t, db, &tropa.CaseUpdate{RequestID: n.Request.ID, At: again, Calls: []tropa.CallRecord{
		{ID: tropa.NewID(), StaffID: alice.ID, At: again, Returning: true, SealedAt: []byte("sealed time")}}})

	taken, err := db.CallsTaken(ctx, alice.ID, at, at)
	if err != nil || len(taken) != 2 {
		t.Fatalf("CallsTaken = %+v, %v; want 2", taken, err)
	}
	for _, c := range taken {
		if c.Ref != n.Request.Ref || len(c.Wrapped) == 0 || !c.At.Equal(tropa.Day(at)) {
			t.Errorf("taken call = %+v; want its case's ref and wrap, on its day only", c)
		}
	}
	if other, err := db.CallsTaken(ctx, alice.ID, at.Add(24*time.Hour), at.Add(48*time.Hour)); err != nil || len(other) != 0 {
		t.Errorf("CallsTaken on the next day = %+v, %v", other, err)
	}
	hours, err := db.CallHours(ctx, tropa.Day(at), tropa.Day(at).Add(24*time.Hour))
	if want := at.Truncate(time.Hour); err != nil || len(hours) != 1 || hours[0].Calls != 2 || !hours[0].Hour.Equal(want) {
		t.Errorf("CallHours = %+v, %v; want 2 at %v", hours, err, want)
	}
	days, err := db.CallDays(ctx, tropa.Day(at), tropa.Day(at).Add(24*time.Hour))
	if err != nil || days[tropa.Day(at)] != 2 || len(days) != 1 {
		t.Errorf("CallDays = %v, %v", days, err)
	}
}
