package store

import (
	"context"
	"time"
)

// TakeLease gives the lease called name to holder until until, if no one
// holds it, if its holder's time ran out at now, or if holder holds it
// already (which renews it), and reports whether holder holds it now. One
// statement does it, so that two nodes asking at once cannot both get it.
func (db *DB) TakeLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	n, err := affected(db.write.ExecContext(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at <= $4`, name, holder, until.UnixMicro(), now.UnixMicro()))
	return n == 1, err
}

// ReleaseLease lets the lease called name go, if holder holds it.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := affected(db.write.ExecContext(ctx, `DELETE FROM leases WHERE name = $1 AND holder = $2`, name, holder))
	return err
}

// FirstUpdate notes a Telegram update's id as seen at at, and reports
// whether it is the first time any node noted it.
func (db *DB) FirstUpdate(ctx context.Context, updateID int64, at time.Time) (bool, error) {
	n, err := affected(db.write.ExecContext(ctx, `INSERT INTO telegram_updates (update_id, seen_at) VALUES ($1, $2)
		ON CONFLICT (update_id) DO NOTHING`, updateID, at.UnixMicro()))
	return n == 1, err
}

// ForgetUpdates deletes the update ids seen before before, and returns how
// many went.
func (db *DB) ForgetUpdates(ctx context.Context, before time.Time) (int64, error) {
	return affected(db.write.ExecContext(ctx, `DELETE FROM telegram_updates WHERE seen_at < $1`, before.UnixMicro()))
}
