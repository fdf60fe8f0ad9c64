package store_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

func TestCounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testCounts)
}

func testCounts(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	// The figures count whole UTC days, the grain of the times they count.
	h := func(hours int) time.Time { return tropa.Day(base).Add(time.Duration(hours) * time.Hour) }
	from, to := h(0), h(24)

	empty, err := s.Counts(ctx, from, to)
	if err != nil {
		t.Fatalf("Counts of nothing: %v", err)
	}
	if want := (&tropa.Counts{ReceivedByKind: map[tropa.Kind]int{}, ReceivedByChannel: map[tropa.Channel]int{},
		ReceivedBySituation: map[tropa.Situation]int{}, Triaged: map[tropa.Disposition]int{},
		ClosedByOutcome: map[tropa.Outcome]int{}}); !reflect.DeepEqual(empty, want) {
		t.Errorf("Counts of nothing = %+v, want empty maps", empty)
	}

	type fixture struct {
		created     time.Time
		kind        tropa.Kind
		channel     tropa.Channel
		situation   tropa.Situation
		stage       tropa.Stage
		disposition tropa.Disposition
		outcome     tropa.Outcome
		closed      time.Time
	}
	for _, f := range []fixture{
		// Received before the period, open now.
		{created: h(-1), kind: tropa.KindLegal, channel: tropa.ChannelWeb, stage: tropa.StageNew},
		// Received before, closed in the period as a case.
		{created: h(-48), kind: tropa.KindLegal, channel: tropa.ChannelWeb, stage: tropa.StageClosed,
			disposition: tropa.DispositionCase, outcome: tropa.OutcomeSurrendered, closed: h(5)},
		// Received in the period.
		{created: h(0), kind: tropa.KindLegal, channel: tropa.ChannelWeb, situation: tropa.SituationAbsent, stage: tropa.StageCounselling,
			disposition: tropa.DispositionCase},
		{created: h(1), kind: tropa.KindSurrender, channel: tropa.ChannelTelegram, situation: tropa.SituationFront, stage: tropa.StageClosed,
			disposition: tropa.DispositionSpam, closed: h(2)},
		{created: h(2), kind: tropa.KindLegal, channel: tropa.ChannelHotline, situation: tropa.SituationAbsent, stage: tropa.StageClosed,
			disposition: tropa.DispositionCase, outcome: tropa.OutcomeLeftCountry, closed: h(3)},
		{created: h(3), kind: tropa.KindOther, channel: tropa.ChannelWeb, stage: tropa.StageNew},
		{created: h(4), kind: tropa.KindLegal, channel: tropa.ChannelWeb, situation: tropa.SituationAbroad, stage: tropa.StageCounselling,
			disposition: tropa.DispositionCase},
		// Received in the period, closed after it.
		{created: h(5), kind: tropa.KindSurrender, channel: tropa.ChannelWeb, stage: tropa.StageClosed,
			disposition: tropa.DispositionCase, outcome: tropa.OutcomeDetained, closed: h(30)},
		// Received at the end of the period, which does not count.
		{created: h(24), kind: tropa.KindOther, channel: tropa.ChannelAPI, stage: tropa.StageNew},
	} {
		n := newRequest(f.created, tropa.UrgencyNormal, "alice")
		n.Request.Kind, n.Request.Channel, n.Request.Stage = f.kind, f.channel, f.stage
		if f.situation != "" {
			n.Request.Situation = f.situation
		}
		mustCreateRequest(t, s, n)
		u := &tropa.CaseUpdate{RequestID: n.Request.ID, At: f.created, Disposition: ptr(f.disposition), Outcome: ptr(f.outcome)}
		if !f.closed.IsZero() {
			u.ClosedAt = ptr(f.closed)
		}
		mustUpdateCase(t, s, u)
	}

	got, err := s.Counts(ctx, from, to)
	if err != nil {
		t.Fatalf("Counts: %v", err)
	}
	want := &tropa.Counts{
		ReceivedByKind: map[tropa.Kind]int{tropa.KindLegal: 3, tropa.KindSurrender: 2, tropa.KindOther: 1},
		ReceivedByChannel: map[tropa.Channel]int{tropa.ChannelWeb: 4, tropa.ChannelTelegram: 1,
			tropa.ChannelHotline: 1},
		ReceivedBySituation: map[tropa.Situation]int{tropa.SituationAbsent: 2, tropa.SituationFront: 1,
			tropa.SituationAbroad: 1, tropa.SituationLeave: 2},
		Triaged:         map[tropa.Disposition]int{tropa.DispositionCase: 4, tropa.DispositionSpam: 1},
		ClosedByOutcome: map[tropa.Outcome]int{tropa.OutcomeSurrendered: 1, tropa.OutcomeLeftCountry: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Counts =\n%+v\nwant\n%+v", got, want)
	}
	if was, err := s.ReceivedBefore(ctx, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil || was {
		t.Errorf("ReceivedBefore 2000 = %v, %v; want false", was, err)
	}
	if was, err := s.ReceivedBefore(ctx, to.AddDate(1, 0, 0)); err != nil || !was {
		t.Errorf("ReceivedBefore a year on = %v, %v; want true", was, err)
	}
	open, err := s.OpenByStage(ctx)
	if want := map[tropa.Stage]int{tropa.StageNew: 3, tropa.StageCounselling: 2}; err != nil || !reflect.DeepEqual(open, want) {
		t.Errorf("OpenByStage = %v, %v; want %v", open, err, want)
	}

	got, err = s.Counts(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatalf("Counts of all time: %v", err)
	}
	if n := got.ReceivedByKind[tropa.KindLegal] + got.ReceivedByKind[tropa.KindSurrender] + got.ReceivedByKind[tropa.KindOther]; n != 9 {
		t.Errorf("Counts of all time received %d, want 9", n)
	}
	if n := got.ClosedByOutcome[tropa.OutcomeDetained]; n != 1 {
		t.Errorf("Counts of all time closed %d detained, want 1", n)
	}
}

// TestCountsFollowTriage changes a request's triage, closes it and opens it
// again: each time the figures count it as it is now, and nothing of what
// it was.
func TestCountsFollowTriage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testCountsFollowTriage)
}

