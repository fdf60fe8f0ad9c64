package store

import (
	"context"
	"database/sql"
	"time"

	"tropa"
)

// insertCall stores a call of request requestID with its day, and counts
// it in its UTC hour in a row that names neither the case nor who took it.
func insertCall(ctx context.Context, tx *sql.Tx, requestID string, c tropa.CallRecord) error {
	if err := sameRequest(&c.RequestID, requestID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO calls (id, request_id, staff_id, day, return_call, sealed_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, c.ID, c.RequestID, c.StaffID, day(c.At), c.Returning, c.SealedAt); err != nil {
		return mapErr(err)
	}
	// Taking his call is answering him: it dates the first reply, as a
	// message to him does.
	if err := noteFirstReply(ctx, tx, requestID, day(c.At)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO call_hours (hour, calls) VALUES ($1, 1)
		ON CONFLICT (hour) DO UPDATE SET calls = call_hours.calls + 1`, micros(c.At.UTC().Truncate(time.Hour)))
	return mapErr(err)
}

// CallsTaken lists the calls staffID took on the UTC days from from to to,
// of cases they still hold, with the wrap that opens each.
func (db *DB) CallsTaken(ctx context.Context, staffID string, from, to time.Time) ([]tropa.TakenCall, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT c.id, c.request_id, c.day, c.return_call, c.sealed_at, r.ref, w.wrapped
		FROM calls c JOIN requests r ON r.id = c.request_id
		JOIN key_wraps w ON w.request_id = c.request_id AND w.holder = $1
		WHERE c.staff_id = $1 AND c.day >= $2 AND c.day <= $3 ORDER BY c.day, c.id`, staffID, day(from), day(to))
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.TakenCall
	for rows.Next() {
		c := tropa.TakenCall{CallRecord: tropa.CallRecord{StaffID: staffID}}
		var at int64
		if err := rows.Scan(&c.ID, &c.RequestID, &at, &c.Returning, &c.SealedAt, &c.Ref, &c.Wrapped); err != nil {
			return nil, mapErr(err)
		}
		c.At = fromMicros(at)
		list = append(list, c)
	}
	return list, mapErr(rows.Err())
}

// CallHours counts calls per UTC hour in [from, to).
func (db *DB) CallHours(ctx context.Context, from, to time.Time) ([]tropa.HourCount, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT hour, calls FROM call_hours WHERE hour >= $1 AND hour < $2 ORDER BY hour`,
		micros(from), micros(to))
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.HourCount
	for rows.Next() {
		var h tropa.HourCount
		var at int64
		if err := rows.Scan(&at, &h.Calls); err != nil {
			return nil, mapErr(err)
		}
		h.Hour = fromMicros(at)
		list = append(list, h)
	}
	return list, mapErr(rows.Err())
}

// CallDays counts calls per UTC day in [from, to), those of deleted
// cases from the counts retention kept.
func (db *DB) CallDays(ctx context.Context, from, to time.Time) (map[time.Time]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT day, COUNT(*) FROM calls WHERE day >= $1 AND day < $2 GROUP BY day
		UNION ALL SELECT day, n FROM call_counts WHERE day >= $1 AND day < $2`,
		day(from), day(to))
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	days := make(map[time.Time]int)
	for rows.Next() {
		var at int64
		var n int
		if err := rows.Scan(&at, &n); err != nil {
			return nil, mapErr(err)
		}
		days[fromMicros(at)] += n
	}
	return days, mapErr(rows.Err())
}
