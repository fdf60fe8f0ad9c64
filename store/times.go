package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/pressly/goose/v3"

	"tropa"
)

// microsPerHour is tropa.DueHour's grain in the stores' unit of time;
// microsPerDay is tropa.Day's.
const microsPerHour = int64(time.Hour / time.Microsecond)

// day and dueHour are the values written for request-describing times: every
// insert and update of them goes through one of these, so that no caller
// can store a finer time by mistake.
func day(t time.Time) int64     { return micros(tropa.Day(t)) }
func dueHour(t time.Time) int64 { return micros(tropa.DueHour(t)) }

// auditTime is the time an audit entry keeps: what an applicant did
// himself is kept to the day like the rest of his request; what staff do,
// to the microsecond.
func auditTime(ev tropa.AuditEvent) time.Time {
	if ev.Actor == tropa.ActorApplicant {
		return tropa.Day(ev.At)
	}
	return ev.At.Truncate(time.Microsecond)
}

// dueValue is requests.due_at for a case's earliest open deadline due,
// noDeadline for none.
func dueValue(due time.Time) int64 {
	if due.IsZero() {
		return noDeadline
	}
	return dueHour(due)
}

// timesVersion is the migration that coarsens the times earlier versions
// stored exactly. It is written in Go because the audit log's hash chain
// must be computed again over the entries whose times it coarsens.
const timesVersion = 5

// timesMigration cuts every request-describing time already stored down to
// its grain. The exact times cannot be sealed instead: the server holds no
// case key. What the old values leave in free pages and the log is cleared
// after migrating (see rewriteAfterUpgrade).
func timesMigration() *goose.Migration {
	return goose.NewGoMigration(timesVersion,
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			if err := execAll(ctx, tx, timesUp); err != nil {
				return err
			}
			return rechainAudit(ctx, tx)
		}},
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return execAll(ctx, tx, timesDown) }},
	)
}

// rewriteAfterUpgrade clears the old exact times out of the files after
// timesMigration ran: coarsening updated the rows in place, but what they
// held before stays in SQLite's write-ahead log and free space, and in
// PostgreSQL's dead tuples. SQLite's VACUUM writes the database anew and
// the checkpoint then empties the log; PostgreSQL's VACUUM FULL rewrites
// each table the migration touched into new files. It runs once, at the
// upgrade, outside any transaction, as both require.
func (db *DB) rewriteAfterUpgrade(ctx context.Context) error {
	if db.postgres {
		_, err := db.write.ExecContext(ctx, `VACUUM FULL requests, messages, case_events, deadlines, key_wraps,
			receipts, attachments, case_links, audit_log, audit_head`)
		return mapErr(err)
	}
	if _, err := db.write.ExecContext(ctx, `VACUUM`); err != nil {
		return mapErr(err)
	}
	return db.Reclaim(ctx)
}

// coarsenDay is an SQL expression for column c cut down to its UTC day;
// 0, for never, stays 0.
func coarsenDay(c string) string { return fmt.Sprintf("%s = %s - %s %% %d", c, c, c, microsPerDay) }

// coarsenHour is the same to the hour, leaving noDeadline as it is.
func coarsenHour(c string) string {
	return fmt.Sprintf("%s = CASE WHEN %s = %d THEN %s ELSE %s - %s %% %d END", c, c, int64(noDeadline), c, c, c, microsPerHour)
}

