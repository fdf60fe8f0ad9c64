package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// PostgreSQL error codes that mapErr turns into tropa errors.
const (
	pgUniqueViolation = "23505"
	pgDiskFull        = "53100"
)

// IsPostgresURL reports whether s names a PostgreSQL database rather than a
// data directory.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// OpenPostgres connects to the PostgreSQL database at url (a postgres://
// URL, as libpq reads it) and brings its schema up to date. Several nodes
// may open one database at once: the migrations take an advisory lock, so
// only one of them migrates.
func OpenPostgres(ctx context.Context, url string) (*DB, error) {
	pool, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connect to PostgreSQL: %w", err)
	}
	// PostgreSQL takes concurrent writers itself, so reads and writes share
	// one pool; a connection is held for a whole request at most.
	pool.SetMaxOpenConns(maxPostgresConns)
	db := &DB{read: pool, write: pool, fewKeys: defaultFewKeys, postgres: true}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: migration lock: %w", err)
	}
	if err := db.migrate(ctx, goose.WithSessionLocker(locker)); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// maxPostgresConns bounds one node's connections, so that several nodes
// stay within PostgreSQL's default max_connections of 100.
const maxPostgresConns = 20
