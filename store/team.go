package store

import (
	"context"
	"database/sql"

	"tropa"
)

// SetFirstKeys gives a staff member without keys their key pair, if they
// are active and k.CodeHash is their enrolment code, still valid at ev.At;
// otherwise it changes nothing and returns ECONFLICT. The code stays, for
// the TOTP enrolment that follows.
func (db *DB) SetFirstKeys(ctx context.Context, k *tropa.FirstKeys, ev tropa.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE staff SET public_key = $1, kdf = $2, salt = $3, sealed_private = $4,
			sealed_private_old = NULL, sealed_totp = NULL, totp_last_step = 0, rotate_at_login = $5
			WHERE id = $6 AND active AND public_key = '' AND enrol_code_hash = $7 AND enrol_code_expires_at > $8`,
			k.PublicKey, k.KDF, k.Salt, k.SealedPrivate, false, k.StaffID, k.CodeHash, micros(ev.At))
		if err := mustAffect(res, err); tropa.IsCode(err, tropa.ENOTFOUND) {
			return tropa.Errorf(tropa.ECONFLICT, "no staff member without keys has this enrolment code")
		} else if err != nil {
			return err
		}
		return appendAudit(ctx, tx, ev)
	})
}

// ResetKeys destroys a staff member's key pair in one transaction: the
// cases they hold are listed to re-grant and their histories record the
// loss, then their case keys, sessions, private keys and TOTP secret are
// deleted and code becomes their enrolment code. It returns how many cases
// are listed, or ENOTFOUND.
func (db *DB) ResetKeys(ctx context.Context, id string, code tropa.EnrolCode, ev tropa.AuditEvent) (int64, error) {
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := mustAffect(tx.ExecContext(ctx, `UPDATE staff SET public_key = '', kdf = '', salt = $1, sealed_private = $1,
			sealed_private_old = NULL, sealed_totp = NULL, totp_last_step = 0, rotate_at_login = $2,
			enrol_code_hash = $3, enrol_code_expires_at = $4 WHERE id = $5`,
			[]byte{}, false, code.Hash, enrolExpiry(code), id)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO regrants (staff_id, request_id, reason)
			SELECT holder, request_id, reason FROM key_wraps WHERE holder = $1
			ON CONFLICT (staff_id, request_id) DO NOTHING`, id); err != nil {
			return mapErr(err)
		}
		if err := recordLeaving(ctx, tx, id, ev); err != nil {
			return err
		}
		// A case only they held is left to no one until it is re-granted.
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET unowned = `+unownedValue+`
			WHERE id IN (SELECT request_id FROM key_wraps WHERE holder = $1)`, id); err != nil {
			return mapErr(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM key_wraps WHERE holder = $1`, id); err != nil {
			return mapErr(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM shelter_keys WHERE staff_id = $1`, id); err != nil {
			return mapErr(err)
		}
		if _, err := deleteStaffSessions(ctx, tx, id, ""); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM regrants WHERE staff_id = $1`, id).Scan(&n); err != nil {
			return mapErr(err)
		}
		return appendAudit(ctx, tx, ev)
	})
	return n, err
}

// recordLeaving adds to the history of every case whose key is wrapped to
// the staff member id that they no longer hold it.
func recordLeaving(ctx context.Context, tx *sql.Tx, id string, ev tropa.AuditEvent) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO case_events (id, request_id, at, actor, action, from_value, to_value, seq)
		SELECT $1 || request_id, request_id, $2, $3, $4, holder, '',
			(SELECT COALESCE(MAX(e.seq), 0) + 1 FROM case_events e WHERE e.request_id = key_wraps.request_id)
		FROM key_wraps WHERE holder = $5`,
		tropa.NewID()+"-", day(ev.At), ev.Actor, string(tropa.CaseRemove), id)
	return mapErr(err)
}

// Regrants lists the cases listed for re-granting to a staff member that
// are not wrapped to them yet, by reference.
func (db *DB) Regrants(ctx context.Context, staffID string) ([]tropa.Regrant, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+requestColumns+`, g.staff_id, g.reason
		FROM regrants g JOIN requests r ON r.id = g.request_id
		WHERE g.staff_id = $1 AND NOT EXISTS
			(SELECT 1 FROM key_wraps w WHERE w.request_id = g.request_id AND w.holder = g.staff_id)
		ORDER BY r.ref`, staffID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.Regrant
	for rows.Next() {
		var g tropa.Regrant
		if err := scanRequest(rows, &g.Request, &g.StaffID, &g.Reason); err != nil {
			return nil, err
		}
		list = append(list, g)
	}
	return list, mapErr(rows.Err())
}

// RegrantCounts counts, by staff member, the cases still to re-grant them.
func (db *DB) RegrantCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT g.staff_id, COUNT(*) FROM regrants g
		WHERE NOT EXISTS (SELECT 1 FROM key_wraps w WHERE w.request_id = g.request_id AND w.holder = g.staff_id)
		GROUP BY g.staff_id`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, mapErr(err)
		}
		counts[id] = n
	}
	return counts, mapErr(rows.Err())
}
