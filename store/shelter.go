package store

import (
	"context"
	"database/sql"
	"time"

	"tropa"
)

// CreateShelter stores a shelter with its first keys and its audit entry.
func (db *DB) CreateShelter(ctx context.Context, s *tropa.ShelterRecord, keys []tropa.ShelterKey, ev tropa.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO shelters
			(id, ref, beds, sealed_name, sealed_address, sealed_contact, recovery_wrap, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			s.ID, s.Ref, s.Beds, s.SealedName, s.SealedAddress, s.SealedContact, s.RecoveryWrap, day(s.CreatedAt)); err != nil {
			return mapErr(err)
		}
		for _, k := range keys {
			if err := insertShelterKey(ctx, tx, k); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, ev)
	})
}

// GrantShelter stores one more shelter key, replacing one the staff member
// had.
func (db *DB) GrantShelter(ctx context.Context, k tropa.ShelterKey, ev tropa.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertShelterKey(ctx, tx, k); err != nil {
			return err
		}
		return appendAudit(ctx, tx, ev)
	})
}

func insertShelterKey(ctx context.Context, tx *sql.Tx, k tropa.ShelterKey) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO shelter_keys (shelter_id, staff_id, wrapped, granted_by)
		VALUES ($1, $2, $3, $4) ON CONFLICT (shelter_id, staff_id) DO UPDATE SET wrapped = excluded.wrapped,
		granted_by = excluded.granted_by`, k.ShelterID, k.StaffID, k.Wrapped, k.GrantedBy)
	return mapErr(err)
}

// Shelters returns the shelters staffID holds a key to, by reference, and
// the keys, in the same order.
func (db *DB) Shelters(ctx context.Context, staffID string) ([]tropa.ShelterRecord, []tropa.ShelterKey, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT s.id, s.ref, s.beds, s.sealed_name, s.sealed_address,
		s.sealed_contact, s.recovery_wrap, s.created_at, k.wrapped, k.granted_by
		FROM shelters s JOIN shelter_keys k ON k.shelter_id = s.id WHERE k.staff_id = $1 ORDER BY s.ref`, staffID)
	if err != nil {
		return nil, nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.ShelterRecord
	var keys []tropa.ShelterKey
	for rows.Next() {
		var s tropa.ShelterRecord
		k := tropa.ShelterKey{StaffID: staffID}
		var created int64
		if err := rows.Scan(&s.ID, &s.Ref, &s.Beds, &s.SealedName, &s.SealedAddress, &s.SealedContact,
			&s.RecoveryWrap, &created, &k.Wrapped, &k.GrantedBy); err != nil {
			return nil, nil, mapErr(err)
		}
		s.CreatedAt, k.ShelterID = fromMicros(created), s.ID
		list, keys = append(list, s), append(keys, k)
	}
	return list, keys, mapErr(rows.Err())
}

const stayColumns = `id, shelter_id, request_id, first_day, end_day, beds, state, created_at`

func scanStays(rows *sql.Rows, err error) ([]tropa.Stay, error) {
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.Stay
	for rows.Next() {
		var s tropa.Stay
		var first, end, created int64
		var state string
		if err := rows.Scan(&s.ID, &s.ShelterID, &s.RequestID, &first, &end, &s.Beds, &state, &created); err != nil {
			return nil, mapErr(err)
		}
		s.First, s.End, s.CreatedAt, s.State = fromMicros(first), fromMicros(end), fromMicros(created), tropa.StayState(state)
		list = append(list, s)
	}
	return list, mapErr(rows.Err())
}

// ShelterStays returns the stays of a shelter not cancelled that end after
// first.
func (db *DB) ShelterStays(ctx context.Context, shelterID string, first time.Time) ([]tropa.Stay, error) {
	return scanStays(db.read.QueryContext(ctx, `SELECT `+stayColumns+` FROM stays
		WHERE shelter_id = $1 AND end_day > $2 AND state <> $3 ORDER BY first_day, id`,
		shelterID, day(first), string(tropa.StayCancelled)))
}

// Stays returns a case's stays, earliest first.
func (db *DB) Stays(ctx context.Context, requestID string) ([]tropa.Stay, error) {
	return scanStays(db.read.QueryContext(ctx, `SELECT `+stayColumns+` FROM stays
		WHERE request_id = $1 ORDER BY first_day, id`, requestID))
}

// upsertStays books u's stays or replaces those with the same id. Each
// shelter's row is locked first (FOR UPDATE on PostgreSQL; SQLite's write
// transactions take the database lock when they begin), so that two nodes
// booking its last bed at once are counted one after the other, and the
// second is refused.
func (db *DB) upsertStays(ctx context.Context, tx *sql.Tx, u *tropa.CaseUpdate) error {
	for _, s := range u.Stays {
		if err := sameRequest(&s.RequestID, u.RequestID); err != nil {
			return err
		}
		lock := ""
		if db.postgres {
			lock = " FOR UPDATE"
		}
		var beds int
		if err := tx.QueryRowContext(ctx, `SELECT beds FROM shelters WHERE id = $1`+lock, s.ShelterID).Scan(&beds); err != nil {
			return mapErr(err)
		}
		if s.State != tropa.StayCancelled {
			others, err := scanStays(tx.QueryContext(ctx, `SELECT `+stayColumns+` FROM stays
				WHERE shelter_id = $1 AND id <> $2 AND state <> $3 AND first_day < $4 AND end_day > $5`,
				s.ShelterID, s.ID, string(tropa.StayCancelled), day(s.End), day(s.First)))
			if err != nil {
				return err
			}
			if tropa.Overbooked(beds, s, others) {
				return tropa.UserError(tropa.ECONFLICT, "ErrShelterFull", nil)
			}
		}
		if err := mustAffect(tx.ExecContext(ctx, `INSERT INTO stays (`+stayColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (id) DO UPDATE SET end_day = excluded.end_day, state = excluded.state
			WHERE stays.request_id = excluded.request_id AND stays.shelter_id = excluded.shelter_id`,
			s.ID, s.ShelterID, s.RequestID, day(s.First), day(s.End), s.Beds, string(s.State), day(s.CreatedAt))); err != nil {
			return err
		}
	}
	return nil
}

// ShelterRefs maps every shelter's id to its reference.
func (db *DB) ShelterRefs(ctx context.Context) (map[string]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, ref FROM shelters`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	refs := map[string]string{}
	for rows.Next() {
		var id, ref string
		if err := rows.Scan(&id, &ref); err != nil {
			return nil, mapErr(err)
		}
		refs[id] = ref
	}
	return refs, mapErr(rows.Err())
}

// RewrapShelterKeys replaces the wraps of shelter keys.
func (db *DB) RewrapShelterKeys(ctx context.Context, keys []tropa.ShelterKey) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `UPDATE shelter_keys SET wrapped = $1 WHERE shelter_id = $2 AND staff_id = $3`,
				k.Wrapped, k.ShelterID, k.StaffID); err != nil {
				return mapErr(err)
			}
		}
		return nil
	})
}
