package store

import (
	"cmp"
	"context"
	"database/sql"
	"maps"
	"slices"
	"strings"

	"tropa"
)

// counted is what the figures read of a request: its days, the columns
// they count it by, and whether its wait to an outcome counts.
type counted struct {
	created, closed                                int64
	kind, channel, situation, disposition, outcome string
	timed                                          bool
}

// dayKey is one count of day_counts: of the requests of day whose what
// column reads key.
type dayKey struct {
	day       int64
	what, key string
}

// dayCounts are changes to day_counts, written in the transaction that
// changes the requests they count, so that the counts are always those of
// the requests there are and were.
type dayCounts map[dayKey]int

// add counts r sign times: 1 for a request written, -1 for the request as
// it was before an update.
func (c dayCounts) add(r counted, sign int) {
	received := utcDay(r.created)
	c[dayKey{received, "kind", r.kind}] += sign
	c[dayKey{received, "channel", r.channel}] += sign
	c[dayKey{received, "situation", r.situation}] += sign
	if r.disposition != "" {
		c[dayKey{received, "disposition", r.disposition}] += sign
	}
	if r.closed != 0 && r.disposition == string(tropa.DispositionCase) && r.outcome != "" {
		c[dayKey{utcDay(r.closed), "outcome", r.outcome}] += sign
		if r.timed {
			c[dayKey{utcDay(r.closed), waitOutcome, waited(r.created, r.closed)}] += sign
		}
	}
}

// write adds the changes to day_counts, in one order on every node, so
// that two transactions counting the same day wait for each other rather
// than deadlock.
func (c dayCounts) write(ctx context.Context, tx *sql.Tx) error {
	for _, k := range slices.SortedFunc(maps.Keys(c), func(a, b dayKey) int {
		return cmp.Or(cmp.Compare(a.day, b.day), strings.Compare(a.what, b.what), strings.Compare(a.key, b.key))
	}) {
		n := c[k]
		if n == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO day_counts (day, what, key, n) VALUES ($1, $2, $3, $4)
			ON CONFLICT (day, what, key) DO UPDATE SET n = day_counts.n + excluded.n`, k.day, k.what, k.key, n); err != nil {
			return mapErr(err)
		}
		// A count back to 0 goes: a row of none would keep that a request
		// of that day was once counted so.
		if n < 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM day_counts WHERE day = $1 AND what = $2 AND key = $3 AND n = 0`,
				k.day, k.what, k.key); err != nil {
				return mapErr(err)
			}
		}
	}
	return nil
}

// countedOf is how the figures count a request about to be written.
func countedOf(r *tropa.RequestRecord) counted {
	return counted{created: day(r.CreatedAt), closed: day(r.ClosedAt), kind: string(r.Kind), channel: string(r.Channel),
		situation: string(r.Situation), disposition: string(r.Disposition), outcome: string(r.Outcome)}
}

// recount moves the request's counts from what it was to what u makes of
// it, when u changes what they count: its triage, its outcome or when it
// was closed. On PostgreSQL the request is locked as it is read, so that
// an update that does not check the version cannot move counts from what
// another has just changed.
func (db *DB) recount(ctx context.Context, tx *sql.Tx, u *tropa.CaseUpdate) error {
	if u.Disposition == nil && u.Outcome == nil && u.ClosedAt == nil {
		return nil
	}
	lock := ``
	if db.postgres {
		lock = ` FOR UPDATE`
	}
	var was counted
	err := tx.QueryRowContext(ctx, `SELECT created_at, closed_at, kind, channel, situation, disposition, outcome, timed
		FROM requests WHERE id = $1`+lock, u.RequestID).Scan(&was.created, &was.closed, &was.kind, &was.channel,
		&was.situation, &was.disposition, &was.outcome, &was.timed)
	if err == sql.ErrNoRows {
		return nil
	} else if err != nil {
		return mapErr(err)
	}
	now := was
	if u.Disposition != nil {
		now.disposition = string(*u.Disposition)
	}
	if u.Outcome != nil {
		now.outcome = string(*u.Outcome)
	}
	if u.ClosedAt != nil {
		now.closed = day(*u.ClosedAt)
	}
	c := dayCounts{}
	c.add(was, -1)
	c.add(now, 1)
	return c.write(ctx, tx)
}