var timesUp = []string{
	// Who wrote last, read off the exact times while they are still there.
	`ALTER TABLE requests ADD COLUMN last_author TEXT NOT NULL DEFAULT ''`,
	`UPDATE requests SET last_author = CASE WHEN last_applicant_at > last_staff_at THEN 'applicant'
		WHEN last_staff_at > 0 THEN 'staff' ELSE '' END`,
	`UPDATE requests SET ` + coarsenDay("created_at") + `, ` + coarsenDay("last_applicant_at") + `, ` +
		coarsenDay("last_staff_at") + `, ` + coarsenDay("updated_at") + `, ` + coarsenDay("closed_at") + `, ` +
		coarsenDay("contact_erased_at") + `, ` + coarsenHour("due_at"),

	// Messages and history keep the order they were written in: seq counts
	// from 1 within a request.
	`ALTER TABLE messages ADD COLUMN seq BIGINT NOT NULL DEFAULT 0`,
	`ALTER TABLE messages ADD COLUMN sealed_at BYTEA`,
	`UPDATE messages SET seq = o.n FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY request_id ORDER BY created_at, id) AS n
		FROM messages) AS o WHERE messages.id = o.id`,
	`UPDATE messages SET ` + coarsenDay("created_at"),
	`DROP INDEX messages_request`,
	`CREATE INDEX messages_request ON messages (request_id, seq)`,

	`ALTER TABLE case_events ADD COLUMN seq BIGINT NOT NULL DEFAULT 0`,
	`UPDATE case_events SET seq = o.n FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY request_id ORDER BY at, id) AS n
		FROM case_events) AS o WHERE case_events.id = o.id`,
	`UPDATE case_events SET ` + coarsenDay("at"),
	`DROP INDEX case_events_request`,
	`CREATE INDEX case_events_request ON case_events (request_id, seq)`,

	// A deadline's exact times are sealed from now on; those stored so far
	// keep the hour, rounded down as the queue's is.
	`ALTER TABLE deadlines ADD COLUMN sealed_times BYTEA`,
	`UPDATE deadlines SET ` + coarsenHour("starts_at") + `, ` + coarsenHour("due_at") + `, ` +
		coarsenDay("done_at") + `, ` + coarsenDay("created_at"),

	`UPDATE key_wraps SET ` + coarsenDay("created_at"),
	`UPDATE receipts SET ` + coarsenDay("created_at"),
	`UPDATE attachments SET ` + coarsenDay("created_at"),
	`UPDATE case_links SET ` + coarsenDay("created_at"),
	`UPDATE audit_log SET ` + coarsenDay("at") + ` WHERE actor = '` + tropa.ActorApplicant + `'`,
}

var timesDown = []string{
	`DROP INDEX case_events_request`,
	`CREATE INDEX case_events_request ON case_events (request_id, at)`,
	`ALTER TABLE case_events DROP COLUMN seq`,
	`DROP INDEX messages_request`,
	`CREATE INDEX messages_request ON messages (request_id, created_at)`,
	`ALTER TABLE messages DROP COLUMN sealed_at`,
	`ALTER TABLE messages DROP COLUMN seq`,
	`ALTER TABLE deadlines DROP COLUMN sealed_times`,
	`ALTER TABLE requests DROP COLUMN last_author`,
}

func execAll(ctx context.Context, tx *sql.Tx, statements []string) error {
	for _, s := range statements {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// rechainBatch is how many audit entries rechainAudit holds at once.
const rechainBatch = 1000

// rechainAudit computes the audit log's hash chain again from its first
// applicant entry, whose time was just coarsened, and records the new head.
// It stops at an entry whose chain did not hold before: a chain already
// broken stays broken there, head and all, so that migrating never hides a
// tampering.
func rechainAudit(ctx context.Context, tx *sql.Tx) error {
	var first sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MIN(seq) FROM audit_log WHERE actor = $1`,
		tropa.ActorApplicant).Scan(&first); err != nil || !first.Valid {
		return err
	}
	// prev is the chain as computed again, stored the chain as it was.
	var prev []byte
	if err := tx.QueryRowContext(ctx, `SELECT prev_hash FROM audit_log WHERE seq = $1`, first.Int64).Scan(&prev); err != nil {
		return err
	}
	stored := prev
	for from := first.Int64; ; {
		entries, err := auditBatch(ctx, tx, from)
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			_, err := tx.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, prev)
			return err
		}
		for _, e := range entries {
			if !e.held || string(e.PrevHash) != string(stored) {
				return nil
			}
			stored = e.Hash
			hash := tropa.ChainHash(prev, e.Seq, e.AuditEvent)
			if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3`,
				nonNil(prev), hash, e.Seq); err != nil {
				return err
			}
			prev = hash
		}
		from = entries[len(entries)-1].Seq + 1
	}
}

// chainedEntry is an audit entry read for rechainAudit: held says whether
// its stored hash is that of its fields, which for an applicant entry,
// whose time was coarsened, can no longer be told.
type chainedEntry struct {
	tropa.AuditEntry
	held bool
}

func auditBatch(ctx context.Context, tx *sql.Tx, from int64) ([]chainedEntry, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, at, actor, action, request_id, detail, prev_hash, hash
		FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2`, from, rechainBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []chainedEntry
	for rows.Next() {
		var e chainedEntry
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.RequestID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		e.At = fromMicros(at)
		e.held = e.Actor == tropa.ActorApplicant || string(tropa.ChainHash(e.PrevHash, e.Seq, e.AuditEvent)) == string(e.Hash)
		list = append(list, e)
	}
	return list, rows.Err()
}