func testCountsFollowTriage(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	s := mustOpenStore(t, b)
	from := tropa.Day(base)
	n := newRequest(from.Add(3*time.Hour), tropa.UrgencyNormal, "alice")
	n.Request.Situation = tropa.SituationHospital
	mustCreateRequest(t, s, n)
	id := n.Request.ID
	check := func(step string, triaged map[tropa.Disposition]int, closed map[tropa.Outcome]int) {
		t.Helper()
		got, err := s.Counts(ctx, from, from.AddDate(0, 0, 7))
		if err != nil {
			t.Fatalf("%s: Counts: %v", step, err)
		}
		if want := map[tropa.Situation]int{tropa.SituationHospital: 1}; !reflect.DeepEqual(got.ReceivedBySituation, want) {
			t.Errorf("%s: by situation %v, want %v", step, got.ReceivedBySituation, want)
		}
		if !reflect.DeepEqual(got.Triaged, triaged) || !reflect.DeepEqual(got.ClosedByOutcome, closed) {
			t.Errorf("%s: triaged %v closed %v, want %v and %v", step, got.Triaged, got.ClosedByOutcome, triaged, closed)
		}
	}
	check("received", map[tropa.Disposition]int{}, map[tropa.Outcome]int{})
	mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: id, At: from, Disposition: ptr(tropa.DispositionSpam)})
	check("spam", map[tropa.Disposition]int{tropa.DispositionSpam: 1}, map[tropa.Outcome]int{})
	mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: id, At: from, Disposition: ptr(tropa.DispositionCase)})
	check("a case after all", map[tropa.Disposition]int{tropa.DispositionCase: 1}, map[tropa.Outcome]int{})
	mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: id, At: from, Outcome: ptr(tropa.OutcomeLeftCountry),
		ClosedAt: ptr(from.Add(50 * time.Hour)), Stage: ptr(tropa.StageClosed)})
	check("closed", map[tropa.Disposition]int{tropa.DispositionCase: 1}, map[tropa.Outcome]int{tropa.OutcomeLeftCountry: 1})
	mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: id, At: from, Outcome: ptr(tropa.Outcome("")),
		ClosedAt: ptr(time.Time{}), Stage: ptr(tropa.StageCounselling)})
	check("opened again", map[tropa.Disposition]int{tropa.DispositionCase: 1}, map[tropa.Outcome]int{})
}

// TestCountsConcurrentTriage triages one request from many connections at
// once, with no version to check: the figures count it once, as what it
// ends up.
func TestCountsConcurrentTriage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testCountsConcurrentTriage)
}

func testCountsConcurrentTriage(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	s := mustOpenStore(t, b)
	from := tropa.Day(base)
	n := newRequest(from, tropa.UrgencyNormal, "alice")
	mustCreateRequest(t, s, n)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			d := []tropa.Disposition{tropa.DispositionSpam, tropa.DispositionCase, tropa.DispositionDuplicate}[i%3]
			if err := s.UpdateCase(ctx, &tropa.CaseUpdate{RequestID: n.Request.ID, At: from, Disposition: ptr(d)}); err != nil {
				t.Errorf("UpdateCase: %v", err)
			}
		})
	}
	wg.Wait()
	got, err := s.Counts(ctx, from, from.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	req, err := s.RequestByID(ctx, n.Request.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[tropa.Disposition]int{req.Disposition: 1}; !reflect.DeepEqual(got.Triaged, want) {
		t.Errorf("triaged %v after concurrent triage, want %v", got.Triaged, want)
	}
}
