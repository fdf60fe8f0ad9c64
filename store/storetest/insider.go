package storetest

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"tropa"
	"tropa/seal"
)

// The functions below play an insider who can write the database, through
// db, a handle of their own on it. They do what the schema allows anyone
// with that access to do, so that tests can show what is still caught.

// AuditEntries reads the audit log as stored.
func AuditEntries(tb testing.TB, db *sql.DB) []tropa.AuditEntry {
	tb.Helper()
	rows, err := db.Query(`SELECT seq, at, actor, action, request_id, detail, prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		tb.Fatalf("read audit_log: %v", err)
	}
	defer rows.Close()
	var list []tropa.AuditEntry
	for rows.Next() {
		var e tropa.AuditEntry
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.RequestID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			tb.Fatalf("read audit_log: %v", err)
		}
		e.At = unixMicro(at)
		list = append(list, e)
	}
	if err := rows.Err(); err != nil {
		tb.Fatalf("read audit_log: %v", err)
	}
	return list
}

// RewriteAudit changes the audit log with edit, which may change, drop or
// add entries, then numbers the entries again from 1, recomputes every hash
// and sets the head to the last: the chain is unkeyed, so this is all a
// rewrite takes. It returns the entries as rewritten.
func RewriteAudit(tb testing.TB, db *sql.DB, edit func([]tropa.AuditEntry) []tropa.AuditEntry) []tropa.AuditEntry {
	tb.Helper()
	entries := edit(AuditEntries(tb, db))
	prev := []byte{}
	for i := range entries {
		e := &entries[i]
		e.Seq, e.PrevHash = int64(i+1), prev
		e.Hash = tropa.ChainHash(prev, e.Seq, e.AuditEvent)
		prev = e.Hash
	}
	inTx(tb, db, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`DELETE FROM audit_log`); err != nil {
			return err
		}
		for _, e := range entries {
			if _, err := tx.Exec(`INSERT INTO audit_log (seq, at, actor, action, request_id, detail, prev_hash, hash)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.Seq, micros(e.At), e.Actor, e.Action, e.RequestID, e.Detail,
				e.PrevHash, e.Hash); err != nil {
				return err
			}
		}
		_, err := tx.Exec(`UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, int64(len(entries)), prev)
		return err
	})
	return entries
}

// SwapSigningKeys replaces staff members' signing keys with keys the
// insider holds (by staff id): in the key table, in the audit entries that
// registered them (the chain recomputed), and in every signature made with
// them, each signed again over the log as it now is. Only a list of keys
// kept off the server tells.
func SwapSigningKeys(tb testing.TB, db *sql.DB, keys map[string]*seal.SigningKey) {
	tb.Helper()
	swap := map[string]*seal.SigningKey{} // by the old fingerprint
	for staffID, key := range keys {
		var old string
		if err := db.QueryRow(`SELECT fingerprint FROM audit_signing_keys WHERE staff_id = $1`, staffID).Scan(&old); err != nil {
			tb.Fatalf("read signing key of %s: %v", staffID, err)
		}
		swap[old] = key
	}
	entries := RewriteAudit(tb, db, func(list []tropa.AuditEntry) []tropa.AuditEntry {
		for i := range list {
			if key, ok := swap[list[i].Detail]; ok && list[i].Action == tropa.ActionSigningKey {
				list[i].Detail = seal.Fingerprint(key.Public())
			}
		}
		return list
	})
	inTx(tb, db, func(tx *sql.Tx) error {
		for old, key := range swap {
			fp := seal.Fingerprint(key.Public())
			if _, err := tx.Exec(`UPDATE audit_signing_keys SET fingerprint = $1, public_key = $2 WHERE fingerprint = $3`,
				fp, key.Public(), old); err != nil {
				return err
			}
			seqs, err := signedBy(tx, old)
			if err != nil {
				return err
			}
			for _, seq := range seqs {
				sig := key.Sign(tropa.HeadMessage(seq, entries[seq-1].Hash))
				if _, err := tx.Exec(`UPDATE audit_signatures SET fingerprint = $1, signature = $2 WHERE fingerprint = $3 AND seq = $4`,
					fp, sig, old, seq); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// signedBy lists the entries a key signed.
func signedBy(tx *sql.Tx, fingerprint string) ([]int64, error) {
	rows, err := tx.Query(`SELECT seq FROM audit_signatures WHERE fingerprint = $1`, fingerprint)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var seqs []int64
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return nil, err
		}
		seqs = append(seqs, seq)
	}
	return seqs, rows.Err()
}

func inTx(tb testing.TB, db *sql.DB, fn func(tx *sql.Tx) error) {
	tb.Helper()
	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		tb.Fatalf("insider's rewrite: %v", err)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatalf("insider's rewrite: %v", err)
	}
}

// unixMicro reads a time as the store keeps it: 0 is none.
func unixMicro(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}
