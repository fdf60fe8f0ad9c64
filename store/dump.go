package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// A dump is a whole database as a stream: its schema version, then each
// table's name and columns followed by its rows. Every value is one of
// int64, string, []byte, bool or nil, whatever the database stored it as,
// so that a dump of SQLite loads into PostgreSQL and the other way round.
// Tables come in the order of their foreign keys, so that loading them in
// that order never refers to a row not yet there.

// DumpWriter receives a dump.
type DumpWriter interface {
	// Schema is called first, with the schema version of what follows.
	Schema(version int64) error
	Table(name string, columns []string) error
	// Row is called with the values of one row of the last table, in the
	// order of its columns. values is not used after Row returns.
	Row(values []any) error
}

// DumpReader gives a dump back in the order a DumpWriter received it.
type DumpReader interface {
	Schema() int64
	// NextTable returns the next table, or io.EOF after the last one.
	NextTable() (name string, columns []string, err error)
	// NextRow returns the current table's next row, or io.EOF after its
	// last one.
	NextRow() ([]any, error)
}

// versionTable is goose's table of applied migrations.
const versionTable = "goose_db_version"

// notDumped are the tables a dump leaves out. A session's key is only in
// its user's cookie, so a restored session could open nothing: everyone logs
// in again. The migrations table is recorded as the schema version. Leases
// and the Telegram updates seen belong to the nodes running now: a restored
// database starts without them.
var notDumped = map[string]bool{"sessions": true, versionTable: true, "leases": true, "telegram_updates": true}

// ErrNotEmpty is Load's refusal to write into a database that holds anything.
var ErrNotEmpty = errors.New("store: the database is not empty")

// OpenReadOnly opens an existing database for Dump without migrating it, so
// that a backup made by a newer tropa never changes the schema under a
// running server of an older one. Its connections refuse to write.
func OpenReadOnly(ctx context.Context, where string) (*DB, error) {
	if IsPostgresURL(where) {
		cfg, err := pgx.ParseConfig(where)
		if err != nil {
			return nil, fmt.Errorf("store: open: %w", err)
		}
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
		return connectPostgres(ctx, stdlib.OpenDB(*cfg))
	}
	path := filepath.Join(where, DBFile)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("store: no database in %s: %w", where, err)
	}
	return openSQLiteFile("file:" + path + "?mode=rw&_pragma=query_only(1)&_pragma=busy_timeout(10000)")
}

// OpenForLoad opens the database at where for Load, creating a SQLite
// database in the data directory if there is none. It does not migrate:
// Load builds the schema at the version of the dump it loads.
func OpenForLoad(ctx context.Context, where string) (*DB, error) {
	if IsPostgresURL(where) {
		pool, err := sql.Open("pgx", where)
		if err != nil {
			return nil, fmt.Errorf("store: open: %w", err)
		}
		return connectPostgres(ctx, pool)
	}
	if err := privateDataDir(where); err != nil {
		return nil, err
	}
	// Made as a server makes it: auto_vacuum, for one, is chosen before the
	// first table.
	return openSQLiteFile(sqliteDSN(where))
}

func connectPostgres(ctx context.Context, pool *sql.DB) (*DB, error) {
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connect to PostgreSQL: %w", err)
	}
	return &DB{read: pool, write: pool, fewKeys: defaultFewKeys, postgres: true}, nil
}

func openSQLiteFile(dsn string) (*DB, error) {
	conn, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	conn.SetMaxOpenConns(1)
	return &DB{read: conn, write: conn, fewKeys: defaultFewKeys}, nil
}

