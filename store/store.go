// Package store keeps tropa's records in SQL: SQLite by default, with SQL
// written so that PostgreSQL can share it. It only ever sees sealed bytes
// and the plaintext metadata queues need.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"tropa"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DBFile is the SQLite database's name inside a data directory.
const DBFile = "tropa.db"

// DB implements tropa.Store.
type DB struct {
	// read serves queries; write has one connection, so that SQLite writers
	// queue in Go instead of spinning on the database lock.
	read  *sql.DB
	write *sql.DB
	// fewKeys tunes Queue; see holdsFewKeys.
	fewKeys int
	// postgres is set when the database is PostgreSQL, for the few places
	// where the dialects part: snapshots and reclaiming space.
	postgres bool
}

var _ tropa.Store = (*DB)(nil)

// OpenSQLite opens (creating if needed) the database in the data directory
// dir and brings its schema up to date.
func OpenSQLite(ctx context.Context, dir string) (*DB, error) {
	if err := privateDataDir(dir); err != nil {
		return nil, err
	}
	dsn := sqliteDSN(dir)
	read, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	write, err := sql.Open("sqlite", dsn)
	if err != nil {
		read.Close()
		return nil, fmt.Errorf("store: open: %w", err)
	}
	write.SetMaxOpenConns(1)
	db := &DB{read: read, write: write, fewKeys: defaultFewKeys}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.useIncrementalVacuum(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Open opens the database where names: a postgres:// URL, or else a data
// directory for SQLite.
func Open(ctx context.Context, where string) (*DB, error) {
	if IsPostgresURL(where) {
		return OpenPostgres(ctx, where)
	}
	return OpenSQLite(ctx, where)
}

// sqliteDSN is how every writer opens the database in the data directory
// dir. FULL sync: a request is acknowledged only once it survives a power
// cut. secure_delete: deleted rows are overwritten, not left in free pages.
// auto_vacuum INCREMENTAL, which takes effect when set before the first
// table: emptied pages can be given back (see Reclaim).
func sqliteDSN(dir string) string {
	return "file:" + filepath.Join(dir, DBFile) +
		"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		"&_pragma=busy_timeout(10000)&_pragma=secure_delete(1)&_pragma=auto_vacuum(2)&_txlock=immediate"
}

// provider is goose's view of the embedded migrations on db.
func (db *DB) provider(opts ...goose.ProviderOption) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	dialect := goose.DialectSQLite3
	if db.postgres {
		dialect = goose.DialectPostgres
	}
	opts = append(opts, goose.WithGoMigrations(timesMigration()))
	p, err := goose.NewProvider(dialect, db.write, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// migrate brings the schema up to date, and then clears what an upgrade
// coarsened out of the files.
func (db *DB) migrate(ctx context.Context, opts ...goose.ProviderOption) error {
	p, err := db.provider(opts...)
	if err != nil {
		return err
	}
	if err := db.up(ctx, p); err != nil {
		return err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("store: check schema: %w", err)
	}
	if pending {
		return errors.New("store: schema is not up to date after migrating")
	}
	return nil
}

// up applies p's pending migrations; when the one that coarsens times is
// among them, and the database held anything before, it then rewrites the
// files (see rewriteAfterUpgrade).
func (db *DB) up(ctx context.Context, p *goose.Provider) error {
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if len(results) == 0 || results[0].Source.Version == 1 {
		return nil
	}
	for _, r := range results {
		if r.Source.Version == timesVersion {
			if err := db.rewriteAfterUpgrade(ctx); err != nil {
				return fmt.Errorf("store: clear old times after upgrading: %w", err)
			}
		}
	}
	return nil
}

// Close closes the database.
func (db *DB) Close() error {
	if db.read == db.write {
		return db.read.Close()
	}
	return errors.Join(db.read.Close(), db.write.Close())
}

// inTx runs fn in a write transaction and commits it.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return mapErr(tx.Commit())
}

// mapErr turns driver errors into tropa errors where a caller can act on
// them, keeping the driver's error as the cause for the log.
func mapErr(err error) error {
	var se *sqlite.Error
	var pe *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return tropa.Wrap(tropa.ENOTFOUND, err, "no such row")
	case errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY):
		return tropa.Wrap(tropa.ECONFLICT, se, "unique constraint")
	case errors.As(err, &se) && cannotWrite(se.Code()):
		return &tropa.Error{Code: tropa.EUNAVAILABLE, MessageID: "ErrDiskFull", Message: "cannot write", Err: se}
	case errors.As(err, &pe) && pe.Code == pgUniqueViolation:
		return tropa.Wrap(tropa.ECONFLICT, pe, "unique constraint")
	case errors.As(err, &pe) && pe.Code == pgDiskFull:
		return &tropa.Error{Code: tropa.EUNAVAILABLE, MessageID: "ErrDiskFull", Message: "cannot write", Err: pe}
	default:
		return err
	}
}

// cannotWrite reports the SQLite result codes of a disk that takes no more.
// A full disk (ENOSPC) is SQLITE_FULL; a quota or a file size limit
// reached (EDQUOT, EFBIG) is a failed write, and growing the WAL's index a
// failed SHMSIZE; a disk that cannot flush fails fsync.
func cannotWrite(code int) bool {
	switch code {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR_WRITE, sqlite3.SQLITE_IOERR_FSYNC, sqlite3.SQLITE_IOERR_SHMSIZE:
		return true
	}
	return false
}

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}
