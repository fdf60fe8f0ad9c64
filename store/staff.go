package store

import (
	"context"
	"database/sql"

	"tropa"
)

const staffColumns = `id, name, role, intake, active, public_key, kdf, salt, sealed_private,
	sealed_totp, totp_last_step, created_at, enrol_code_hash, enrol_code_expires_at, sealed_private_old, rotate_at_login`

// CreateStaff adds a staff member.
func (db *DB) CreateStaff(ctx context.Context, s *tropa.StaffRecord, ev tropa.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO staff (`+staffColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			s.ID, s.Name, string(s.Role), s.Intake, s.Active, s.PublicKey, s.KDF, s.Salt, s.SealedPrivate,
			s.SealedTOTP, s.TOTPLastStep, micros(s.CreatedAt), s.EnrolCode.Hash, enrolExpiry(s.EnrolCode), s.SealedPrivateOld, s.RotateAtLogin)
		if err != nil {
			return mapErr(err)
		}
		return appendAudit(ctx, tx, ev)
	})
}

// StaffByName returns a staff member by login name, or ENOTFOUND.
func (db *DB) StaffByName(ctx context.Context, name string) (*tropa.StaffRecord, error) {
	return scanStaff(db.read.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff WHERE name = $1`, name))
}

// StaffByID returns a staff member by id, or ENOTFOUND.
func (db *DB) StaffByID(ctx context.Context, id string) (*tropa.StaffRecord, error) {
	return scanStaff(db.read.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff WHERE id = $1`, id))
}

type scanner interface{ Scan(dest ...any) error }

func scanStaff(row scanner) (*tropa.StaffRecord, error) {
	var s tropa.StaffRecord
	var role string
	var created, expires int64
	err := row.Scan(&s.ID, &s.Name, &role, &s.Intake, &s.Active, &s.PublicKey, &s.KDF, &s.Salt,
		&s.SealedPrivate, &s.SealedTOTP, &s.TOTPLastStep, &created, &s.EnrolCode.Hash, &expires, &s.SealedPrivateOld, &s.RotateAtLogin)
	if err != nil {
		return nil, mapErr(err)
	}
	s.Role = tropa.Role(role)
	s.CreatedAt = fromMicros(created)
	if expires != 0 {
		s.EnrolCode.ExpiresAt = fromMicros(expires)
	}
	s.TOTPEnrolled = len(s.SealedTOTP) > 0
	return &s, nil
}

// ListStaff returns every staff member, by name.
func (db *DB) ListStaff(ctx context.Context) ([]tropa.Staff, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+staffColumns+` FROM staff ORDER BY name`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.Staff
	for rows.Next() {
		s, err := scanStaff(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, s.Staff)
	}
	return list, mapErr(rows.Err())
}

// IntakeRecipients returns the public keys every new request is wrapped to:
// those of the active intake staff who have a key pair.
func (db *DB) IntakeRecipients(ctx context.Context) ([]tropa.Recipient, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, public_key FROM staff
		WHERE intake AND active AND public_key <> '' ORDER BY id`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.Recipient
	for rows.Next() {
		var r tropa.Recipient
		if err := rows.Scan(&r.StaffID, &r.PublicKey); err != nil {
			return nil, mapErr(err)
		}
		list = append(list, r)
	}
	return list, mapErr(rows.Err())
}

// UseTOTPStep records a TOTP time step as used, refusing any step not later
// than the last, so that a code seen over a shoulder cannot be replayed.
func (db *DB) UseTOTPStep(ctx context.Context, staffID string, step int64) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE staff SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, staffID)
		if err := mustAffect(res, err); tropa.IsCode(err, tropa.ENOTFOUND) {
			return tropa.Errorf(tropa.ECONFLICT, "totp step already used")
		} else if err != nil {
			return err
		}
		return nil
	})
}

// DeactivateStaff makes a staff member inactive, takes them off intake,
// ends their sessions and deletes every case key wrapped to them, all in one
// transaction, and returns how many keys went. It returns ENOTFOUND for an
// unknown id.
func (db *DB) DeactivateStaff(ctx context.Context, id string, ev tropa.AuditEvent) (int64, error) {
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := mustAffect(tx.ExecContext(ctx, `UPDATE staff SET active = $1, intake = $1 WHERE id = $2`, false, id)); err != nil {
			return err
		}
		if _, err := deleteStaffSessions(ctx, tx, id, ""); err != nil {
			return err
		}
		// Each case they leave records it in its history, and a case they
		// owned is left without an owner, for a coordinator to reassign.
		if err := recordLeaving(ctx, tx, id, ev); err != nil {
			return err
		}
		// Nothing is re-granted to someone who left.
		if _, err := tx.ExecContext(ctx, `DELETE FROM regrants WHERE staff_id = $1`, id); err != nil {
			return mapErr(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET owner_id = '', version = version + 1, updated_at = $1
			WHERE owner_id = $2`, day(ev.At), id); err != nil {
			return mapErr(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET unowned = `+unownedValue+`
			WHERE id IN (SELECT request_id FROM key_wraps WHERE holder = $1)`, id); err != nil {
			return mapErr(err)
		}
		var err error
		if n, err = affected(tx.ExecContext(ctx, `DELETE FROM key_wraps WHERE holder = $1`, id)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM shelter_keys WHERE staff_id = $1`, id); err != nil {
			return mapErr(err)
		}
		return appendAudit(ctx, tx, ev)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// ResetTOTP forgets a staff member's TOTP secret, keeps a new enrolment
// code, ends their sessions and makes their next login replace their key
// pair, or returns ENOTFOUND.
func (db *DB) ResetTOTP(ctx context.Context, id string, code tropa.EnrolCode, ev tropa.AuditEvent) error {
	return db.requireRotation(ctx, `UPDATE staff SET sealed_totp = NULL, totp_last_step = 0, rotate_at_login = $1,
		enrol_code_hash = $3, enrol_code_expires_at = $4 WHERE id = $2`, id, ev, code.Hash, enrolExpiry(code))
}

// RequireRotation ends a staff member's sessions and makes their next login
// replace their key pair, or returns ENOTFOUND.
func (db *DB) RequireRotation(ctx context.Context, id string, ev tropa.AuditEvent) error {
	return db.requireRotation(ctx, `UPDATE staff SET rotate_at_login = $1 WHERE id = $2`, id, ev)
}

// requireRotation runs update, which sets rotate_at_login to $1 for the
// staff member $2 (and what more args name), ends their sessions and
// appends ev.
func (db *DB) requireRotation(ctx context.Context, update, id string, ev tropa.AuditEvent, args ...any) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := mustAffect(tx.ExecContext(ctx, update, append([]any{true, id}, args...)...)); err != nil {
			return err
		}
		if _, err := deleteStaffSessions(ctx, tx, id, ""); err != nil {
			return err
		}
		return appendAudit(ctx, tx, ev)
	})
}

// enrolExpiry is when code stops being valid, as stored: 0 for no code.
func enrolExpiry(code tropa.EnrolCode) int64 {
	if code.ExpiresAt.IsZero() {
		return 0
	}
	return micros(code.ExpiresAt)
}

// affected returns how many rows a statement changed.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n, mapErr(err)
}

// mustAffect turns an update that touched no row into ENOTFOUND.
func mustAffect(res sql.Result, err error) error {
	n, err := affected(res, err)
	if err != nil {
		return err
	}
	if n == 0 {
		return tropa.Errorf(tropa.ENOTFOUND, "no such row")
	}
	return nil
}
