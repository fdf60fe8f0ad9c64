package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"tropa"
)

// dueRequest is a request to be deleted, and whether it was spam.
type dueRequest struct {
	id, disposition string
}

// ApplyRetention runs one batch of the retention policy in one transaction:
// it picks the requests due, adds their calls, meetings, stays and legal
// decisions to the anonymous counts, deletes them with every row that
// names them (their own figures and waits stay in day_counts, where they
// were counted when written), erases the contacts due, and records what
// it did in the audit log. On PostgreSQL the rows it picks are locked and
// rows another node has locked are skipped, so that nodes running it at
// once never count a request twice; SQLite has one writer at a time.
func (db *DB) ApplyRetention(ctx context.Context, b *tropa.RetentionBatch) (tropa.RetentionCounts, error) {
	var c tropa.RetentionCounts
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		c = tropa.RetentionCounts{}
		due, err := db.dueRequests(ctx, tx, b)
		if err != nil {
			return err
		}
		ids := make([]string, len(due))
		for i, r := range due {
			ids[i] = r.id
			if r.disposition == string(tropa.DispositionSpam) {
				c.DeletedSpam++
			} else {
				c.DeletedClosed++
			}
		}
		if err := keepActivityCounts(ctx, tx, ids); err != nil {
			return err
		}
		if err := deleteRequests(ctx, tx, ids); err != nil {
			return err
		}
		if c.ContactsErased, err = db.eraseDueContacts(ctx, tx, b); err != nil {
			return err
		}
		if c.Total() == 0 {
			return nil
		}
		ev := b.Audit
		ev.Detail = c.String()
		return appendAudit(ctx, tx, ev)
	})
	if err != nil {
		return tropa.RetentionCounts{}, err
	}
	return c, nil
}

// skipLocked ends a query that picks rows for a batch: on PostgreSQL it locks
// them and passes over those another transaction holds.
func (db *DB) skipLocked() string {
	if db.postgres {
		return ` FOR UPDATE SKIP LOCKED`
	}
	return ``
}

