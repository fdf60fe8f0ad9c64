package store

import (
	"context"
	"database/sql"
)

// SetFewKeys sets below how many keys Queue finds a holder's cases from
// their keys, so that tests can take both ways: 0 never does, and a large
// number always does.
func SetFewKeys(db *DB, n int) { db.fewKeys = n }

// Writer is the connection pool db writes through, for benchmarks that fill
// a database faster than the store's methods would.
func Writer(db *DB) *sql.DB { return db.write }

// NoDeadline is the due time of a case without one.
const NoDeadline = noDeadline

// OpenAt opens the database at where with its schema built up to version
// and no further, as an older tropa left it, for tests of upgrading.
func OpenAt(ctx context.Context, where string, version int64) (*DB, error) {
	db, err := OpenForLoad(ctx, where)
	if err != nil {
		return nil, err
	}
	if err := MigrateTo(ctx, db, version); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// MigrateTo brings a database opened with OpenForLoad to version, as an
// older tropa would have left it.
func MigrateTo(ctx context.Context, db *DB, version int64) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}

// CountsQueries are the queries Counts runs over requests and day_counts,
// with arguments for a period, for benchmarks to show how they are planned.
var CountsQueries = []string{countsByDay, countsOpen}
