package store

import (
	"context"
	"database/sql"

	"tropa"
)

// upsertDeadlines adds deadlines to a request, or replaces those with the
// same id. A deadline id of another request is ENOTFOUND: it is not changed.
// The request's due time comes with them, in the same update (see
// tropa.CaseUpdate.DueAt), since only the desk can open their exact times.
// In clear, a deadline keeps its start and due times to the hour at most and
// its other times to the day.
func upsertDeadlines(ctx context.Context, tx *sql.Tx, u *tropa.CaseUpdate) error {
	if len(u.Deadlines) == 0 {
		return nil
	}
	if u.DueAt == nil {
		return tropa.Errorf(tropa.EINVALID, "deadlines of request %s changed without its due time", u.RequestID)
	}
	for _, d := range u.Deadlines {
		if err := sameRequest(&d.RequestID, u.RequestID); err != nil {
			return err
		}
		// The update's WHERE leaves a row of another request untouched,
		// which then counts as no row affected.
		if err := mustAffect(tx.ExecContext(ctx, `INSERT INTO deadlines
			(id, request_id, kind, starts_at, due_at, sealed_label, sealed_times, done_at, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, starts_at = excluded.starts_at,
				due_at = excluded.due_at, sealed_label = excluded.sealed_label, sealed_times = excluded.sealed_times,
				done_at = excluded.done_at
			WHERE deadlines.request_id = excluded.request_id`,
			d.ID, d.RequestID, string(d.Kind), dueHour(d.StartsAt), dueHour(d.DueAt), nonNil(d.SealedLabel),
			d.SealedTimes, day(d.DoneAt), d.CreatedBy, day(d.CreatedAt))); err != nil {
			return err
		}
	}
	return nil
}

// Deadlines returns a request's deadlines, done or not, earliest due first
// as far as the clear times tell.
func (db *DB) Deadlines(ctx context.Context, requestID string) ([]tropa.DeadlineRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, request_id, kind, starts_at, due_at, sealed_label, sealed_times,
		done_at, created_by, created_at FROM deadlines WHERE request_id = $1 ORDER BY due_at, id`, requestID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.DeadlineRecord
	for rows.Next() {
		var d tropa.DeadlineRecord
		var kind string
		var starts, due, done, created int64
		if err := rows.Scan(&d.ID, &d.RequestID, &kind, &starts, &due, &d.SealedLabel, &d.SealedTimes, &done,
			&d.CreatedBy, &created); err != nil {
			return nil, mapErr(err)
		}
		d.Kind = tropa.DeadlineKind(kind)
		d.StartsAt, d.DueAt, d.DoneAt, d.CreatedAt = fromMicros(starts), fromMicros(due), fromMicros(done), fromMicros(created)
		list = append(list, d)
	}
	return list, mapErr(rows.Err())
}
