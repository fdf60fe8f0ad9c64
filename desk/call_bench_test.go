package desk_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

// BenchmarkCallsToday reads an operator's calls of today, as the call desk
// shows them, from a store of 100,000 cases with a call each over the last
// 100 days, one in 50 taken by her, and 40 calls she took today through
// the desk. It reports the median and the 95th percentile of a read. It
// runs on SQLite, and on PostgreSQL when TROPA_TEST_POSTGRES names one.
//
//	go test ./desk -run '^$' -bench BenchmarkCallsToday -benchtime 200x
func BenchmarkCallsToday(b *testing.B) {
	for _, backend := range []storetest.Backend{storetest.SQLite, storetest.Postgres} {
		b.Run(backend.Name, func(b *testing.B) { benchmarkCallsToday(b, newFixtureAt(b, backend.New(b))) })
	}
}

func benchmarkCallsToday(b *testing.B, f *fixture) {
	ctx := context.Background()
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
	reportLatency(b, took)
}

// fillCalls writes benchCases cases with one call each, straight into the
// database.
func fillCalls(b *testing.B, f *fixture, operator, other string, now time.Time) {
	b.Helper()
	sealed := make([]byte, 64)
	fillCases(b, f, benchCases, now, func(exec func(string, ...any), i int, id string, created time.Time) {
		day := tropa.Day(created).UnixMicro()
		// Her own calls here are of the days before today: today's are
		// the 40 the desk took.
		holder, callDay := other, day
		if i%50 == 0 {
			holder, callDay = operator, tropa.Day(created.Add(-24*time.Hour)).UnixMicro()
		}
		exec(`INSERT INTO key_wraps (request_id, holder, reason, wrapped, created_at)
			VALUES ($1, $2, 'entered', $3, $4)`, id, holder, sealed, day)
		exec(`INSERT INTO calls (id, request_id, staff_id, day, return_call, sealed_at)
			VALUES ($1, $2, $3, $4, FALSE, $5)`, tropa.NewID(), id, holder, callDay, sealed)
	})
}
