package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"tropa"
	"tropa/store"
	"tropa/store/storetest"
)

// BenchmarkQueue fills a store with this many open cases, and a tenth as
// many closed.
const benchCases = 100_000

// BenchmarkQueue reads a page of the queue of a store holding 100,000 open
// cases: a few thousand with deadlines, one in five urgent, one in seven
// owned by the coordinator, every one wrapped to the coordinator and to
// recovery, one in 500 to a caseworker too, and another one in 500 owned by
// her. It runs on SQLite, and on PostgreSQL when TROPA_TEST_POSTGRES is set.
func BenchmarkQueue(b *testing.B) {
	for _, backend := range []storetest.Backend{storetest.SQLite, storetest.Postgres} {
		b.Run(backend.Name, func(b *testing.B) { benchmarkQueue(b, backend) })
	}
}

func benchmarkQueue(b *testing.B, backend storetest.Backend) {
	ctx := context.Background()
	now := time.Now()
	db := mustFillQueue(b, backend, now)

	benchmarks := []struct {
		name   string
		filter tropa.QueueFilter
		want   int
	}{
		{"all", tropa.QueueFilter{}, 100},
		{"holder", tropa.QueueFilter{Holder: "coord"}, 100},
		{"small holder", tropa.QueueFilter{Holder: "alice"}, 100},
		{"stage", tropa.QueueFilter{Stage: tropa.StageCounselling}, 100},
		{"stage nobody is at", tropa.QueueFilter{Stage: tropa.StageSafe}, 0},
		{"due in a day", tropa.QueueFilter{DueBefore: now.Add(24 * time.Hour)}, 100},
		{"owner", tropa.QueueFilter{Owner: "coord"}, 100},
		{"small owner", tropa.QueueFilter{Owner: "alice"}, 100},
		{"nobody's", tropa.QueueFilter{Owner: tropa.OwnerNone}, 100},
		{"deep page", tropa.QueueFilter{Offset: 50_000}, 100},
		{"closed", tropa.QueueFilter{Closed: true}, 100},
		{"flagged", tropa.QueueFilter{Flagged: true}, 0},
		{"unowned", tropa.QueueFilter{Unowned: true}, 0},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			list, err := db.Queue(ctx, bm.filter)
			if err != nil || len(list) != bm.want {
				b.Fatalf("Queue(%+v) = %d cases, %v; want %d", bm.filter, len(list), err, bm.want)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := db.Queue(ctx, bm.filter); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// mustFillQueue opens a fresh store of backend and writes benchCases open
// cases into it in one transaction.
func mustFillQueue(b *testing.B, backend storetest.Backend, now time.Time) *store.DB {
	b.Helper()
	ctx := context.Background()
	db := storetest.Open(b, backend.New(b))
	start := time.Now()
	tx, err := store.Writer(db).BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	prepare := func(query string) *sql.Stmt {
		st, err := tx.PrepareContext(ctx, query)
		if err != nil {
			b.Fatal(err)
		}
		return st
	}
	insertRequest := prepare(`INSERT INTO requests (id, ref, kind, situation, channel, stage, urgency, created_at,
		sealed_contact, owner_id, due_at, closed_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $8)`)
	insertWrap := prepare(`INSERT INTO key_wraps (request_id, holder, reason, wrapped, created_at) VALUES ($1, $2, $3, $4, $5)`)
	insertDeadline := prepare(`INSERT INTO deadlines (id, request_id, kind, starts_at, due_at, sealed_label, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`)
	stages := []tropa.Stage{tropa.StageNew, tropa.StageNew, tropa.StageNew, tropa.StageNew, tropa.StageNew,
		tropa.StageTriage, tropa.StageTriage, tropa.StageCounselling, tropa.StageExitPlan, tropa.StageLegalStatus}
	sealed := make([]byte, 200)
	deadlines := 0
	exec := func(st *sql.Stmt, args ...any) {
		if _, err := st.ExecContext(ctx, args...); err != nil {
			b.Fatal(err)
		}
	}
	for i := range benchCases + benchCases/10 {
		id := tropa.NewID()
		created := now.Add(-time.Duration(i) * 30 * time.Second).UnixMicro()
		urgency := tropa.UrgencyNormal
		if i%5 == 0 {
			urgency = tropa.UrgencyHigh
		}
		owner := ""
		switch {
		case i%7 == 0:
			owner = "coord"
		case i%500 == 1:
			owner = "alice"
		}
		due := int64(store.NoDeadline)
		if i%33 == 0 {
			due = now.Add(time.Duration(i%200-20) * time.Hour).UnixMicro()
		}
		stage, closed := stages[i%len(stages)], int64(0)
		if i >= benchCases {
			stage, closed = tropa.StageClosed, created+int64(i%1000)*int64(time.Hour/time.Microsecond)
		}
		exec(insertRequest, id, tropa.NewID(), string(tropa.Kinds[i%len(tropa.Kinds)]),
			string(tropa.Situations[i%len(tropa.Situations)]), string(tropa.ChannelWeb), string(stage),
			int(urgency), created, sealed, owner, due, closed)
		if due != store.NoDeadline {
			exec(insertDeadline, tropa.NewID(), id, string(tropa.DeadlineTask), created, due, sealed, "coord", created)
			deadlines++
		}
		exec(insertWrap, id, "coord", tropa.AccessIntake, sealed, created)
		exec(insertWrap, id, tropa.HolderRecovery, tropa.AccessIntake, sealed, created)
		if i%500 == 0 {
			exec(insertWrap, id, "alice", tropa.AccessReferral, sealed, created)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	// PostgreSQL's autovacuum analyzes a table this changed within a
	// minute; the benchmark measures that steady state.
	if backend.Name == storetest.Postgres.Name {
		if _, err := store.Writer(db).ExecContext(ctx, `ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%d open and %d closed cases, %d with a deadline, written in %v",
		benchCases, benchCases/10, deadlines, time.Since(start).Round(time.Millisecond))
	return db
}
