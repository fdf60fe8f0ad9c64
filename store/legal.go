package store

import (
	"context"
	"database/sql"
	"time"

	"tropa"
)

// upsertLegal adds a case's legal processes and steps, or replaces those
// with the same id. A process or step of another request, or a step of a
// process of another request, is ENOTFOUND: it is not changed.
func upsertLegal(ctx context.Context, tx *sql.Tx, u *tropa.CaseUpdate) error {
	for _, p := range u.LegalProcesses {
		if err := sameRequest(&p.RequestID, u.RequestID); err != nil {
			return err
		}
		if err := mustAffect(tx.ExecContext(ctx, `INSERT INTO legal_processes
			(id, request_id, position, procedure, decision, decided_on, sealed_country, sealed_helper, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (id) DO UPDATE SET procedure = excluded.procedure, decision = excluded.decision,
				decided_on = excluded.decided_on, sealed_country = excluded.sealed_country,
				sealed_helper = excluded.sealed_helper
			WHERE legal_processes.request_id = excluded.request_id`,
			p.ID, p.RequestID, p.Position, string(p.Procedure), string(p.Decision), day(p.DecidedOn), nonNil(p.SealedCountry),
			nonNil(p.SealedHelper), day(p.CreatedAt))); err != nil {
			return err
		}
	}
	for _, st := range u.LegalSteps {
		if err := sameRequest(&st.RequestID, u.RequestID); err != nil {
			return err
		}
		if err := mustAffect(tx.ExecContext(ctx, `INSERT INTO legal_steps
			(id, process_id, request_id, kind, sealed_step, created_at)
			SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS
				(SELECT 1 FROM legal_processes WHERE id = $2 AND request_id = $3)
			ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, sealed_step = excluded.sealed_step
			WHERE legal_steps.request_id = excluded.request_id AND legal_steps.process_id = excluded.process_id`,
			st.ID, st.ProcessID, st.RequestID, string(st.Kind), nonNil(st.SealedStep), day(st.CreatedAt))); err != nil {
			return err
		}
	}
	return nil
}

// LegalProcesses returns a case's legal processes, in the order they were
// started, and their steps.
func (db *DB) LegalProcesses(ctx context.Context, requestID string) ([]tropa.LegalProcessRecord, []tropa.LegalStepRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, request_id, position, procedure, decision, decided_on,
		sealed_country, sealed_helper, created_at FROM legal_processes WHERE request_id = $1 ORDER BY position, id`, requestID)
	if err != nil {
		return nil, nil, mapErr(err)
	}
	defer rows.Close()
	var procs []tropa.LegalProcessRecord
	for rows.Next() {
		var p tropa.LegalProcessRecord
		var procedure, decision string
		var decided, created int64
		if err := rows.Scan(&p.ID, &p.RequestID, &p.Position, &procedure, &decision, &decided, &p.SealedCountry, &p.SealedHelper,
			&created); err != nil {
			return nil, nil, mapErr(err)
		}
		p.Procedure, p.Decision = tropa.Procedure(procedure), tropa.Decision(decision)
		p.DecidedOn, p.CreatedAt = fromMicros(decided), fromMicros(created)
		procs = append(procs, p)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, mapErr(err)
	}
	steps, err := db.legalSteps(ctx, requestID)
	return procs, steps, err
}

func (db *DB) legalSteps(ctx context.Context, requestID string) ([]tropa.LegalStepRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, process_id, request_id, kind, sealed_step, created_at
		FROM legal_steps WHERE request_id = $1 ORDER BY id`, requestID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var steps []tropa.LegalStepRecord
	for rows.Next() {
		var st tropa.LegalStepRecord
		var kind string
		var created int64
		if err := rows.Scan(&st.ID, &st.ProcessID, &st.RequestID, &kind, &st.SealedStep, &created); err != nil {
			return nil, mapErr(err)
		}
		st.Kind, st.CreatedAt = tropa.StepKind(kind), fromMicros(created)
		steps = append(steps, st)
	}
	return steps, mapErr(rows.Err())
}

// DecisionCounts counts legal decisions taken on the days from from until
// to, by day, procedure and outcome, from clear columns only, those of
// deleted cases from the counts retention kept.
func (db *DB) DecisionCounts(ctx context.Context, from, to time.Time) ([]tropa.DecisionCount, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT day, procedure, decision, CAST(SUM(n) AS BIGINT) FROM (
			SELECT decided_on AS day, procedure, decision, COUNT(*) AS n FROM legal_processes
			WHERE decided_on >= $1 AND decided_on < $2 GROUP BY decided_on, procedure, decision
			UNION ALL SELECT day, procedure, decision, n FROM decision_counts WHERE day >= $1 AND day < $2
		) AS decided GROUP BY day, procedure, decision ORDER BY day, procedure, decision`, day(from), micros(to))
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.DecisionCount
	for rows.Next() {
		var c tropa.DecisionCount
		var on int64
		var procedure, decision string
		if err := rows.Scan(&on, &procedure, &decision, &c.Count); err != nil {
			return nil, mapErr(err)
		}
		c.Day, c.Procedure, c.Decision = fromMicros(on), tropa.Procedure(procedure), tropa.Decision(decision)
		list = append(list, c)
	}
	return list, mapErr(rows.Err())
}
