package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

// mustCreateShelter stores a shelter of beds, its fields stand-in bytes, its
// key held by the staff member holder.
func mustCreateShelter(tb testing.TB, s tropa.Store, beds int, holder string) *tropa.ShelterRecord {
	tb.Helper()
	rec := &tropa.ShelterRecord{ID: tropa.NewID(), Ref: tropa.NewID()[:6], Beds: beds, SealedName: []byte("name"),
		SealedAddress: []byte("address"), SealedContact: []byte("contact"), RecoveryWrap: []byte("recovery"), CreatedAt: base}
	keys := []tropa.ShelterKey{{ShelterID: rec.ID, StaffID: holder, Wrapped: []byte("wrapped"), GrantedBy: holder}}
	if err := s.CreateShelter(context.Background(), rec, keys, tropa.AuditEvent{At: base, Actor: holder,
		Action: tropa.ActionShelterAdd}); err != nil {
		tb.Fatalf("CreateShelter: %v", err)
	}
	return rec
}

// date is a UTC day of base's month.
func date(d int) time.Time { return time.Date(2025, 6, d, 0, 0, 0, 0, time.UTC) }

func newStay(shelter, request string, first, end, beds int) tropa.Stay {
	return tropa.Stay{ID: tropa.NewID(), ShelterID: shelter, RequestID: request, First: date(first), End: date(end),
		Beds: beds, State: tropa.StayBooked, CreatedAt: base}
}

func book(s tropa.Store, st tropa.Stay) error {
	return s.UpdateCase(context.Background(), &tropa.CaseUpdate{RequestID: st.RequestID, At: base, Stays: []tropa.Stay{st}})
}

func TestStaysCountBedsPerNight(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testStaysCountBedsPerNight)
}

func testStaysCountBedsPerNight(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	n := newRequest(base, tropa.UrgencyNormal, "alice")
	mustCreateRequest(t, db, n)
	id := n.Request.ID
	sh := mustCreateShelter(t, db, 3, "alice")

	// Two beds from the 10th to the 14th, one from the 12th to the 20th:
	// the 12th and 13th are full, the rest have room.
	first := newStay(sh.ID, id, 10, 14, 2)
	if err := book(db, first); err != nil {
		t.Fatalf("first stay: %v", err)
	}
	if err := book(db, newStay(sh.ID, id, 12, 20, 1)); err != nil {
		t.Fatalf("second stay: %v", err)
	}
	for _, c := range []struct {
		name        string
		first, end  int
		beds        int
		overbooking bool
	}{
		{"one more on the full nights", 13, 15, 1, true},
		{"the morning the first leaves", 14, 16, 2, false},
		{"before anyone", 1, 10, 3, false},
		{"more beds than the shelter", 25, 26, 4, true},
	} {
		err := book(db, newStay(sh.ID, id, c.first, c.end, c.beds))
		if c.overbooking != tropa.IsCode(err, tropa.ECONFLICT) || (!c.overbooking && err != nil) {
			t.Errorf("%s: %v, overbooking %v", c.name, err, c.overbooking)
		}
	}

	// Cancelling the first frees its beds; extending the second over
	// the 14th to 16th, which now holds two more, is refused.
	cancelled := first
	cancelled.State = tropa.StayCancelled
	if err := book(db, cancelled); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	if err := book(db, newStay(sh.ID, id, 12, 13, 2)); err != nil {
		t.Errorf("a bed freed by a cancellation: %v", err)
	}
	stays, err := db.ShelterStays(ctx, sh.ID, date(11))
	if err != nil {
		t.Fatal(err)
	}
	if free := tropa.FreeBeds(sh.Beds, stays, date(11), 6); !equalInts(free, []int{3, 0, 2, 0, 0, 2}) {
		t.Errorf("free beds from the 11th = %v, want [3 0 2 0 0 2]", free)
	}
	all, err := db.Stays(ctx, id)
	if err != nil || len(all) != 5 {
		t.Fatalf("Stays = %d, %v; want 5", len(all), err)
	}
	if all[0].First != date(1) || all[0].End != date(10) || all[0].Nights() != 9 {
		t.Errorf("first stay read back as %+v", all[0])
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Two nodes booking a shelter's last bed at once: one gets it, the other
// is refused, and the shelter never holds more than its beds.
func TestStaysConcurrentBookings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testStaysConcurrentBookings)
}

