package store_test

import (
	"context"
	"database/sql"
	"reflect"
	"testing"
	"time"

	"tropa"
	"tropa/store"
	"tropa/store/storetest"
)

// TestUpgradeToDayCounts builds a database as tropa left it before the
// figures kept situations (schema version 21): requests still there, and
// the anonymous counts of requests retention deleted. After the upgrade
// the figures are what they were, the deleted ones' situation reads as
// not recorded (""), and the requests still there count by theirs.
func TestUpgradeToDayCounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testUpgradeToDayCounts)
}

func testUpgradeToDayCounts(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	where := b.New(t)
	old, err := store.OpenForLoad(ctx, where)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.MigrateTo(ctx, old, 21); err != nil {
		t.Fatalf("migrate to 21: %v", err)
	}
	first := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	at := func(days int) int64 { return first.AddDate(0, 0, days).UnixMicro() }
	w := store.Writer(old)
	for _, r := range []oldRequest{
		{"legal", "absent", "web", "case", "left_country", at(0), at(3)},
		{"legal", "front", "hotline", "", "", at(1), 0},
		{"surrender", "absent", "web", "spam", "", at(2), at(2)},
		{"legal", "abroad", "web", "case", "", at(40), 0},
	} {
		r.insert(t, w, tropa.NewID())
	}
	if _, err := w.ExecContext(ctx, `INSERT INTO received_counts (day, kind, channel, disposition, n) VALUES
		($1, 'legal', 'web', 'case', 3), ($1, 'legal', 'telegram', 'spam', 2), ($2, 'other', 'web', '', 1)`,
		at(0), at(5)); err != nil {
		t.Fatalf("received_counts at version 21: %v", err)
	}
	if _, err := w.ExecContext(ctx, `INSERT INTO closed_counts (day, outcome, n) VALUES ($1, 'left_country', 2),
		($2, 'detained', 1)`, at(3), at(6)); err != nil {
		t.Fatalf("closed_counts at version 21: %v", err)
	}
	old.Close()

	s := storetest.Open(t, where)
	got, err := s.Counts(ctx, first, first.AddDate(0, 1, 0))
	if err != nil {
		t.Fatalf("Counts: %v", err)
	}
	want := &tropa.Counts{
		ReceivedByKind:      map[tropa.Kind]int{tropa.KindLegal: 7, tropa.KindSurrender: 1, tropa.KindOther: 1},
		ReceivedByChannel:   map[tropa.Channel]int{tropa.ChannelWeb: 6, tropa.ChannelHotline: 1, tropa.ChannelTelegram: 2},
		ReceivedBySituation: map[tropa.Situation]int{tropa.SituationAbsent: 2, tropa.SituationFront: 1, "": 6},
		Triaged:             map[tropa.Disposition]int{tropa.DispositionCase: 4, tropa.DispositionSpam: 3},
		ClosedByOutcome:     map[tropa.Outcome]int{tropa.OutcomeLeftCountry: 3, tropa.OutcomeDetained: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Counts of March after the upgrade =\n%+v\nwant\n%+v", got, want)
	}
	if open, err := s.OpenByStage(ctx); err != nil || !reflect.DeepEqual(open, map[tropa.Stage]int{tropa.StageNew: 2}) {
		t.Errorf("OpenByStage after the upgrade = %v, %v; want 2 new", open, err)
	}
	april, err := s.Counts(ctx, first.AddDate(0, 1, 0), first.AddDate(0, 2, 0))
	if err != nil {
		t.Fatalf("Counts: %v", err)
	}
	if n := april.ReceivedBySituation[tropa.SituationAbroad]; n != 1 {
		t.Errorf("April after the upgrade: %d abroad, want 1", n)
	}
}

// oldRequest is a request as an older schema holds it, written with SQL
// alone, since the store's code writes what the schema has now.
type oldRequest struct {
	kind, situation, channel, disposition, outcome string
	created, closed                                int64
}

func (r oldRequest) insert(t *testing.T, w *sql.DB, id string) {
	t.Helper()
	if _, err := w.ExecContext(t.Context(), `INSERT INTO requests (id, ref, kind, situation, channel, stage, urgency,
		created_at, last_applicant_at, last_staff_at, sealed_contact, disposition, outcome, owner_id, due_at, closed_at,
		updated_at, version, last_author)
		VALUES ($1, $2, $3, $4, $5, 'new', 1, $6, 0, 0, $7, $8, $9, '', $10, $11, $6, 1, 'applicant')`,
		id, tropa.NewID(), r.kind, r.situation, r.channel, r.created, []byte("sealed"),
		r.disposition, r.outcome, int64(store.NoDeadline), r.closed); err != nil {
		t.Fatalf("request of an older schema: %v", err)
	}
}
