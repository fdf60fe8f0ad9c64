package main

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"tropa/store"
)

// checkDatabase opens the database a server left behind, as the next start
// would (replaying its WAL), and checks that SQLite finds it intact, that
// no foreign key dangles, and that no request is half written: each has its
// first message, its receipt, and its key wrapped to the recovery key and
// to staff. It returns how many requests there are.
func checkDatabase(t *testing.T, dir string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DBFile)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	if got := column(t, db, `PRAGMA integrity_check`); len(got) != 1 || got[0] != "ok" {
		t.Errorf("integrity_check: %s", strings.Join(got, "\n"))
	}
	if got := column(t, db, `SELECT "table" || ' row ' || rowid || ' -> ' || parent FROM pragma_foreign_key_check`); len(got) > 0 {
		t.Errorf("dangling foreign keys:\n%s", strings.Join(got, "\n"))
	}
	half := column(t, db, `SELECT r.id FROM requests r
		WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.request_id = r.id AND m.author = 'applicant')
		   OR (SELECT COUNT(*) FROM receipts c WHERE c.request_id = r.id) <> 1
		   OR NOT EXISTS (SELECT 1 FROM key_wraps k WHERE k.request_id = r.id AND k.holder = 'recovery')
		   OR NOT EXISTS (SELECT 1 FROM key_wraps k WHERE k.request_id = r.id AND k.holder <> 'recovery')`)
	if len(half) > 0 {
		t.Errorf("%d requests lack their message, receipt or keys", len(half))
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM requests`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// column returns the first column of every row query returns.
func column(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
