package desk_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"tropa"
	"tropa/desk"
	"tropa/seal"
	"tropa/store/storetest"
)

// Every login signs the audit log's head with the staff member's own key;
// the first login registers that key in the log, naming its fingerprint.
func TestLoginSignsAuditHead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	ivan := f.caseworker(t, "ivan")
	if _, err := f.desk.Login(ctx, "ivan", password("ivan"), f.code(t, "ivan")); err != nil {
		t.Fatalf("second Login: %v", err)
	}

	keys, err := f.store.SigningKeys(ctx)
	if err != nil || len(keys) != 1 || keys[0].StaffID != ivan.Staff.ID {
		t.Fatalf("SigningKeys = %+v, %v; want ivan's one key", keys, err)
	}
	var registrations []tropa.AuditEntry
	for _, e := range storetest.AuditEntries(t, f.rawDB(t)) {
		if e.Action == tropa.ActionSigningKey {
			registrations = append(registrations, e)
		}
	}
	if len(registrations) != 1 || registrations[0].Actor != ivan.Staff.ID || registrations[0].Detail != keys[0].Fingerprint {
		t.Errorf("registrations in the log = %+v; want one by ivan naming %s", registrations, keys[0].Fingerprint)
	}
	seq, hash, err := f.store.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := f.store.AuditSignatures(ctx)
	if err != nil || len(sigs) != 2 {
		t.Fatalf("AuditSignatures = %+v, %v; want one for each login", sigs, err)
	}
	last := sigs[len(sigs)-1]
	if last.Seq != seq || !seal.VerifySignature(keys[0].PublicKey, tropa.HeadMessage(seq, hash), last.Signature) {
		t.Errorf("the second login's signature is of entry %d, or does not verify; want the head, %d, after the login", last.Seq, seq)
	}

	rep, err := desk.VerifyAudit(ctx, f.store)
	if err != nil || rep.Vouched != seq || len(rep.Signers) != 1 || rep.Signers[0].Name != "ivan" {
		t.Errorf("VerifyAudit = vouched to %d by %+v, %v; want every entry, by ivan", rep.Vouched, rep.Signers, err)
	}
}

// An insider with write access to the database changes what ivan was
// seen doing and recomputes the chain, as the hash chain alone allowed
// without a trace: ivan's signature at his next login no longer matches.
func TestInsiderRewriteBreaksLoginSignature(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(list []tropa.AuditEntry, requestID string) []tropa.AuditEntry
	}{
		{"the open's request changed", func(list []tropa.AuditEntry, requestID string) []tropa.AuditEntry {
			for i := range list {
				if list[i].Action == tropa.ActionRequestOpen {
					list[i].RequestID = "somebody else's"
				}
			}
			return list
		}},
		{"the open deleted", func(list []tropa.AuditEntry, requestID string) []tropa.AuditEntry {
			var kept []tropa.AuditEntry
			for _, e := range list {
				if e.Action != tropa.ActionRequestOpen {
					kept = append(kept, e)
				}
			}
			return kept
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			f, _, requestID := auditedCasework(t)
			if _, err := f.desk.Login(ctx, "ivan", password("ivan"), f.code(t, "ivan")); err != nil {
				t.Fatalf("Login: %v", err)
			}
			seq, _, err := f.store.AuditHead(ctx)
			if err != nil {
				t.Fatal(err)
			}
			storetest.RewriteAudit(t, f.rawDB(t), func(list []tropa.AuditEntry) []tropa.AuditEntry {
				return tt.edit(list, requestID)
			})
			_, err = desk.VerifyAudit(ctx, f.store)
			if err == nil || !strings.Contains(err.Error(), "signature of audit entry") || !strings.Contains(err.Error(), "by ivan") {
				t.Errorf("VerifyAudit after the rewrite: %v; want ivan's signature of entry %d broken", err, seq)
			}
		})
	}
}

// A login after a new key pair registers the new signing key: a staff
// member's history of keys is in the log, and each vouches for what it
// signed.
func TestNewIdentityRegistersNewSigningKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.addStaff(t, "ivan", tropa.RoleCaseworker, true)
	for range 2 {
		if _, err := f.desk.Login(ctx, "ivan", password("ivan"), ""); err != nil {
			t.Fatalf("Login: %v", err)
		}
		replaceIdentity(t, f, "ivan")
	}
	keys, err := f.store.SigningKeys(ctx)
	if err != nil || len(keys) != 2 || keys[0].StaffID != keys[1].StaffID || bytes.Equal(keys[0].PublicKey, keys[1].PublicKey) {
		t.Fatalf("SigningKeys after a new key pair = %+v, %v; want ivan's old key and his new one", keys, err)
	}
	rep, err := desk.VerifyAudit(ctx, f.store)
	if err != nil || len(rep.Signers) != 2 || rep.Signers[0].Last.Seq >= rep.Signers[1].Last.Seq {
		t.Errorf("VerifyAudit = %+v, %v; want both of ivan's keys, the new one vouching for more", rep.Signers, err)
	}
}

// replaceIdentity gives a staff member a new key pair under the same
// password, as a key rotation does.
func replaceIdentity(t *testing.T, f *fixture, name string) {
	t.Helper()
	var id, kdf string
	var salt []byte
	if err := f.rawDB(t).QueryRow(`SELECT id, kdf, salt FROM staff WHERE name = $1`, name).Scan(&id, &kdf, &salt); err != nil {
		t.Fatal(err)
	}
	params, err := seal.ParseParams(kdf)
	if err != nil {
		t.Fatal(err)
	}
	kek, err := seal.NewKDF(1).PasswordKey(context.Background(), password(name), salt, params)
	if err != nil {
		t.Fatal(err)
	}
	identity, err := seal.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	f.exec(t, `UPDATE staff SET public_key = $1, sealed_private = $2 WHERE id = $3`, identity.Recipient(),
		seal.SealIdentity(kek, identity, seal.AAD{Table: "staff", Row: id, Field: "private_key"}), id)
}
