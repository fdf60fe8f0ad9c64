package store

import (
	"context"
	"database/sql"

	"tropa"
)

// Setting returns the value of a setting, or ENOTFOUND.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	return v, mapErr(err)
}

// SetSetting creates or replaces a setting.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return mapErr(err)
	})
}

// SwapSetting sets a setting to value only if it still holds old (or, when
// old is "", does not exist yet), so that two people changing it at once
// cannot silently undo each other: the later one gets ECONFLICT.
func (db *DB) SwapSetting(ctx context.Context, key, old, value string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var res sql.Result
		var err error
		if old == "" {
			res, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, value)
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE settings SET value = $1 WHERE key = $2 AND value = $3`, value, key, old)
		}
		if err != nil {
			return mapErr(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return mapErr(err)
		} else if n != 1 {
			return tropa.Errorf(tropa.ECONFLICT, "setting %s changed meanwhile", key)
		}
		return nil
	})
}
