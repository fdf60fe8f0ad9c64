package desk_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tropa/seal"
	"tropa/store"
)

// What the adversary of the key rotation tests does with a database: he
// copies it while it serves, opens a staff member's private key from the
// copy with a password he phished, and tries that key on every case key and
// TOTP secret.

// raw opens the fixture's database as someone holding it would, without
// the store.
func (f *fixture) raw(t testing.TB) *sql.DB {
	t.Helper()
	if f.dir != "" {
		return f.rawDB(t)
	}
	db, err := sql.Open("pgx", f.where)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// copyDB takes a copy of the database while it serves: the SQLite files as
// they are on disk, or PostgreSQL's tables as a dump holds them, and opens
// the copy.
func (f *fixture) copyDB(t *testing.T) *sql.DB {
	t.Helper()
	if f.dir != "" {
		dir := t.TempDir()
		files, err := filepath.Glob(filepath.Join(f.dir, store.DBFile+"*"))
		if err != nil || len(files) == 0 {
			t.Fatalf("database files: %v, %v", files, err)
		}
		for _, file := range files {
			copyFile(t, file, filepath.Join(dir, filepath.Base(file)))
		}
		db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DBFile))
		if err != nil {
			t.Fatalf("open copy: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	schema := fmt.Sprintf("copy_%x", seal.RandomBytes(8))
	live := f.raw(t)
	for _, q := range []string{"CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".staff AS SELECT * FROM staff",
		"CREATE TABLE " + schema + ".key_wraps AS SELECT * FROM key_wraps"} {
		if _, err := live.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() { live.Exec("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(f.where)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatalf("open copy: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// stealKey opens a staff member's private key from a copy of the database
// with their password, as the code that seals it would.
func stealKey(t *testing.T, db *sql.DB, staffID, password string) *seal.Identity {
	t.Helper()
	var kdf string
	var salt, sealed []byte
	if err := db.QueryRow(`SELECT kdf, salt, sealed_private FROM staff WHERE id = $1`, staffID).Scan(&kdf, &salt, &sealed); err != nil {
		t.Fatalf("read the staff row: %v", err)
	}
	params, err := seal.ParseParams(kdf)
	if err != nil {
		t.Fatal(err)
	}
	kek, err := seal.NewKDF(1).PasswordKey(context.Background(), password, salt, params)
	if err != nil {
		t.Fatal(err)
	}
	id, err := seal.OpenIdentity(kek, sealed, seal.AAD{Table: "staff", Row: staffID, Field: "private_key"})
	if err != nil {
		t.Fatalf("the password does not open the copy's private key: %v", err)
	}
	return id
}

// opened counts the case keys and the TOTP secrets in db that key opens.
func opened(t *testing.T, db *sql.DB, key *seal.Identity) (wraps, totp int) {
	t.Helper()
	for _, q := range []string{`SELECT wrapped FROM key_wraps`, `SELECT sealed_totp FROM staff WHERE sealed_totp IS NOT NULL`} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				t.Fatal(err)
			}
			if _, err := key.Decrypt(b); err == nil && strings.Contains(q, "key_wraps") {
				wraps++
			} else if err == nil {
				totp++
			}
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return wraps, totp
}

// publicKey reads a staff member's public key from db.
func publicKey(t *testing.T, db *sql.DB, staffID string) string {
	t.Helper()
	var pk string
	if err := db.QueryRow(`SELECT public_key FROM staff WHERE id = $1`, staffID).Scan(&pk); err != nil {
		t.Fatal(err)
	}
	return pk
}