// dueRequests picks the requests that b deletes, those closed longest ago
// first. A request is kept while the applicant's message to it after it
// was closed is flagged, and afterwards counts from the later of its
// closing and his last message: he is not to lose his case, and the
// answer to it, the day after he wrote.
func (db *DB) dueRequests(ctx context.Context, tx *sql.Tx, b *tropa.RetentionBatch) ([]dueRequest, error) {
	var q sqlBuilder
	var rules []string
	spam := q.arg(string(tropa.DispositionSpam))
	if !b.ClosedBefore.IsZero() {
		before := q.arg(micros(b.ClosedBefore))
		rules = append(rules, `(disposition <> `+spam+` AND closed_at <= `+before+` AND last_applicant_at <= `+before+`)`)
	}
	if !b.SpamBefore.IsZero() {
		before := q.arg(micros(b.SpamBefore))
		rules = append(rules, `(disposition = `+spam+` AND closed_at <= `+before+` AND last_applicant_at <= `+before+`)`)
	}
	if len(rules) == 0 {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, disposition FROM requests WHERE closed_at > 0 AND flagged_at = 0 AND (`+strings.Join(rules, ` OR `)+`)
		ORDER BY closed_at, id LIMIT `+q.arg(b.Limit)+db.skipLocked(), q.args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var due []dueRequest
	for rows.Next() {
		var r dueRequest
		if err := rows.Scan(&r.id, &r.disposition); err != nil {
			return nil, mapErr(err)
		}
		due = append(due, r)
	}
	return due, mapErr(rows.Err())
}

// microsPerDay is one day in the stores' unit of time.
const microsPerDay = 24 * 60 * 60 * 1_000_000

// utcDay is the UTC midnight that begins the day of us.
func utcDay(us int64) int64 { return us - (us%microsPerDay+microsPerDay)%microsPerDay }

// deleteRequests deletes requests and every row that names them: the wraps
// of their case keys and their receipts first, then their messages,
// deadlines, history, links both ways and what staff were told of them. The foreign keys would cascade
// the same; naming each table keeps a database whose foreign keys are off
// from quietly keeping key rows.
func deleteRequests(ctx context.Context, tx *sql.Tx, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var q sqlBuilder
	in := q.in(ids)
	for _, query := range []string{
		`DELETE FROM key_wraps WHERE request_id ` + in,
		`DELETE FROM regrants WHERE request_id ` + in,
		`DELETE FROM receipts WHERE request_id ` + in,
		`DELETE FROM attachments WHERE request_id ` + in,
		`DELETE FROM messages WHERE request_id ` + in,
		`DELETE FROM deadlines WHERE request_id ` + in,
		`DELETE FROM stays WHERE request_id ` + in,
		`DELETE FROM legal_steps WHERE request_id ` + in,
		`DELETE FROM legal_processes WHERE request_id ` + in,
		`DELETE FROM meetings WHERE request_id ` + in,
		`DELETE FROM case_events WHERE request_id ` + in,
		`DELETE FROM case_links WHERE request_id ` + in + ` OR linked_id ` + in,
		`DELETE FROM notice_marks WHERE request_id ` + in,
		`DELETE FROM calls WHERE request_id ` + in,
		`DELETE FROM requests WHERE id ` + in,
	} {
		if _, err := tx.ExecContext(ctx, query, q.args...); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// in adds ids to the arguments and returns "IN (…)" with their
// placeholders.
func (b *sqlBuilder) in(ids []string) string {
	marks := make([]string, len(ids))
	for i, id := range ids {
		marks[i] = b.arg(id)
	}
	return `IN (` + strings.Join(marks, `, `) + `)`
}

// erasedContact replaces an erased contact: no bytes at all, so that
// nothing of the sealed value is left, not even its length. Its key goes
// with it, so that a copy of the sealed value left elsewhere cannot be
// opened.
var erasedContact = []byte{}

// erasedChat erases a request's Telegram chat with its contact. A chat
// linked again by receipt after the contact was erased is erased on its
// own, the contact's erasure keeping its first day.
const erasedChat = `sealed_chat = NULL, sealed_chat_key = NULL`

// eraseDueContacts erases the contacts of requests closed, and last written
// to by the applicant, at or before b.ContactBefore and not flagged (see
// dueRequests), at most b.Limit of them, and returns how many.
func (db *DB) eraseDueContacts(ctx context.Context, tx *sql.Tx, b *tropa.RetentionBatch) (int, error) {
	if b.ContactBefore.IsZero() {
		return 0, nil
	}
	ids, err := queryIDs(ctx, tx, `SELECT id FROM requests
		WHERE closed_at > 0 AND closed_at <= $1 AND last_applicant_at <= $1 AND flagged_at = 0
		AND (contact_erased_at = 0 OR sealed_chat IS NOT NULL)
		ORDER BY closed_at, id LIMIT $2`+db.skipLocked(), micros(b.ContactBefore), b.Limit)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	var q sqlBuilder
	set := `UPDATE requests SET sealed_contact = ` + q.arg(erasedContact) + `, sealed_contact_key = NULL, ` + erasedChat +
		`, contact_erased_at = CASE WHEN contact_erased_at = 0 THEN CAST(` + q.arg(day(b.At)) + ` AS BIGINT) ELSE contact_erased_at END`
	if _, err := tx.ExecContext(ctx, set+` WHERE id `+q.in(ids), q.args...); err != nil {
		return 0, mapErr(err)
	}
	return len(ids), nil
}

// queryIDs runs a query whose rows are ids.
func queryIDs(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, mapErr(err)
		}
		ids = append(ids, id)
	}
	return ids, mapErr(rows.Err())
}

// EraseContact erases one request's contact details now, with its history
// entry and audit event, in one transaction. Contact details already erased,
// with no chat linked since, stay as they are, and nothing is recorded
// again.
func (db *DB) EraseContact(ctx context.Context, e *tropa.ContactErasure) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		n, err := affected(tx.ExecContext(ctx, `UPDATE requests SET sealed_contact = $1, sealed_contact_key = NULL, `+erasedChat+`,
			contact_erased_at = CASE WHEN contact_erased_at = 0 THEN CAST($2 AS BIGINT) ELSE contact_erased_at END
			WHERE id = $3 AND (contact_erased_at = 0 OR sealed_chat IS NOT NULL)`, erasedContact, day(e.At), e.RequestID))
		if err != nil {
			return err
		}
		if n == 0 {
			return requestExists(ctx, tx, e.RequestID)
		}
		if err := insertCaseEvent(ctx, tx, e.RequestID, e.Event); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e.Audit)
	})
}

// Reclaim makes what deleting left on disk unreadable. SQLite runs with
// secure_delete, so deleted rows are overwritten with zeros in their pages,
// but the pages as they were before stay in the write-ahead log until it is
// reset: the checkpoint copies the log into the database and truncates it.
// The incremental vacuum first gives back the pages deleting emptied, so
// that the file does not keep the size of what was deleted. On PostgreSQL
// deleted and updated rows stay in their pages as dead tuples until
// vacuumed; see vacuumPostgres.
func (db *DB) Reclaim(ctx context.Context) error {
	if db.postgres {
		return db.vacuumPostgres(ctx)
	}
	if _, err := db.write.ExecContext(ctx, `PRAGMA incremental_vacuum`); err != nil {
		return mapErr(err)
	}
	// TRUNCATE waits, up to the busy timeout, for readers of the old log
	// to finish, so that every frame is copied before the log is cut.
	var busy, frames, copied int
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &copied); err != nil {
		return mapErr(err)
	}
	if busy != 0 {
		return tropa.Errorf(tropa.EBUSY, "WAL checkpoint kept from truncating the log by a reader")
	}
	return nil
}

// vacuumPostgres rids PostgreSQL of the dead rows deleting and erasing left.
// VACUUM FULL rewrites a table into new files and drops the old ones, so
// that the bytes of its dead rows leave the database: that is done to the
// tables that hold case keys (key_wraps, receipts), without which whatever
// remains of a deleted case cannot be opened, to requests, whose erased
// contacts and their keys were sealed under case keys that live on, to
// staff, whose private keys sealed under a password given up linger
// otherwise, and to sessions. It holds an ACCESS
// EXCLUSIVE lock on each table while it copies it, so intake and the queue
// wait for it: these tables hold a few small rows per request. The other
// tables hold only what was sealed under destroyed keys and get a plain
// VACUUM, which takes no lock that blocks reads or writes. Neither can run
// in a transaction.
func (db *DB) vacuumPostgres(ctx context.Context) error {
	for _, query := range []string{
		`VACUUM FULL key_wraps, receipts, requests, staff, sessions`,
		`VACUUM messages, deadlines, meetings, case_events, case_links, attachments, legal_steps, legal_processes`,
		`VACUUM calls`,
	} {
		if _, err := db.write.ExecContext(ctx, query); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// sqliteIncrementalVacuum is PRAGMA auto_vacuum's INCREMENTAL mode.
const sqliteIncrementalVacuum = 2

// useIncrementalVacuum makes sure that a SQLite database can give emptied
// pages back. A database made with auto_vacuum set (see OpenSQLite) has it
// from its first table on; one made before is converted once, by a VACUUM
// that rewrites it whole.
func (db *DB) useIncrementalVacuum(ctx context.Context) error {
	var mode int
	if err := db.write.QueryRowContext(ctx, `PRAGMA auto_vacuum`).Scan(&mode); err != nil {
		return fmt.Errorf("store: auto_vacuum: %w", err)
	}
	if mode == sqliteIncrementalVacuum {
		return nil
	}
	if _, err := db.write.ExecContext(ctx, `VACUUM`); err != nil {
		return fmt.Errorf("store: convert to incremental vacuum: %w", err)
	}
	return nil
}
