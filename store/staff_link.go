package store

import (
	"context"
	"database/sql"
	"time"

	"tropa"
)

// SaveStaffLinkCode keeps c as its staff member's one link code, in place
// of any he had, and appends ev, in one transaction.
func (db *DB) SaveStaffLinkCode(ctx context.Context, c *tropa.StaffLinkCode, ev tropa.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO staff_link_codes (staff_id, code_hash, expires_at) VALUES ($1, $2, $3)
			ON CONFLICT (staff_id) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at`,
			c.StaffID, c.Hash, micros(c.ExpiresAt))
		if err != nil {
			return mapErr(err)
		}
		return appendAudit(ctx, tx, ev)
	})
}

// TakeStaffLinkCode deletes the link code whose hash is hash and returns
// whose it was; ENOTFOUND when there is none, or it expired by now (it is
// deleted all the same). Of two nodes taking one code, one alone gets it.
func (db *DB) TakeStaffLinkCode(ctx context.Context, hash []byte, now time.Time) (string, error) {
	var staffID string
	var expires int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT staff_id, expires_at FROM staff_link_codes WHERE code_hash = $1`,
			hash).Scan(&staffID, &expires)
		if err != nil {
			return mapErr(err)
		}
		return mustAffect(tx.ExecContext(ctx, `DELETE FROM staff_link_codes WHERE code_hash = $1`, hash))
	})
	if err != nil {
		return "", err
	}
	if expires <= micros(now) {
		return "", tropa.Errorf(tropa.ENOTFOUND, "link code expired")
	}
	return staffID, nil
}
