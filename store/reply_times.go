package store

import (
	"cmp"
	"context"
	"database/sql"
	"maps"
	"slices"
	"strings"
	"time"

	"tropa"
)

// What the rows of reply_times count.
const (
	timeReply   = "reply"
	timeOutcome = "outcome"
)

// ReplyTimes counts the first replies and the closings with an outcome
// from from until to by whole days since the request came, from the
// requests kept and the anonymous counts of those retention deleted.
// Only requests marked timed count: not imported history, nor requests
// from before first replies were noted.
func (db *DB) ReplyTimes(ctx context.Context, from, to time.Time) (tropa.ReplyTimes, error) {
	t := tropa.ReplyTimes{FirstReply: map[int]int{}, Outcome: map[int]int{}}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return t, mapErr(err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT 'reply', (first_reply_at - created_at) / 86400000000, COUNT(*) FROM requests
		WHERE timed AND first_reply_at >= $1 AND first_reply_at < $2 AND first_reply_at <> 0
		GROUP BY (first_reply_at - created_at) / 86400000000
		UNION ALL SELECT 'outcome', (closed_at - created_at) / 86400000000, COUNT(*) FROM requests
		WHERE timed AND closed_at >= $1 AND closed_at < $2 AND closed_at <> 0 AND disposition = $3 AND outcome <> ''
		GROUP BY (closed_at - created_at) / 86400000000
		UNION ALL SELECT what, days, CAST(SUM(n) AS BIGINT) FROM reply_times WHERE day >= $1 AND day < $2 GROUP BY what, days`,
		micros(from), micros(to), string(tropa.DispositionCase))
	if err != nil {
		return t, mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var what string
		var days, n int
		if err := rows.Scan(&what, &days, &n); err != nil {
			return t, mapErr(err)
		}
		if what == timeReply {
			t.FirstReply[days] += n
		} else {
			t.Outcome[days] += n
		}
	}
	return t, mapErr(rows.Err())
}

// addToReplyTimes adds the times of requests about to be deleted to the
// anonymous counts, by UTC day of the reply or closing, in the shape
// ReplyTimes reads them.
func addToReplyTimes(ctx context.Context, tx *sql.Tx, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	type key struct {
		day  int64
		what string
		days int64
	}
	var q sqlBuilder
	in := q.in(ids)
	rows, err := tx.QueryContext(ctx, `SELECT created_at, first_reply_at, closed_at, disposition, outcome FROM requests
		WHERE timed AND id `+in, q.args...)
	if err != nil {
		return mapErr(err)
	}
	defer rows.Close()
	counts := map[key]int{}
	for rows.Next() {
		var created, replied, closed int64
		var disposition, outcome string
		if err := rows.Scan(&created, &replied, &closed, &disposition, &outcome); err != nil {
			return mapErr(err)
		}
		if replied != 0 {
			counts[key{replied, timeReply, (replied - created) / microsPerDay}]++
		}
		if closed != 0 && disposition == string(tropa.DispositionCase) && outcome != "" {
			counts[key{closed, timeOutcome, (closed - created) / microsPerDay}]++
		}
	}
	if err := rows.Err(); err != nil {
		return mapErr(err)
	}
	rows.Close()
	// In one order on every node, as addToCounts writes.
	for _, k := range slices.SortedFunc(maps.Keys(counts), func(a, b key) int {
		return cmp.Or(cmp.Compare(a.day, b.day), strings.Compare(a.what, b.what), cmp.Compare(a.days, b.days))
	}) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reply_times (day, what, days, n) VALUES ($1, $2, $3, $4)
			ON CONFLICT (day, what, days) DO UPDATE SET n = reply_times.n + excluded.n`, k.day, k.what, k.days, counts[k]); err != nil {
			return mapErr(err)
		}
	}
	return nil
}
