package store

import (
	"context"
	"database/sql"
	"strings"

	"tropa"
)

// Audit appends events to the audit log, in order, in one transaction of
// their own.
func (db *DB) Audit(ctx context.Context, evs ...tropa.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for _, ev := range evs {
			if err := appendAudit(ctx, tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
}

// appendAudit chains ev onto the log inside tx. Updating audit_head first
// takes its row lock, so concurrent appends, on any node, follow one another.
func appendAudit(ctx context.Context, tx *sql.Tx, ev tropa.AuditEvent) error {
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1`); err != nil {
		return mapErr(err)
	}
	var seq int64
	var prev []byte
	if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &prev); err != nil {
		return mapErr(err)
	}
	ev.At = auditTime(ev)
	hash := tropa.ChainHash(prev, seq, ev)
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor, action, request_id, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		seq, micros(ev.At), ev.Actor, ev.Action, ev.RequestID, ev.Detail, nonNil(prev), hash); err != nil {
		return mapErr(err)
	}
	_, err := tx.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, hash)
	return mapErr(err)
}

// AuditEntries calls fn for every entry in order.
func (db *DB) AuditEntries(ctx context.Context, fn func(*tropa.AuditEntry) error) error {
	rows, err := db.read.QueryContext(ctx, `SELECT seq, at, actor, action, request_id, detail, prev_hash, hash
		FROM audit_log ORDER BY seq`)
	if err != nil {
		return mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var e tropa.AuditEntry
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.RequestID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return mapErr(err)
		}
		e.At = fromMicros(at)
		if err := fn(&e); err != nil {
			return err
		}
	}
	return mapErr(rows.Err())
}

// nonNil stores an empty value rather than NULL in NOT NULL byte columns.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// AuditHead returns the sequence number and hash of the last entry.
func (db *DB) AuditHead(ctx context.Context) (int64, []byte, error) {
	var seq int64
	var hash []byte
	err := db.read.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash)
	return seq, hash, mapErr(err)
}

// Audit log page sizes.
const (
	defaultAuditLimit = 100
	maxAuditLimit     = 1000
)

// AuditLog lists the entries f selects, newest first, each with the
// reference of the request it names while that request exists.
func (db *DB) AuditLog(ctx context.Context, f tropa.AuditFilter) ([]tropa.AuditLine, error) {
	var q sqlBuilder
	where := []string{`1 = 1`}
	if f.Actor != "" {
		where = append(where, `a.actor = `+q.arg(f.Actor))
	}
	if f.RequestID != "" {
		where = append(where, `a.request_id = `+q.arg(f.RequestID))
	}
	if f.Action != "" {
		where = append(where, `a.action = `+q.arg(f.Action))
	}
	if !f.From.IsZero() {
		where = append(where, `a.at >= `+q.arg(micros(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, `a.at < `+q.arg(micros(f.To)))
	}
	if f.Before > 0 {
		where = append(where, `a.seq < `+q.arg(f.Before))
	}
	limit := f.Limit
	switch {
	case limit <= 0:
		limit = defaultAuditLimit
	case limit > maxAuditLimit:
		limit = maxAuditLimit
	}
	rows, err := db.read.QueryContext(ctx, `SELECT a.seq, a.at, a.actor, a.action, a.request_id, a.detail, a.prev_hash,
		a.hash, COALESCE(r.ref, '') FROM audit_log a LEFT JOIN requests r ON r.id = a.request_id
		WHERE `+strings.Join(where, ` AND `)+` ORDER BY a.seq DESC LIMIT `+q.arg(limit), q.args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.AuditLine
	for rows.Next() {
		var l tropa.AuditLine
		var at int64
		if err := rows.Scan(&l.Seq, &at, &l.Actor, &l.Action, &l.RequestID, &l.Detail, &l.PrevHash, &l.Hash, &l.Ref); err != nil {
			return nil, mapErr(err)
		}
		l.At = fromMicros(at)
		list = append(list, l)
	}
	return list, mapErr(rows.Err())
}

// CaseOpenings tells, from the audit log, who opened a case, how often and
// when first and last, whoever opened it last first.
func (db *DB) CaseOpenings(ctx context.Context, requestID string) ([]tropa.Opening, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT actor, COUNT(*), MIN(at), MAX(at) FROM audit_log
		WHERE request_id = $1 AND action = $2 GROUP BY actor ORDER BY MAX(at) DESC, actor`,
		requestID, tropa.ActionRequestOpen)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.Opening
	for rows.Next() {
		var o tropa.Opening
		var first, last int64
		if err := rows.Scan(&o.Actor, &o.Count, &first, &last); err != nil {
			return nil, mapErr(err)
		}
		o.First, o.Last = fromMicros(first), fromMicros(last)
		list = append(list, o)
	}
	return list, mapErr(rows.Err())
}
