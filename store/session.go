package store

import (
	"context"
	"database/sql"
	"time"

	"tropa"
)

// CreateSession stores a new session and appends ev in one transaction.
func (db *DB) CreateSession(ctx context.Context, s *tropa.SessionRecord, ev tropa.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions
			(id, staff_id, stage, sealed_identity, sealed_pending_totp, created_at, last_seen_at, sealed_old_identity,
			sealed_enrol_code)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			s.ID, s.StaffID, string(s.Stage), s.SealedIdentity, s.SealedPendingTOTP, micros(s.CreatedAt),
			micros(s.LastSeenAt), s.SealedOldIdentity, s.SealedEnrolCode); err != nil {
			return mapErr(err)
		}
		return appendAudit(ctx, tx, ev)
	})
}

const sessionColumns = `id, staff_id, stage, sealed_identity, sealed_pending_totp, created_at, last_seen_at,
	sealed_old_identity, sealed_enrol_code`

// SessionByID returns a session, or ENOTFOUND.
func (db *DB) SessionByID(ctx context.Context, id string) (*tropa.SessionRecord, error) {
	var s tropa.SessionRecord
	if err := scanSession(db.read.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = $1`, id), &s); err != nil {
		return nil, err
	}
	return &s, nil
}

func scanSession(row scanner, s *tropa.SessionRecord) error {
	var stage string
	var created, seen int64
	if err := row.Scan(&s.ID, &s.StaffID, &stage, &s.SealedIdentity, &s.SealedPendingTOTP, &created, &seen,
		&s.SealedOldIdentity, &s.SealedEnrolCode); err != nil {
		return mapErr(err)
	}
	s.Stage = tropa.SessionStage(stage)
	s.CreatedAt = fromMicros(created)
	s.LastSeenAt = fromMicros(seen)
	return nil
}

// StaffSessions lists a staff member's sessions, newest first.
func (db *DB) StaffSessions(ctx context.Context, staffID string) ([]tropa.SessionRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+sessionColumns+` FROM sessions
		WHERE staff_id = $1 ORDER BY created_at DESC, id`, staffID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.SessionRecord
	for rows.Next() {
		var s tropa.SessionRecord
		if err := scanSession(rows, &s); err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	return list, mapErr(rows.Err())
}

// DeleteStaffSessions ends every session of a staff member but except, and
// returns how many ended.
func (db *DB) DeleteStaffSessions(ctx context.Context, staffID, except string) (int64, error) {
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = deleteStaffSessions(ctx, tx, staffID, except)
		return err
	})
	return n, err
}

// deleteStaffSessions ends every session of a staff member but except,
// which may be "".
func deleteStaffSessions(ctx context.Context, tx *sql.Tx, staffID, except string) (int64, error) {
	return affected(tx.ExecContext(ctx, `DELETE FROM sessions WHERE staff_id = $1 AND id <> $2`, staffID, except))
}

// CompleteEnrollment stores the staff member's first TOTP secret and lets
// the session do everything, in one transaction. It refuses if the staff
// member is enrolled already, or the enrolment code is not theirs or has
// expired, and clears the code, so that it works once. It ends their other
// sessions still waiting to enrol: those were opened with the password
// alone, and must not replace the second factor the owner has just set up.
func (db *DB) CompleteEnrollment(ctx context.Context, e *tropa.Enrollment, ev tropa.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE staff SET sealed_totp = $1, totp_last_step = 0,
			enrol_code_hash = NULL, enrol_code_expires_at = 0
			WHERE id = $2 AND sealed_totp IS NULL AND enrol_code_hash = $3 AND enrol_code_expires_at > $4`,
			e.SealedTOTP, ev.Actor, e.CodeHash, micros(ev.At))
		if err := mustAffect(res, err); tropa.IsCode(err, tropa.ENOTFOUND) {
			return tropa.Errorf(tropa.ECONFLICT, "TOTP already enrolled, or no such enrolment code")
		} else if err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx, `UPDATE sessions SET stage = $1, sealed_pending_totp = NULL, sealed_enrol_code = NULL
			WHERE id = $2 AND staff_id = $3 AND stage = $4`, string(tropa.SessionFull), e.SessionID, ev.Actor, string(tropa.SessionEnroll))
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
		var err error
		n, err = affected(tx.ExecContext(ctx, `DELETE FROM sessions WHERE last_seen_at < $1`, micros(lastSeen)))
		return err
	})
	return n, err
}
