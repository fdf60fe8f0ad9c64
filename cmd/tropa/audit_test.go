package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tropa"
	"tropa/desk"
	"tropa/seal"
	"tropa/store"
	"tropa/store/storetest"
)

// signedDataDir sets up a data directory where olga, a caseworker, logged
// in, signing the audit log, and returns it with a handle on its database
// file for the insider.
func signedDataDir(t *testing.T) (string, *sql.DB) {
	t.Helper()
	dir := t.TempDir()
	mustRun(t, "", "init", "--data", dir)
	mustRun(t, "olga password 5d2a\n", "user", "add", "--data", dir, "--name", "olga", "--role", "caseworker",
		"--password-stdin")
	noURL := ""
	d, db, err := openDesk(t.Context(), database{dir: &dir, url: &noURL}, 1, desk.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Login(t.Context(), "olga", "olga password 5d2a", ""); err != nil {
		t.Fatalf("Login: %v", err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DBFile)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return dir, raw
}

// staffAddedAsCoordinator is an insider's rewrite: olga's account is made
// to look as if it had been added as a coordinator.
func staffAddedAsCoordinator(list []tropa.AuditEntry) []tropa.AuditEntry {
	for i := range list {
		if list[i].Action == tropa.ActionStaffAdd {
			list[i].Detail = string(tropa.RoleCoordinator)
		}
	}
	return list
}

// An insider who can write the database rewrites an entry and every hash
// after it, which the chain alone let through: tropa audit verify names
// olga's signature, made at her login, as broken.
func TestAuditVerifyCatchesRewrite(t *testing.T) {
	t.Parallel()
	dir, raw := signedDataDir(t)
	out := mustRun(t, "", "audit", "verify", "--data", dir)
	for _, want := range []string{"audit log intact: 3 entries", "1 signatures", "entries 1-3 vouched for by olga, key SHA256:"} {
		if !strings.Contains(out, want) {
			t.Errorf("tropa audit verify says\n%s\nwant %q in it", out, want)
		}
	}

	storetest.RewriteAudit(t, raw, staffAddedAsCoordinator)
	err := run(t.Context(), []string{"audit", "verify", "--data", dir}, noEnv, strings.NewReader(""), &strings.Builder{}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "audit log is NOT intact: the signature of audit entry 3 by olga") {
		t.Errorf("tropa audit verify after the rewrite: %v; want olga's signature of entry 3 named as broken", err)
	}
}

// An insider who also puts a signing key of their own in place of olga's
// and signs again passes the check made with the database alone; the
// signer list exported before, and kept off the server, catches it.
func TestAuditVerifySignersCatchesSwappedKey(t *testing.T) {
	t.Parallel()
	dir, raw := signedDataDir(t)
	list := filepath.Join(t.TempDir(), "signers.txt")
	if err := os.WriteFile(list, []byte(mustRun(t, "", "audit", "signers", "--data", dir)), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := mustRun(t, "", "audit", "verify", "--data", dir, "--signers", list); !strings.Contains(out, "signer list: its 1 keys") {
		t.Errorf("tropa audit verify --signers before any rewrite says\n%s", out)
	}

	var olga string
	if err := raw.QueryRow(`SELECT id FROM staff WHERE name = 'olga'`).Scan(&olga); err != nil {
		t.Fatal(err)
	}
	insider, err := seal.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	storetest.RewriteAudit(t, raw, staffAddedAsCoordinator)
	storetest.SwapSigningKeys(t, raw, map[string]*seal.SigningKey{olga: insider.SigningKey()})
	mustRun(t, "", "audit", "verify", "--data", dir)

	err = run(t.Context(), []string{"audit", "verify", "--data", dir, "--signers", list}, noEnv, strings.NewReader(""),
		&strings.Builder{}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "of olga, on the signer list, is not in the database") {
		t.Errorf("tropa audit verify --signers after the swap: %v; want olga's listed key missing", err)
	}
}
