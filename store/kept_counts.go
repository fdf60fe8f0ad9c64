package store

import (
	"context"
	"database/sql"

	"tropa"
)

// keepActivityCounts adds the calls, closed meetings, stays and legal
// decisions of the requests ids, about to be deleted, to the anonymous
// counts, so that the figures of their days stay as they were. Each
// statement adds in the order of its key, as addToCounts does, so that
// two nodes adding to the same rows wait for each other rather than
// deadlock.
func keepActivityCounts(ctx context.Context, tx *sql.Tx, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var q sqlBuilder
	in := q.in(ids)
	cancelled := q.arg(string(tropa.StayCancelled))
	byID, withState := q.args[:len(ids)], q.args
	for _, add := range []struct {
		query string
		args  []any
	}{
		{`INSERT INTO call_counts (day, n)
			SELECT day, COUNT(*) FROM calls WHERE request_id ` + in + ` GROUP BY day ORDER BY day
			ON CONFLICT (day) DO UPDATE SET n = call_counts.n + excluded.n`, byID},
		{`INSERT INTO meeting_counts (day, state, n)
			SELECT closed_day, state, COUNT(*) FROM meetings WHERE request_id ` + in + ` AND closed_day <> 0
			GROUP BY closed_day, state ORDER BY closed_day, state
			ON CONFLICT (day, state) DO UPDATE SET n = meeting_counts.n + excluded.n`, byID},
		{`INSERT INTO stay_counts (first_day, end_day, beds, n)
			SELECT first_day, end_day, beds, COUNT(*) FROM stays WHERE request_id ` + in + ` AND state <> ` + cancelled + `
			GROUP BY first_day, end_day, beds ORDER BY first_day, end_day, beds
			ON CONFLICT (first_day, end_day, beds) DO UPDATE SET n = stay_counts.n + excluded.n`, withState},
		{`INSERT INTO decision_counts (day, procedure, decision, n)
			SELECT decided_on, procedure, decision, COUNT(*) FROM legal_processes WHERE request_id ` + in + ` AND decided_on <> 0
			GROUP BY decided_on, procedure, decision ORDER BY decided_on, procedure, decision
			ON CONFLICT (day, procedure, decision) DO UPDATE SET n = decision_counts.n + excluded.n`, byID},
	} {
		if _, err := tx.ExecContext(ctx, add.query, add.args...); err != nil {
			return mapErr(err)
		}
	}
	return nil
}
