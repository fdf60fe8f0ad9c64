package desk_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"tropa"
)

// benchCallCases is how many cases, each with a call, the call desk's
// "today" is measured among.
const benchCallCases = 100_000

// BenchmarkCallsToday reads an operator's calls of today, as the call desk
// shows them, from a store of 100,000 cases with a call each over the last
// 100 days, one in 50 taken by her, and 40 calls she took today through
// the desk. It reports the median and the 95th percentile of a read.
//
//	go test ./desk -run '^$' -bench BenchmarkCallsToday -benchtime 200x
func BenchmarkCallsToday(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b)
	olena := f.caseworker(b, "olena")
	f.addStaff(b, "oksana", tropa.RoleOperator, false)
	oksana := f.enroll(b, "oksana")
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	f.clock.Set(now.Add(-10 * time.Hour))
	for range 40 {
		f.clock.Advance(10 * time.Minute)
		f.submitCall(b, oksana)
	}
	fillCalls(b, f, oksana.Staff.ID, olena.Staff.ID, now)
	f.clock.Set(now)

	calls, err := f.desk.CallsToday(ctx, oksana)
	if err != nil || len(calls) != 40 {
		b.Fatalf("CallsToday = %d calls, %v; want 40", len(calls), err)
	}
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := f.desk.CallsToday(ctx, oksana); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}

// fillCalls writes benchCallCases cases with one call each, straight into
// the database, in one transaction.
func fillCalls(b *testing.B, f *fixture, operator, other string, now time.Time) {
	b.Helper()
	ctx := context.Background()
	db := f.rawDB(b)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	sealed := make([]byte, 64)
	for i := range benchCallCases {
		id := tropa.NewID()
		at := now.Add(-time.Duration(i) * 86 * time.Second)
		day := tropa.Day(at).UnixMicro()
		if _, err := tx.ExecContext(ctx, `INSERT INTO requests (id, ref, kind, situation, channel, stage, urgency,
			created_at, sealed_contact, updated_at) VALUES ($1, $2, 'surrender', 'front', 'hotline', 'new', 0, $3, $4, $3)`,
			id, tropa.NewID(), day, sealed); err != nil {
			b.Fatal(err)
		}
		// Her own calls here are of the days before today: today's are
		// the 40 the desk took.
		holder, callDay := other, day
		if i%50 == 0 {
			holder, callDay = operator, tropa.Day(at.Add(-24*time.Hour)).UnixMicro()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO key_wraps (request_id, holder, reason, wrapped, created_at)
			VALUES ($1, $2, 'entered', $3, $4)`, id, holder, sealed, day); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO calls (id, request_id, staff_id, day, return_call, sealed_at)
			VALUES ($1, $2, $3, $4, FALSE, $5)`, tropa.NewID(), id, holder, callDay, sealed); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
