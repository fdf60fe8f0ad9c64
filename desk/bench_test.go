package desk_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/seal"
	"tropa/store"
)

// benchCases is how many cases the call desk's "today" and the day board
// are measured among.
const benchCases = 100_000

// fillCases writes n cases straight into the fixture's database, in one
// transaction, the i-th created i×86 s before now, so that they spread
// over about 100 days. each writes the other rows of case i in the same
// transaction through exec. The cases' own sealed fields are zero bytes:
// what is measured reads only their clear columns.
func fillCases(b *testing.B, f *fixture, n int, now time.Time,
	each func(exec func(query string, args ...any), i int, id string, created time.Time)) {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	tx, err := f.raw(b).BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	exec := func(query string, args ...any) {
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			b.Fatalf("%s: %v", query, err)
		}
	}
	sealed := make([]byte, 64)
	for i := range n {
		id := tropa.NewID()
		created := now.Add(-time.Duration(i) * 86 * time.Second)
		day := tropa.Day(created).UnixMicro()
		exec(`INSERT INTO requests (id, ref, kind, situation, channel, stage, urgency, created_at, sealed_contact,
			updated_at) VALUES ($1, $2, 'surrender', 'front', 'hotline', 'new', 0, $3, $4, $3)`,
			id, tropa.NewID(), day, sealed)
		each(exec, i, id, created)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	// PostgreSQL's autovacuum analyzes what changed this much within a
	// minute; the benchmarks measure that steady state.
	if store.IsPostgresURL(f.where) {
		if _, err := f.raw(b).ExecContext(ctx, `ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%d cases written in %v", n, time.Since(start).Round(time.Millisecond))
}

// reportLatency reports the median and the 95th percentile of took.
func reportLatency(b *testing.B, took []time.Duration) {
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}

// kdfCosts are the receipt costs submissions are measured with: the
// production cost, and a trivial one that leaves everything else a
// submission pays (sealing, wrapping, the commit) to be seen on its own.
var kdfCosts = []struct {
	name   string
	params seal.Params
}{
	{"kdf=production", seal.ReceiptParams},
	{"kdf=test", seal.TestParams},
}

// BenchmarkSubmit takes a whole submission, as the web form makes it: a
// message and a contact sealed, the case key wrapped to every intake staff
// member and the recovery key, and the commit.
func BenchmarkSubmit(b *testing.B) {
	for _, n := range []int{1, 10, 50} {
		f := newFixture(b)
		for i := range n {
			f.addStaff(b, fmt.Sprintf("intake-%02d", i), tropa.RoleCaseworker, true)
		}
		sub := submission("@handle", strings.Repeat("I left the unit and need advice. ", 30))
		for _, cost := range kdfCosts {
			b.Run(fmt.Sprintf("recipients=%d/%s", n, cost.name), func(b *testing.B) {
				f.desk.SetReceiptParams(cost.params)
				ctx := context.Background()
				for b.Loop() {
					if _, err := f.desk.Submit(ctx, sub); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkOpenCase opens a case as its page does: the case key unwrapped
// with the session's key, the open written to the audit log, and the
// contact, messages, notes, details, deadlines and history opened.
func BenchmarkOpenCase(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b)
	s := f.caseworker(b, "olena")
	_, id := f.submit(b, submission("@handle", strings.Repeat("I left the unit and need advice. ", 30)))
	steps := []func() error{
		func() error { return f.desk.Reply(ctx, s, id, strings.Repeat("We read you. ", 20)) },
		func() error { return f.desk.AddNote(ctx, s, id, "Sounds calm.") },
		func() error {
			return f.desk.Triage(ctx, s, id, desk.Triage{Version: 1, Disposition: tropa.DispositionCase})
		},
		func() error {
			return f.desk.AddDeadline(ctx, s, id, tropa.DeadlineTask, f.clock.Now().Add(48*time.Hour), "call back")
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		c, err := f.desk.OpenCase(ctx, s, id)
		if err != nil || len(c.Messages) != 3 {
			b.Fatalf("OpenCase: %d messages, %v; want 3", len(c.Messages), err)
		}
	}
}
