package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/store"
	"tropa/store/storetest"
)

// benchDue is how many closed cases BenchmarkApplyRetention deletes, from
// among as many again that stay open.
const benchDue = 10_000

// BenchmarkApplyRetention times one run of the retention job as the desk
// makes it, batch after batch and then Reclaim, over a store holding
// 10,000 closed cases that are due and 10,000 open ones. Each case has three
// messages of 1 KB, three key wraps, a receipt, two deadlines and four
// history entries. Run it with -benchtime=1x: each run needs a fresh fill.
func BenchmarkApplyRetention(b *testing.B) {
	for _, backend := range []storetest.Backend{storetest.SQLite, storetest.Postgres} {
		b.Run(backend.Name, func(b *testing.B) { benchmarkApplyRetention(b, backend) })
	}
}

func benchmarkApplyRetention(b *testing.B, backend storetest.Backend) {
	ctx := context.Background()
	now := time.Now()
	for range b.N {
		b.StopTimer()
		db := mustFillRetention(b, backend, now)
		b.StartTimer()
		batch := (tropa.Retention{ClosedAfter: 1}).Batch(now, desk.RetentionBatch)
		batch.Audit = tropa.AuditEvent{At: now, Actor: "retention", Action: tropa.ActionRetentionRun}
		var total tropa.RetentionCounts
		for {
			c, err := db.ApplyRetention(ctx, &batch)
			if err != nil {
				b.Fatal(err)
			}
			total.Add(c)
			if c.Total() < batch.Limit {
				break
			}
		}
		start := time.Now()
		if err := db.Reclaim(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms-reclaim/op")
		if total.DeletedClosed != benchDue {
			b.Fatalf("deleted %+v, want %d", total, benchDue)
		}
	}
}

// mustFillRetention opens a fresh store of backend and writes the cases of
// BenchmarkApplyRetention into it in one transaction.
func mustFillRetention(b *testing.B, backend storetest.Backend, now time.Time) *store.DB {
	b.Helper()
	ctx := context.Background()
	db := storetest.Open(b, backend.New(b))
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
		sealed_contact, disposition, outcome, closed_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $10, $11, $7)`)
	insertMessage := prepare(`INSERT INTO messages (id, request_id, author, created_at, sealed_body) VALUES ($1, $2, $3, $4, $5)`)
	insertWrap := prepare(`INSERT INTO key_wraps (request_id, holder, reason, wrapped, created_at) VALUES ($1, $2, $3, $4, $5)`)
	insertReceipt := prepare(`INSERT INTO receipts (lookup, request_id, kdf, salt, verifier, sealed_key, created_at)
		VALUES ($1, $2, $3, $4, $4, $4, $5)`)
	insertDeadline := prepare(`INSERT INTO deadlines (id, request_id, kind, starts_at, due_at, sealed_label, created_by, created_at)
		VALUES ($1, $2, $3, $4, $4, $5, $6, $4)`)
	insertEvent := prepare(`INSERT INTO case_events (id, request_id, at, actor, action, from_value, to_value, sealed_note)
		VALUES ($1, $2, $3, $4, $5, '', '', $6)`)
	exec := func(st *sql.Stmt, args ...any) {
		if _, err := st.ExecContext(ctx, args...); err != nil {
			b.Fatal(err)
		}
	}
	small, body := sealedLike(200), sealedLike(1024)
	for i := range 2 * benchDue {
		id := tropa.NewID()
		created := now.Add(-time.Duration(i+48) * time.Hour).UnixMicro()
		stage, disposition, outcome, closed := tropa.StageCounselling, tropa.DispositionCase, tropa.Outcome(""), int64(0)
		if i%2 == 0 {
			stage, outcome, closed = tropa.StageClosed, tropa.OutcomeLeftCountry, created+(24*time.Hour).Microseconds()
		}
		exec(insertRequest, id, tropa.NewID(), string(tropa.Kinds[i%len(tropa.Kinds)]), string(tropa.SituationFront),
			string(tropa.ChannelWeb), string(stage), created, small, string(disposition), string(outcome), closed)
		for j, author := range []tropa.Author{tropa.AuthorApplicant, tropa.AuthorStaff, tropa.AuthorNote} {
			exec(insertMessage, tropa.NewID(), id, string(author), created+int64(j), body)
		}
		for _, holder := range []string{"coord", "alice", tropa.HolderRecovery} {
			exec(insertWrap, id, holder, tropa.AccessIntake, small, created)
		}
		exec(insertReceipt, tropa.NewID(), id, "argon2id", small, created)
		for range 2 {
			exec(insertDeadline, tropa.NewID(), id, string(tropa.DeadlineTask), created, small, "coord")
		}
		for j := range 4 {
			exec(insertEvent, tropa.NewID(), id, created+int64(j), "coord", string(tropa.CaseStage), small)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return db
}
