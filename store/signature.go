package store

import (
	"context"
	"database/sql"

	"tropa"
)

// AddSigningKey stores a new signing key and the audit entry that
// registers it, together.
func (db *DB) AddSigningKey(ctx context.Context, k *tropa.SigningKey, ev tropa.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_signing_keys (fingerprint, staff_id, public_key, created_at)
			VALUES ($1, $2, $3, $4)`, k.Fingerprint, k.StaffID, k.PublicKey, micros(k.CreatedAt)); err != nil {
			return mapErr(err)
		}
		return appendAudit(ctx, tx, ev)
	})
}

const signingKeyColumns = `fingerprint, staff_id, public_key, created_at`

func scanSigningKey(row interface{ Scan(...any) error }) (tropa.SigningKey, error) {
	var k tropa.SigningKey
	var at int64
	if err := row.Scan(&k.Fingerprint, &k.StaffID, &k.PublicKey, &at); err != nil {
		return k, mapErr(err)
	}
	k.CreatedAt = fromMicros(at)
	return k, nil
}

// SigningKey returns the signing key a fingerprint names.
func (db *DB) SigningKey(ctx context.Context, fingerprint string) (*tropa.SigningKey, error) {
	k, err := scanSigningKey(db.read.QueryRowContext(ctx, `SELECT `+signingKeyColumns+`
		FROM audit_signing_keys WHERE fingerprint = $1`, fingerprint))
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// SigningKeys lists every signing key, oldest first.
func (db *DB) SigningKeys(ctx context.Context) ([]tropa.SigningKey, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+signingKeyColumns+`
		FROM audit_signing_keys ORDER BY created_at, fingerprint`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.SigningKey
	for rows.Next() {
		k, err := scanSigningKey(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, k)
	}
	return list, mapErr(rows.Err())
}

// AddAuditSignature stores a signature. Two logins of one person may sign
// the same head; Ed25519 signs alike both times, so the second adds nothing.
func (db *DB) AddAuditSignature(ctx context.Context, s *tropa.AuditSignature) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO audit_signatures (seq, fingerprint, at, signature)
		VALUES ($1, $2, $3, $4) ON CONFLICT (seq, fingerprint) DO NOTHING`,
		s.Seq, s.Fingerprint, micros(s.At), s.Signature)
	return mapErr(err)
}

// AuditSignatures lists every signature by the entry it signs.
func (db *DB) AuditSignatures(ctx context.Context) ([]tropa.AuditSignature, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT seq, fingerprint, at, signature
		FROM audit_signatures ORDER BY seq, fingerprint`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.AuditSignature
	for rows.Next() {
		var s tropa.AuditSignature
		var at int64
		if err := rows.Scan(&s.Seq, &s.Fingerprint, &at, &s.Signature); err != nil {
			return nil, mapErr(err)
		}
		s.At = fromMicros(at)
		list = append(list, s)
	}
	return list, mapErr(rows.Err())
}
