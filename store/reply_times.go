package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"tropa"
)

// What day_counts counts of waits: first replies on a day, and cases
// closed with an outcome on a day, by the whole days since the request's
// day.
const (
	waitReply   = "reply_wait"
	waitOutcome = "outcome_wait"
)

// ReplyTimes counts the first replies and the closings with an outcome
// from from until to by whole days since the request came, from
// day_counts, where they were counted when written, so that retention
// changes nothing. Only requests marked timed count: not imported
// history, nor requests from before first replies were noted.
func (db *DB) ReplyTimes(ctx context.Context, from, to time.Time) (tropa.ReplyTimes, error) {
	t := tropa.ReplyTimes{FirstReply: map[int]int{}, Outcome: map[int]int{}}
	rows, err := db.read.QueryContext(ctx, `SELECT what, key, CAST(SUM(n) AS BIGINT) FROM day_counts
		WHERE day >= $1 AND day < $2 AND what IN ($3, $4) GROUP BY what, key`,
		micros(from), micros(to), waitReply, waitOutcome)
	if err != nil {
		return t, mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var what, key string
		var n int
		if err := rows.Scan(&what, &key, &n); err != nil {
			return t, mapErr(err)
		}
		days, err := strconv.Atoi(key)
		if err != nil {
			return t, tropa.Errorf(tropa.EINTERNAL, "day_counts: a wait of %q days", key)
		}
		if what == waitReply {
			t.FirstReply[days] += n
		} else {
			t.Outcome[days] += n
		}
	}
	return t, mapErr(rows.Err())
}

// noteFirstReply dates request id's first reply at, unless it has one,
// and counts the wait in day_counts if the request's times count.
func noteFirstReply(ctx context.Context, tx *sql.Tx, id string, at int64) error {
	var created int64
	var timed bool
	err := tx.QueryRowContext(ctx, `UPDATE requests SET first_reply_at = $1 WHERE id = $2 AND first_reply_at = 0
		RETURNING created_at, timed`, at, id).Scan(&created, &timed)
	switch {
	case err == sql.ErrNoRows:
		return nil
	case err != nil:
		return mapErr(err)
	case !timed:
		return nil
	}
	return dayCounts{{utcDay(at), waitReply, waited(created, at)}: 1}.write(ctx, tx)
}

// waited is the key of a wait from the request's day to then's.
func waited(created, then int64) string {
	return strconv.FormatInt((utcDay(then)-utcDay(created))/microsPerDay, 10)
}
