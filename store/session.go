package store

import (
	"context"
	"database/sql"
	"time"

	"tropa"
)

// CreateSession stores a new session.
func (db *DB) CreateSession(ctx context.Context, s *tropa.SessionRecord) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions
			(id, staff_id, stage, sealed_identity, sealed_pending_totp, created_at, last_seen_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			s.ID, s.StaffID, string(s.Stage), s.SealedIdentity, s.SealedPendingTOTP, micros(s.CreatedAt), micros(s.LastSeenAt))
		return mapErr(err)
	})
}

// SessionByID returns a session, or ENOTFOUND.
func (db *DB) SessionByID(ctx context.Context, id string) (*tropa.SessionRecord, error) {
	var s tropa.SessionRecord
	var stage string
	var created, seen int64
	err := db.read.QueryRowContext(ctx, `SELECT id, staff_id, stage, sealed_identity, sealed_pending_totp,
		created_at, last_seen_at FROM sessions WHERE id = $1`, id).
		Scan(&s.ID, &s.StaffID, &stage, &s.SealedIdentity, &s.SealedPendingTOTP, &created, &seen)
	if err != nil {
		return nil, mapErr(err)
	}
	s.Stage = tropa.SessionStage(stage)
	s.CreatedAt = fromMicros(created)
	s.LastSeenAt = fromMicros(seen)
	return &s, nil
}

// CompleteEnrollment stores the staff member's first TOTP secret and lets
// the session do everything, in one transaction. It refuses if the staff
// member is enrolled already, and ends their other sessions still waiting to
// enrol: those were opened with the password alone, and must not replace the
// second factor the owner has just set up.
func (db *DB) CompleteEnrollment(ctx context.Context, id string, sealedTOTP []byte, ev tropa.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE staff SET sealed_totp = $1, totp_last_step = 0
			WHERE id = $2 AND sealed_totp IS NULL`, sealedTOTP, ev.Actor)
		if err := mustAffect(res, err); tropa.IsCode(err, tropa.ENOTFOUND) {
			return tropa.Errorf(tropa.ECONFLICT, "TOTP already enrolled")
		} else if err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx, `UPDATE sessions SET stage = $1, sealed_pending_totp = NULL
			WHERE id = $2 AND staff_id = $3 AND stage = $4`, string(tropa.SessionFull), id, ev.Actor, string(tropa.SessionEnroll))
		if err := mustAffect(res, err); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE staff_id = $1 AND stage = $2`,
			ev.Actor, string(tropa.SessionEnroll)); err != nil {
			return mapErr(err)
		}
		return appendAudit(ctx, tx, ev)
	})
}

// TouchSession records that a session was used.
func (db *DB) TouchSession(ctx context.Context, id string, at time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, micros(at), id)
		return mapErr(err)
	})
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, id)
		return mapErr(err)
	})
}

// DeleteSessionsBefore ends every session idle since before lastSeen.
func (db *DB) DeleteSessionsBefore(ctx context.Context, lastSeen time.Time) (int64, error) {
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE last_seen_at < $1`, micros(lastSeen))
		if err != nil {
			return mapErr(err)
		}
		n, err = res.RowsAffected()
		return mapErr(err)
	})
	return n, err
}
