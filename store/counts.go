package store

import (
	"context"
	"database/sql"
	"math"
	"time"

	"tropa"
)

// Counts counts the requests received from from until to by kind,
// channel, situation and disposition, and the cases closed as cases in
// that time by outcome, from one snapshot of the database. A zero from or to leaves that end of the period open. The
// received and closed come from day_counts, by UTC day, which counts each
// request as it is written and keeps counting it after the retention
// policy deletes it: over periods of whole UTC days the figures are as
// before it was deleted, and a period costs its days, not its requests.
func (db *DB) Counts(ctx context.Context, from, to time.Time) (*tropa.Counts, error) {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if !from.IsZero() {
		lo = from.UnixMicro()
	}
	if !to.IsZero() {
		hi = to.UnixMicro()
	}
	c := &tropa.Counts{
		ReceivedByKind:      map[tropa.Kind]int{},
		ReceivedByChannel:   map[tropa.Channel]int{},
		ReceivedBySituation: map[tropa.Situation]int{},
		Triaged:             map[tropa.Disposition]int{},
		ClosedByOutcome:     map[tropa.Outcome]int{},
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, mapErr(err)
	}
	defer tx.Rollback()

	err = groupCounts(ctx, tx, countsByDay, []any{lo, hi}, func(keys []string, n int) {
		switch key := keys[1]; keys[0] {
		case "kind":
			c.ReceivedByKind[tropa.Kind(key)] += n
		case "channel":
			c.ReceivedByChannel[tropa.Channel(key)] += n
		case "situation":
			c.ReceivedBySituation[tropa.Situation(key)] += n
		case "disposition":
			c.Triaged[tropa.Disposition(key)] += n
		case "outcome":
			c.ClosedByOutcome[tropa.Outcome(key)] += n
		}
	})
	if err != nil {
		return nil, err
	}
	if err := stayCounts(ctx, tx, lo, hi, c); err != nil {
		return nil, err
	}
	return c, nil
}

// countsByDay sums day_counts over the days of a period; countsOpen counts
// the cases open now by stage, from the index requests_open alone.
const (
	countsByDay = `SELECT what, key, CAST(SUM(n) AS BIGINT) FROM day_counts
		WHERE day >= $1 AND day < $2 GROUP BY what, key`
	countsOpen = `SELECT stage, COUNT(*) FROM requests WHERE closed_at = 0 GROUP BY stage`
)

// OpenByStage counts the cases open now by stage. The figures page asks
// it once, however many months it shows.
func (db *DB) OpenByStage(ctx context.Context) (map[tropa.Stage]int, error) {
	open := map[tropa.Stage]int{}
	err := groupCounts(ctx, db.read, countsOpen, nil, func(keys []string, n int) { open[tropa.Stage(keys[0])] = n })
	if err != nil {
		return nil, err
	}
	return open, nil
}

// stayCounts adds to c the stays begun in [lo, hi) and the beds held each
// night of it, those of deleted cases from the counts they left.
func stayCounts(ctx context.Context, tx *sql.Tx, lo, hi int64, c *tropa.Counts) error {
	rows, err := tx.QueryContext(ctx, `SELECT first_day, end_day, beds, 1 FROM stays
		WHERE state <> $1 AND first_day < $2 AND end_day > $3
		UNION ALL SELECT first_day, end_day, beds, n FROM stay_counts WHERE first_day < $2 AND end_day > $3`,
		string(tropa.StayCancelled), hi, lo)
	if err != nil {
		return mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var first, end int64
		var beds, n int
		if err := rows.Scan(&first, &end, &beds, &n); err != nil {
			return mapErr(err)
		}
		if first >= lo {
			c.StaysBegun += n
		}
		c.StayNights += n * beds * int((min(end, hi)-max(first, lo))/microsPerDay)
	}
	return mapErr(rows.Err())
}

// groupCounts runs a query whose rows are text keys followed by a count, and
// calls add with each row.
func groupCounts(ctx context.Context, tx querier, query string, args []any, add func(keys []string, n int)) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return mapErr(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return mapErr(err)
	}
	keys := make([]string, len(cols)-1)
	dest := make([]any, len(cols))
	for i := range keys {
		dest[i] = &keys[i]
	}
	var n int
	dest[len(keys)] = &n
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return mapErr(err)
		}
		add(keys, n)
	}
	return mapErr(rows.Err())
}

// ReceivedBefore reports whether day_counts counts a request received
// before the UTC day of t: one row of the index, however long the history.
func (db *DB) ReceivedBefore(ctx context.Context, t time.Time) (bool, error) {
	var one int
	err := db.read.QueryRowContext(ctx, `SELECT 1 FROM day_counts WHERE day < $1 AND what = 'kind' AND n > 0 LIMIT 1`,
		day(t)).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, mapErr(err)
}
