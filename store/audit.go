package store

import (
	"context"
	"database/sql"

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