func testStaysConcurrentBookings(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	where := b.New(t)
	// Each node writes on one connection: as many nodes as tries, so that
	// every booking is in flight at once.
	const tries = 8
	nodes := make([]tropa.Store, tries)
	for i := range nodes {
		nodes[i] = storetest.Open(t, where)
	}
	// Each booking is for a case of its own, as two caseworkers' are: a
	// case's own row would otherwise put them in line.
	requests := make([]string, tries)
	for i := range requests {
		n := newRequest(base, tropa.UrgencyNormal, "alice")
		mustCreateRequest(t, nodes[0], n)
		requests[i] = n.Request.ID
	}
	sh := mustCreateShelter(t, nodes[0], 2, "alice")
	errs := make([]error, tries)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = book(nodes[i], newStay(sh.ID, requests[i], 10, 12, 1))
		}()
	}
	close(start)
	wg.Wait()
	booked := 0
	for _, err := range errs {
		switch {
		case err == nil:
			booked++
		case !tropa.IsCode(err, tropa.ECONFLICT):
			t.Errorf("booking: %v, want success or ECONFLICT", err)
		}
	}
	stays, err := nodes[1].ShelterStays(ctx, sh.ID, date(10))
	if err != nil {
		t.Fatal(err)
	}
	if booked != 2 || len(stays) != 2 {
		t.Errorf("%d bookings succeeded, %d stored, of %d tries for 2 beds; want 2", booked, len(stays), tries)
	}
}

// A case deleted by retention leaves no stay behind.
func TestRetentionDeletesStays(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		t.Parallel()
		ctx := context.Background()
		db := mustOpenStore(t, b)
		n := mustAge(t, db, aged{created: base.Add(-200 * day), closed: base.Add(-100 * day),
			disposition: tropa.DispositionCase, outcome: tropa.OutcomeLeftCountry})
		sh := mustCreateShelter(t, db, 2, "alice")
		if err := book(db, newStay(sh.ID, n.Request.ID, 1, 3, 1)); err != nil {
			t.Fatal(err)
		}
		if c := mustApplyRetention(t, db, (tropa.Retention{ClosedAfter: 30}).Batch(base, 100)); c.DeletedClosed != 1 {
			t.Fatalf("retention: %+v, want the case deleted", c)
		}
		if found := rowsNaming(t, db, b.Name == "postgres", n.Request.ID); len(found) > 0 {
			t.Errorf("deleted request still named in %v", found)
		}
		if stays, err := db.ShelterStays(ctx, sh.ID, date(1)); err != nil || len(stays) != 0 {
			t.Errorf("shelter's stays after the case was deleted = %+v, %v; want none", stays, err)
		}
	})
}

// The figures count stays and nights from days and beds in clear: a stay
// across the end of May counts its nights in each month, and begun in May.
func TestStayCounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		t.Parallel()
		ctx := context.Background()
		db := mustOpenStore(t, b)
		n := newRequest(base, tropa.UrgencyNormal, "alice")
		mustCreateRequest(t, db, n)
		sh := mustCreateShelter(t, db, 5, "alice")
		across := newStay(sh.ID, n.Request.ID, 1, 3, 2)
		across.First = time.Date(2025, 5, 30, 0, 0, 0, 0, time.UTC)
		cancelled := newStay(sh.ID, n.Request.ID, 5, 6, 1)
		cancelled.State = tropa.StayCancelled
		for _, st := range []tropa.Stay{across, newStay(sh.ID, n.Request.ID, 10, 12, 1), cancelled} {
			if err := book(db, st); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			name          string
			from, to      time.Time
			begun, nights int
		}{
			{"May", time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC), date(1), 1, 4},
			{"June", date(1), time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), 1, 6},
		} {
			got, err := db.Counts(ctx, c.from, c.to)
			if err != nil {
				t.Fatal(err)
			}
			if got.StaysBegun != c.begun || got.StayNights != c.nights {
				t.Errorf("%s: %d stays begun, %d nights; want %d and %d", c.name, got.StaysBegun, got.StayNights, c.begun, c.nights)
			}
		}
	})
}
