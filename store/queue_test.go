package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"tropa"
	"tropa/store"
	"tropa/store/storetest"
)

func TestQueue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testQueue)
}

func testQueue(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	s := mustOpenStore(t, b)
	// Requests arrive days apart: the day is all the store keeps of when.
	at := func(days int) time.Time { return base.AddDate(0, 0, days) }
	// Cases are due to the hour: dueLater and dueLaterUrgent in the same
	// one, the urgent one later within it; dueSoon in the hour before.
	dueHour := tropa.DueHour(base.AddDate(0, 0, 40))
	dues := map[string]time.Time{"soon": dueHour.Add(-time.Microsecond), "later": dueHour.Add(5 * time.Minute),
		"later urgent": dueHour.Add(50 * time.Minute)}

	dueSoon := newRequest(at(0), tropa.UrgencyNormal, "alice")
	dueLater := newRequest(at(1), tropa.UrgencyNormal, "alice", "bob")
	dueLaterUrgent := newRequest(at(2), tropa.UrgencyHigh, "alice")
	oldUrgent := newRequest(at(3), tropa.UrgencyHigh, "alice")
	newUrgent := newRequest(at(4), tropa.UrgencyHigh, "alice")
	oldNormal := newRequest(at(5), tropa.UrgencyNormal, "alice", "bob")
	oldNormal.Request.Stage = tropa.StageCounselling
	newNormal := newRequest(at(6), tropa.UrgencyNormal, "alice")
	newNormal.Request.Kind, newNormal.Request.Situation = tropa.KindSurrender, tropa.SituationAbsent
	closedFirst := newRequest(at(7), tropa.UrgencyHigh, "alice", "bob")
	closedLast := newRequest(at(8), tropa.UrgencyNormal, "alice")
	all := []*tropa.NewRequest{closedLast, newNormal, dueLater, oldUrgent, closedFirst, dueSoon, newUrgent, oldNormal, dueLaterUrgent}
	for _, n := range all {
		mustCreateRequest(t, s, n)
	}
	for n, due := range map[*tropa.NewRequest]time.Time{dueSoon: dues["soon"], dueLater: dues["later"], dueLaterUrgent: dues["later urgent"]} {
		mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: n.Request.ID, At: at(10),
			Deadlines: []tropa.DeadlineRecord{newDeadline(n.Request.ID, due)}, DueAt: &due})
	}
	for n, owner := range map[*tropa.NewRequest]string{dueLater: "alice", newUrgent: "alice", oldNormal: "bob"} {
		mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: n.Request.ID, At: at(10), OwnerID: ptr(owner)})
	}
	for n, closed := range map[*tropa.NewRequest]time.Time{closedFirst: at(20), closedLast: at(30)} {
		mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: n.Request.ID, At: closed, ClosedAt: ptr(closed),
			Stage: ptr(tropa.StageClosed), Deadlines: []tropa.DeadlineRecord{newDeadline(n.Request.ID, at(1))}, DueAt: ptr(at(1))})
	}
	open := []*tropa.NewRequest{dueSoon, dueLaterUrgent, dueLater, newUrgent, oldUrgent, newNormal, oldNormal}

	tests := []struct {
		name   string
		filter tropa.QueueFilter
		want   []*tropa.NewRequest
	}{
		{"due hour first, then urgent, then newest", tropa.QueueFilter{}, open},
		{"holder", tropa.QueueFilter{Holder: "alice"}, open},
		{"other holder", tropa.QueueFilter{Holder: "bob"}, []*tropa.NewRequest{dueLater, oldNormal}},
		{"holder without wraps", tropa.QueueFilter{Holder: "carol"}, nil},
		{"stage", tropa.QueueFilter{Stage: tropa.StageCounselling}, []*tropa.NewRequest{oldNormal}},
		{"urgent", tropa.QueueFilter{Urgency: ptr(tropa.UrgencyHigh)}, []*tropa.NewRequest{dueLaterUrgent, newUrgent, oldUrgent}},
		{"normal", tropa.QueueFilter{Urgency: ptr(tropa.UrgencyNormal)}, []*tropa.NewRequest{dueSoon, dueLater, newNormal, oldNormal}},
		{"kind", tropa.QueueFilter{Kind: tropa.KindSurrender}, []*tropa.NewRequest{newNormal}},
		{"situation", tropa.QueueFilter{Situation: tropa.SituationAbsent}, []*tropa.NewRequest{newNormal}},
		{"owner", tropa.QueueFilter{Owner: "alice"}, []*tropa.NewRequest{dueLater, newUrgent}},
		{"nobody's", tropa.QueueFilter{Owner: tropa.OwnerNone}, []*tropa.NewRequest{dueSoon, dueLaterUrgent, oldUrgent, newNormal}},
		{"due before", tropa.QueueFilter{DueBefore: dueHour}, []*tropa.NewRequest{dueSoon}},
		// Known only to the hour, a case counts as due from its hour on,
		// never later than it is.
		{"due before, within the hour", tropa.QueueFilter{DueBefore: dueHour.Add(time.Minute)},
			[]*tropa.NewRequest{dueSoon, dueLaterUrgent, dueLater}},
		{"closed, last closed first", tropa.QueueFilter{Closed: true}, []*tropa.NewRequest{closedLast, closedFirst}},
		{"closed of a holder", tropa.QueueFilter{Closed: true, Holder: "bob"}, []*tropa.NewRequest{closedFirst}},
		{"limit", tropa.QueueFilter{Limit: 3}, open[:3]},
		{"offset", tropa.QueueFilter{Limit: 3, Offset: 3}, open[3:6]},
		{"last page", tropa.QueueFilter{Limit: 3, Offset: 6}, open[6:]},
		{"past the end", tropa.QueueFilter{Offset: 7}, nil},
		{"filters together", tropa.QueueFilter{Holder: "alice", Urgency: ptr(tropa.UrgencyNormal), Owner: tropa.OwnerNone},
			[]*tropa.NewRequest{dueSoon, newNormal}},
	}
	// A holder's cases are found from their keys or by walking the queue,
	// depending on how many keys they hold: the result is the same.
	for _, way := range []struct {
		name    string
		fewKeys int
	}{{"from keys", 1 << 30}, {"from queue", 0}} {
		store.SetFewKeys(s, way.fewKeys)
		for _, tt := range tests {
			t.Run(way.name+"/"+tt.name, func(t *testing.T) {
				got, err := s.Queue(ctx, tt.filter)
				if err != nil {
					t.Fatalf("Queue: %v", err)
				}
				if gotIDs, wantIDs := requestIDs(got), newRequestIDs(tt.want...); !slices.Equal(gotIDs, wantIDs) {
					t.Errorf("Queue(%+v) = %q, want %q", tt.filter, gotIDs, wantIDs)
				}
			})
		}
	}

	q, err := s.Queue(ctx, tropa.QueueFilter{Limit: 1})
	if err != nil || len(q) != 1 {
		t.Fatalf("Queue(first) = %+v, %v", q, err)
	}
	wantDue, wantUpdated := dueHour.Add(-time.Hour), tropa.Day(at(10))
	if got := q[0]; !got.DueAt.Equal(wantDue) || got.Version != 2 || !got.UpdatedAt.Equal(wantUpdated) {
		t.Errorf("Queue(first) = %+v; want due %v, version 2, updated %v", got, wantDue, wantUpdated)
	}
}

// TestQueueDefaultLimit fills more than a page: without a limit, Queue
// returns one page of 100.
func TestQueueDefaultLimit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testQueueDefaultLimit)
}

func testQueueDefaultLimit(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	for i := range 101 {
		mustCreateRequest(t, s, newRequest(base.Add(time.Duration(i)*time.Second), tropa.UrgencyNormal, "alice"))
	}
	if got, err := s.Queue(ctx, tropa.QueueFilter{}); err != nil || len(got) != 100 {
		t.Errorf("Queue() = %d cases, %v; want 100", len(got), err)
	}
	if got, err := s.Queue(ctx, tropa.QueueFilter{Limit: 200}); err != nil || len(got) != 101 {
		t.Errorf("Queue(limit 200) = %d cases, %v; want 101", len(got), err)
	}
}
