// Package storetest gives tests a fresh database of each kind tropa runs
// on: SQLite always, and PostgreSQL when TROPA_TEST_POSTGRES names a
// database the tests may create schemas in.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"

	"tropa/seal"
	"tropa/store"
)

// EnvPostgres names the variable holding the test PostgreSQL database's URL.
const EnvPostgres = "TROPA_TEST_POSTGRES"

// Backend is one kind of database.
type Backend struct {
	Name string
	// New returns where a fresh, empty database is: a data directory or a
	// postgres:// URL, for store.Open. It is removed when tb ends.
	New func(tb testing.TB) string
}

// SQLite makes a database in a temporary data directory.
var SQLite = Backend{Name: "sqlite", New: func(tb testing.TB) string { return tb.TempDir() }}

// Postgres makes a database as a schema of its own in the test PostgreSQL
// database, and skips tb when there is none.
var Postgres = Backend{Name: "postgres", New: PostgresURL}

// Each runs fn as a subtest on every backend; the PostgreSQL one skips,
// saying why, when TROPA_TEST_POSTGRES is not set.
func Each(t *testing.T, fn func(t *testing.T, b Backend)) {
	t.Helper()
	for _, b := range []Backend{SQLite, Postgres} {
		t.Run(b.Name, func(t *testing.T) { fn(t, b) })
	}
}

// Open opens the database at where and closes it when tb ends.
func Open(tb testing.TB, where string) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), where)
	if err != nil {
		tb.Fatalf("store.Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

var admin struct {
	once sync.Once
	db   *sql.DB
	url  *url.URL
	err  error
}

// PostgresURL creates an empty schema in the test PostgreSQL database and
// returns a URL whose connections work in it; the schema is dropped when tb
// ends. It skips tb when TROPA_TEST_POSTGRES is not set.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	raw := os.Getenv(EnvPostgres)
	if raw == "" {
		tb.Skip(EnvPostgres + " is not set, so this PostgreSQL run is skipped; .ci/run sets it")
	}
	admin.once.Do(func() {
		admin.url, admin.err = url.Parse(raw)
		if admin.err == nil {
			admin.db, admin.err = sql.Open("pgx", raw)
		}
	})
	if admin.err != nil {
		tb.Fatalf("%s: %v", EnvPostgres, admin.err)
	}
	schema := fmt.Sprintf("test_%x", seal.RandomBytes(8))
	ctx := context.Background()
	if _, err := admin.db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema in %s: %v", EnvPostgres, err)
	}
	tb.Cleanup(func() {
		if _, err := admin.db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u := *admin.url
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
