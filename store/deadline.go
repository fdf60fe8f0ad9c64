package store

import (
	"context"
	"database/sql"

	"tropa"
)

// upsertDeadlines adds deadlines to a request, or replaces those with the
// same id, and then sets the request's due_at to its earliest open deadline.
// A deadline id of another request is ENOTFOUND: it is not changed.
func upsertDeadlines(ctx context.Context, tx *sql.Tx, requestID string, list []tropa.DeadlineRecord) error {
	if len(list) == 0 {
		return nil
	}
	for _, d := range list {
		if err := sameRequest(&d.RequestID, requestID); err != nil {
			return err
		}
		// The update's WHERE leaves a row of another request untouched,
		// which then counts as no row affected.
		if err := mustAffect(tx.ExecContext(ctx, `INSERT INTO deadlines
			(id, request_id, kind, starts_at, due_at, sealed_label, done_at, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, starts_at = excluded.starts_at,
				due_at = excluded.due_at, sealed_label = excluded.sealed_label, done_at = excluded.done_at
			WHERE deadlines.request_id = excluded.request_id`,
			d.ID, d.RequestID, string(d.Kind), micros(d.StartsAt), micros(d.DueAt), nonNil(d.SealedLabel),
			micros(d.DoneAt), d.CreatedBy, micros(d.CreatedAt))); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE requests SET due_at = COALESCE(
			(SELECT MIN(due_at) FROM deadlines WHERE request_id = $1 AND done_at = 0), $2)
		WHERE id = $1`, requestID, int64(noDeadline))
	return mapErr(err)
}

// Deadlines returns a request's deadlines, earliest due first, done or not.
func (db *DB) Deadlines(ctx context.Context, requestID string) ([]tropa.DeadlineRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, request_id, kind, starts_at, due_at, sealed_label, done_at,
		created_by, created_at FROM deadlines WHERE request_id = $1 ORDER BY due_at, id`, requestID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.DeadlineRecord
	for rows.Next() {
		var d tropa.DeadlineRecord
		var kind string
		var starts, due, done, created int64
		if err := rows.Scan(&d.ID, &d.RequestID, &kind, &starts, &due, &d.SealedLabel, &done,
			&d.CreatedBy, &created); err != nil {
			return nil, mapErr(err)
		}
		d.Kind = tropa.DeadlineKind(kind)
		d.StartsAt, d.DueAt, d.DoneAt, d.CreatedAt = fromMicros(starts), fromMicros(due), fromMicros(done), fromMicros(created)
		list = append(list, d)
	}
	return list, mapErr(rows.Err())
}
