package store

import (
	"context"
	"database/sql"
)

// StaffZone returns the time zone a staff member chose, "" for none, or
// ENOTFOUND.
func (db *DB) StaffZone(ctx context.Context, id string) (string, error) {
	var zone string
	err := db.read.QueryRowContext(ctx, `SELECT zone FROM staff WHERE id = $1`, id).Scan(&zone)
	return zone, mapErr(err)
}

// SetStaffZone keeps the time zone a staff member chose ("" for none), or
// fails with ENOTFOUND.
func (db *DB) SetStaffZone(ctx context.Context, id, zone string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		return mustAffect(tx.ExecContext(ctx, `UPDATE staff SET zone = $1 WHERE id = $2`, zone, id))
	})
}
