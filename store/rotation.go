package store

import (
	"context"
	"database/sql"
	"strings"

	"tropa"
)

// StartRotation stores a staff member's new key pair with the old private
// key beside it, ends their sessions but r.KeepSession, which is given both
// keys, and appends ev, in one transaction. It fails with ECONFLICT when the
// key pair is no longer r.OldPublicKey or an earlier rotation is unfinished.
func (db *DB) StartRotation(ctx context.Context, r *tropa.KeyRotation, ev tropa.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		err := mustAffect(tx.ExecContext(ctx, `UPDATE staff SET public_key = $1, kdf = $2, salt = $3,
			sealed_private = $4, sealed_private_old = $5, sealed_totp = $6, rotate_at_login = $7
			WHERE id = $8 AND public_key = $9 AND sealed_private_old IS NULL`,
			r.PublicKey, r.KDF, r.Salt, r.SealedPrivate, r.SealedPrivateOld, r.SealedTOTP, false,
			r.StaffID, r.OldPublicKey))
		if tropa.IsCode(err, tropa.ENOTFOUND) {
			return tropa.Errorf(tropa.ECONFLICT, "staff key pair changed or rotation unfinished")
		} else if err != nil {
			return err
		}
		if r.KeepSession != "" {
			if err := mustAffect(tx.ExecContext(ctx, `UPDATE sessions SET sealed_identity = $1, sealed_old_identity = $2
				WHERE id = $3 AND staff_id = $4`, r.SessionIdentity, r.SessionOldIdentity, r.KeepSession, r.StaffID)); err != nil {
				return err
			}
		}
		if _, err := deleteStaffSessions(ctx, tx, r.StaffID, r.KeepSession); err != nil {
			return err
		}
		return appendAudit(ctx, tx, ev)
	})
}

// HeldWraps lists at most limit case keys wrapped to holder, by request id,
// from the first after after. It reads off the key_wraps_holder index.
func (db *DB) HeldWraps(ctx context.Context, holder, after string, limit int) ([]tropa.KeyWrap, error) {
	return db.queryWraps(ctx, `SELECT `+wrapColumns+` FROM key_wraps
		WHERE holder = $1 AND request_id > $2 ORDER BY request_id LIMIT $3`, holder, after, limit)
}

// Rewrap replaces each wrap that still holds what was read, in one short
// transaction of one statement, and returns how many it replaced.
// Comparing the bytes makes a wrap replaced or removed meanwhile (a
// transfer, a new grant, a deletion) stay as that change left it.
func (db *DB) Rewrap(ctx context.Context, wraps []tropa.Rewrap) (int64, error) {
	if len(wraps) == 0 {
		return 0, nil
	}
	// PostgreSQL types a VALUES list by its values, and would take the
	// bytes for text.
	bytes := ""
	if db.postgres {
		bytes = "::bytea"
	}
	var q sqlBuilder
	rows := make([]string, len(wraps))
	for i, w := range wraps {
		rows[i] = "(" + q.arg(w.RequestID) + ", " + q.arg(w.Holder) + ", " + q.arg(w.Old) + bytes + ", " +
			q.arg(w.New) + bytes + ")"
	}
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = affected(tx.ExecContext(ctx, `WITH v (request_id, holder, old, new) AS (VALUES `+strings.Join(rows, ", ")+`)
			UPDATE key_wraps SET wrapped = v.new FROM v
			WHERE key_wraps.request_id = v.request_id AND key_wraps.holder = v.holder AND key_wraps.wrapped = v.old`,
			q.args...))
		return err
	})
	return n, err
}

// FinishRotation forgets the old private key of a staff member whose key
// pair is publicKey, in their row and every session of theirs, and appends
// ev, in one transaction; it returns ENOTFOUND when their key pair is
// another.
func (db *DB) FinishRotation(ctx context.Context, staffID, publicKey string, ev tropa.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := mustAffect(tx.ExecContext(ctx, `UPDATE staff SET sealed_private_old = NULL
			WHERE id = $1 AND public_key = $2`, staffID, publicKey)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET sealed_old_identity = NULL WHERE staff_id = $1`,
			staffID); err != nil {
			return mapErr(err)
		}
		return appendAudit(ctx, tx, ev)
	})
}