// Dump writes the whole database to w from one read-only snapshot, while
// other connections go on writing: a SQLite read transaction in WAL mode
// holds no lock that writers wait for, and nor does a PostgreSQL one.
func (db *DB) Dump(ctx context.Context, w DumpWriter) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: dump: %w", err)
	}
	defer tx.Rollback()
	// SQLite takes its snapshot at the first read, so the version is read
	// first: every table after it is read as of the same moment.
	var version sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(version_id) FROM `+versionTable).Scan(&version); err != nil {
		return fmt.Errorf("store: dump: no schema version, so not a tropa database: %w", err)
	}
	known, err := db.knownVersion()
	if err != nil {
		return err
	}
	// A newer schema may hold tables that must not be copied, as sessions
	// must not; only a tropa that knows it can tell.
	if version.Int64 > known {
		return fmt.Errorf("store: the database's schema version %d is newer than this tropa's (%d): back it up with the tropa that serves it", version.Int64, known)
	}
	if err := w.Schema(version.Int64); err != nil {
		return err
	}
	tables, err := db.tables(ctx, tx)
	if err != nil {
		return err
	}
	for _, t := range tables {
		if err := dumpTable(ctx, tx, t, w); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func dumpTable(ctx context.Context, tx *sql.Tx, t table, w DumpWriter) error {
	if err := w.Table(t.name, t.columns); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+quoteAll(t.columns)+` FROM `+quote(t.name))
	if err != nil {
		return fmt.Errorf("store: dump %s: %w", t.name, err)
	}
	defer rows.Close()
	values := make([]any, len(t.columns))
	ptrs := make([]any, len(values))
	for i := range values {
		ptrs[i] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("store: dump %s: %w", t.name, err)
		}
		for i, v := range values {
			if values[i], err = t.kinds[i].normalize(v); err != nil {
				return fmt.Errorf("store: dump %s.%s: %w", t.name, t.columns[i], err)
			}
		}
		if err := w.Row(values); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CheckEmpty returns ErrNotEmpty when the database has any table at all:
// Load builds the schema itself, and must not mix a backup with other data.
func (db *DB) CheckEmpty(ctx context.Context) error {
	names, err := db.tableNames(ctx, db.write)
	if err != nil {
		return err
	}
	if len(names) > 0 {
		slices.Sort(names)
		return fmt.Errorf("%w: it has the table %s", ErrNotEmpty, names[0])
	}
	return nil
}

// Load fills an empty database with a dump: it builds the schema at the
// dump's version, copies the rows in one transaction, then migrates to this
// tropa's schema. A dump from a newer schema than this tropa knows is
// refused. If Load fails, the database may be left with an empty schema.
func (db *DB) Load(ctx context.Context, r DumpReader) error {
	if err := db.CheckEmpty(ctx); err != nil {
		return err
	}
	known, err := db.knownVersion()
	if err != nil {
		return err
	}
	version := r.Schema()
	switch {
	case version > known:
		return fmt.Errorf("store: the backup's schema version %d is newer than this tropa's (%d): restore it with a newer tropa", version, known)
	case version < 1:
		return fmt.Errorf("store: the backup has no schema (version %d)", version)
	}
	p, err := db.provider()
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("store: build schema version %d: %w", version, err)
	}
	tables, err := db.tables(ctx, db.write)
	if err != nil {
		return err
	}
	if err := db.inTx(ctx, func(tx *sql.Tx) error { return loadRows(ctx, tx, tables, r) }); err != nil {
		return err
	}
	if err := db.up(ctx, p); err != nil {
		return err
	}
	// PostgreSQL plans from table statistics, which a bulk load leaves
	// empty until autovacuum comes round: until then a queue of 100,000
	// cases takes a third of a second instead of a millisecond.
	if db.postgres {
		if _, err := db.write.ExecContext(ctx, `ANALYZE`); err != nil {
			return fmt.Errorf("store: analyze: %w", err)
		}
	}
	return nil
}

func loadRows(ctx context.Context, tx *sql.Tx, tables []table, r DumpReader) error {
	// The migrations seed some rows (the audit head's first); the dump
	// holds those rows as they were when it was made.
	for _, t := range slices.Backward(tables) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+quote(t.name)); err != nil {
			return fmt.Errorf("store: load: %w", err)
		}
	}
	byName := make(map[string]*table, len(tables))
	for i := range tables {
		byName[tables[i].name] = &tables[i]
	}
	loaded := map[string]bool{}
	for {
		name, columns, err := r.NextTable()
		if err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		t, ok := byName[name]
		if !ok || loaded[name] {
			return fmt.Errorf("store: the backup has a table %q that its schema does not, or has it twice", name)
		}
		loaded[name] = true
		if err := loadTable(ctx, tx, t, columns, r); err != nil {
			return err
		}
	}
	for _, t := range tables {
		if !loaded[t.name] {
			return fmt.Errorf("store: the backup lacks the table %s", t.name)
		}
	}
	return nil
}

func loadTable(ctx context.Context, tx *sql.Tx, t *table, columns []string, r DumpReader) error {
	// Only names found in the schema reach the SQL below.
	kinds := make([]kind, len(columns))
	for i, c := range columns {
		j := slices.Index(t.columns, c)
		if j < 0 || slices.Index(columns, c) != i {
			return fmt.Errorf("store: the backup's table %s has a column %q that its schema does not, or has it twice", t.name, c)
		}
		kinds[i] = t.kinds[j]
	}
	if len(columns) != len(t.columns) {
		return fmt.Errorf("store: the backup's table %s lacks columns", t.name)
	}
	params := make([]string, len(columns))
	for i := range params {
		params[i] = fmt.Sprintf("$%d", i+1)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO `+quote(t.name)+` (`+quoteAll(columns)+`) VALUES (`+strings.Join(params, ", ")+`)`)
	if err != nil {
		return fmt.Errorf("store: load %s: %w", t.name, err)
	}
	defer stmt.Close()
	for {
		values, err := r.NextRow()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if len(values) != len(columns) {
			return fmt.Errorf("store: the backup has a row of %s with %d values for %d columns", t.name, len(values), len(columns))
		}
		for i, v := range values {
			if !kinds[i].holds(v) {
				return fmt.Errorf("store: the backup has a %T in %s.%s", v, t.name, columns[i])
			}
		}
		if _, err := stmt.ExecContext(ctx, values...); err != nil {
			return fmt.Errorf("store: load %s: %w", t.name, mapErr(err))
		}
	}
}

// WrapCoverage counts the requests, and those of them whose case key is not
// wrapped to holder: a backup is only as good as the recovery key's reach.
func (db *DB) WrapCoverage(ctx context.Context, holder string) (requests, missing int64, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM requests),
		(SELECT COUNT(*) FROM requests r WHERE NOT EXISTS
			(SELECT 1 FROM key_wraps w WHERE w.request_id = r.id AND w.holder = $1))`, holder).Scan(&requests, &missing)
	return requests, missing, mapErr(err)
}

// knownVersion is the schema version of this tropa's last migration.
func (db *DB) knownVersion() (int64, error) {
	p, err := db.provider()
	if err != nil {
		return 0, err
	}
	sources := p.ListSources()
	return sources[len(sources)-1].Version, nil
}

func quote(name string) string { return `"` + name + `"` }

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}
