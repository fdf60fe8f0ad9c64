package store

import (
	"context"
	"database/sql"
	"time"

	"tropa"
)

// upsertMeetings adds meetings to a request, or replaces those with the
// same id; a meeting id of another request is ENOTFOUND. Their deadlines
// come in the same update, so the queue's due time follows them.
func upsertMeetings(ctx context.Context, tx *sql.Tx, u *tropa.CaseUpdate) error {
	for _, m := range u.Meetings {
		if err := sameRequest(&m.RequestID, u.RequestID); err != nil {
			return err
		}
		if err := mustAffect(tx.ExecContext(ctx, `INSERT INTO meetings
			(id, request_id, state, day, closed_day, responsible, sealed)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (id) DO UPDATE SET state = excluded.state, day = excluded.day,
				closed_day = excluded.closed_day, responsible = excluded.responsible, sealed = excluded.sealed
			WHERE meetings.request_id = excluded.request_id`,
			m.ID, m.RequestID, string(m.State), day(m.Day), day(m.ClosedDay), m.Responsible, m.Sealed)); err != nil {
			return err
		}
	}
	return nil
}

const meetingColumns = `m.id, m.request_id, m.state, m.day, m.closed_day, m.responsible, m.sealed`

// Meetings returns a request's meetings.
func (db *DB) Meetings(ctx context.Context, requestID string) ([]tropa.MeetingRecord, error) {
	return db.queryMeetings(ctx, `SELECT `+meetingColumns+` FROM meetings m WHERE m.request_id = $1 ORDER BY m.day, m.id`,
		requestID)
}

// MeetingsHeld returns the meetings whose window starts on a UTC day from
// from to to, both included, of the cases holder holds a key to, with the
// reference and the wrapped key of each: the day board opens only what its
// viewer can open, and links each to its case without a query per case.
func (db *DB) MeetingsHeld(ctx context.Context, holder string, from, to time.Time) ([]tropa.HeldMeeting, error) {
	// CROSS JOIN keeps SQLite from starting at the holder's key rows,
	// which for a coordinator are every case: the few days of meetings
	// come first, and each looks up its one key row and its case.
	rows, err := db.read.QueryContext(ctx, `SELECT `+meetingColumns+`, r.ref, w.wrapped FROM meetings m
		CROSS JOIN key_wraps w CROSS JOIN requests r
		WHERE m.day >= $2 AND m.day <= $3 AND w.request_id = m.request_id AND w.holder = $1 AND r.id = m.request_id
		ORDER BY m.day, m.id`, holder, day(from), day(to))
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.HeldMeeting
	for rows.Next() {
		var h tropa.HeldMeeting
		if err := scanMeeting(rows, &h.MeetingRecord, &h.Ref, &h.Wrapped); err != nil {
			return nil, err
		}
		list = append(list, h)
	}
	return list, mapErr(rows.Err())
}

// MeetingCounts counts the meetings closed on each UTC day from from to
// to, by final state, from clear columns only, those of deleted cases
// from the counts retention kept.
func (db *DB) MeetingCounts(ctx context.Context, from, to time.Time) (map[time.Time]map[tropa.MeetingState]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT closed_day, state, COUNT(*) FROM meetings
		WHERE closed_day >= $1 AND closed_day <= $2 AND closed_day <> 0 GROUP BY closed_day, state
		UNION ALL SELECT day, state, n FROM meeting_counts WHERE day >= $1 AND day <= $2`, day(from), day(to))
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	counts := map[time.Time]map[tropa.MeetingState]int{}
	for rows.Next() {
		var d int64
		var state string
		var n int
		if err := rows.Scan(&d, &state, &n); err != nil {
			return nil, mapErr(err)
		}
		k := fromMicros(d)
		if counts[k] == nil {
			counts[k] = map[tropa.MeetingState]int{}
		}
		counts[k][tropa.MeetingState(state)] += n
	}
	return counts, mapErr(rows.Err())
}

func (db *DB) queryMeetings(ctx context.Context, query string, args ...any) ([]tropa.MeetingRecord, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.MeetingRecord
	for rows.Next() {
		var m tropa.MeetingRecord
		if err := scanMeeting(rows, &m); err != nil {
			return nil, err
		}
		list = append(list, m)
	}
	return list, mapErr(rows.Err())
}

func scanMeeting(rows *sql.Rows, m *tropa.MeetingRecord, extra ...any) error {
	var state string
	var d, closed int64
	dest := append([]any{&m.ID, &m.RequestID, &state, &d, &closed, &m.Responsible, &m.Sealed}, extra...)
	if err := rows.Scan(dest...); err != nil {
		return mapErr(err)
	}
	m.State, m.Day, m.ClosedDay = tropa.MeetingState(state), fromMicros(d), fromMicros(closed)
	return nil
}
