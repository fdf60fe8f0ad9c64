package store

import (
	"context"
	"database/sql"
	"strings"

	"tropa"
)

// RequestByRef returns the request with the given reference, or ENOTFOUND.
func (db *DB) RequestByRef(ctx context.Context, ref string) (*tropa.Request, error) {
	var r tropa.Request
	row := db.read.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM requests r WHERE r.ref = $1`, ref)
	if err := scanRequest(row, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateCase writes one change to a case in one transaction: the metadata,
// the keys granted and revoked, the deadlines, links, history and audit
// entries. When u.Version is set and no longer the stored one it changes
// nothing and returns ECONFLICT.
func (db *DB) UpdateCase(ctx context.Context, u *tropa.CaseUpdate) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.recount(ctx, tx, u); err != nil {
			return err
		}
		if err := updateRequest(ctx, tx, u); err != nil {
			return err
		}
		active, err := db.activeHolders(ctx, tx, u.AddWraps)
		if err != nil {
			return err
		}
		for _, w := range u.AddWraps {
			if err := sameRequest(&w.RequestID, u.RequestID); err != nil {
				return err
			}
			if w.CreatedAt.IsZero() {
				w.CreatedAt = u.At
			}
			if _, ok := active[w.Holder]; !ok {
				return tropa.Errorf(tropa.ECONFLICT, "key holder %s is not an active staff member", w.Holder)
			}
			if active.replaced(w) {
				return tropa.UserError(tropa.ECONFLICT, "ErrCaseChanged", nil)
			}
			if err := insertWrap(ctx, tx, w, true); err != nil {
				return err
			}
			// A case given back to someone whose keys a reset destroyed
			// leaves the list of what to re-grant them.
			if _, err := tx.ExecContext(ctx, `DELETE FROM regrants WHERE staff_id = $1 AND request_id = $2`,
				w.Holder, u.RequestID); err != nil {
				return mapErr(err)
			}
		}
		for _, h := range u.RemoveHolders {
			if _, err := tx.ExecContext(ctx, `DELETE FROM key_wraps WHERE request_id = $1 AND holder = $2`,
				u.RequestID, h); err != nil {
				return mapErr(err)
			}
		}
		if err := upsertDeadlines(ctx, tx, u); err != nil {
			return err
		}
		if err := db.upsertStays(ctx, tx, u); err != nil {
			return err
		}
		if err := upsertLegal(ctx, tx, u); err != nil {
			return err
		}
		if err := upsertMeetings(ctx, tx, u); err != nil {
			return err
		}
		for _, id := range u.Links {
			if err := insertLink(ctx, tx, u, id); err != nil {
				return err
			}
		}
		for _, e := range u.Events {
			if err := insertCaseEvent(ctx, tx, u.RequestID, e); err != nil {
				return err
			}
		}
		for _, ev := range u.Audit {
			if err := appendAudit(ctx, tx, ev); err != nil {
				return err
			}
		}
		for _, c := range u.Calls {
			if err := insertCall(ctx, tx, u.RequestID, c); err != nil {
				return err
			}
		}
		return setUnowned(ctx, tx, u.RequestID)
	})
}

// updateRequest sets the fields of u that are not nil, adds one to the
// version and sets the day of the update.
func updateRequest(ctx context.Context, tx *sql.Tx, u *tropa.CaseUpdate) error {
	var q sqlBuilder
	set := []string{`version = version + 1`, `updated_at = ` + q.arg(day(u.At))}
	if u.Stage != nil {
		set = append(set, `stage = `+q.arg(string(*u.Stage)))
	}
	if u.Urgency != nil {
		set = append(set, `urgency = `+q.arg(int(*u.Urgency)))
	}
	if u.Disposition != nil {
		set = append(set, `disposition = `+q.arg(string(*u.Disposition)))
	}
	if u.Outcome != nil {
		set = append(set, `outcome = `+q.arg(string(*u.Outcome)))
	}
	if u.OwnerID != nil {
		set = append(set, `owner_id = `+q.arg(*u.OwnerID))
	}
	if u.ClosedAt != nil {
		set = append(set, `closed_at = `+q.arg(day(*u.ClosedAt)))
	}
	if u.DueAt != nil {
		set = append(set, `due_at = `+q.arg(dueValue(*u.DueAt)))
	}
	if u.SealedDetails != nil {
		set = append(set, `sealed_details = `+q.arg(u.SealedDetails))
	}
	if u.Unflag {
		set = append(set, `flagged_at = 0`)
	}
	where := `id = ` + q.arg(u.RequestID)
	if u.Version != 0 {
		where += ` AND version = ` + q.arg(u.Version)
	}
	n, err := affected(tx.ExecContext(ctx, `UPDATE requests SET `+strings.Join(set, `, `)+` WHERE `+where, q.args...))
	if err != nil || n > 0 {
		return err
	}
	if err := requestExists(ctx, tx, u.RequestID); err != nil {
		return err
	}
	return tropa.UserError(tropa.ECONFLICT, "ErrCaseChanged", nil)
}

// insertCaseEvent adds an entry to the history of request requestID, after
// its others, on its day.
func insertCaseEvent(ctx context.Context, tx *sql.Tx, requestID string, e tropa.CaseEventRecord) error {
	if err := sameRequest(&e.RequestID, requestID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO case_events
		(id, request_id, at, actor, action, from_value, to_value, sealed_note, seq)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, `+nextEventSeq+`)`,
		e.ID, e.RequestID, day(e.At), e.Actor, string(e.Action), e.From, e.To, e.SealedNote)
	return mapErr(err)
}

// nextEventSeq numbers a new history entry of the request $2.
const nextEventSeq = `(SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE request_id = $2)`

// sameRequest fills in a record's request id, or refuses one that names
// another request than the case being updated.
func sameRequest(recordID *string, requestID string) error {
	switch *recordID {
	case "":
		*recordID = requestID
	case requestID:
	default:
		return tropa.Errorf(tropa.EINVALID, "record of request %s in an update of %s", *recordID, requestID)
	}
	return nil
}

// insertLink links the updated request and another both ways.
func insertLink(ctx context.Context, tx *sql.Tx, u *tropa.CaseUpdate, linkedID string) error {
	if linkedID == u.RequestID {
		return tropa.Errorf(tropa.EINVALID, "request linked to itself")
	}
	if err := requestExists(ctx, tx, linkedID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO case_links (request_id, linked_id, created_at)
		VALUES ($1, $2, $3), ($2, $1, $3) ON CONFLICT DO NOTHING`, u.RequestID, linkedID, day(u.At))
	return mapErr(err)
}

// KeyWraps lists who holds a request's key, first granted first as far as
// the day tells, then by holder.
func (db *DB) KeyWraps(ctx context.Context, requestID string) ([]tropa.KeyWrap, error) {
	return db.queryWraps(ctx, `SELECT `+wrapColumns+` FROM key_wraps
		WHERE request_id = $1 ORDER BY created_at, holder`, requestID)
}

// queryWraps reads the key wraps query selects, wrapColumns first.
func (db *DB) queryWraps(ctx context.Context, query string, args ...any) ([]tropa.KeyWrap, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.KeyWrap
	for rows.Next() {
		w, err := scanWrap(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, *w)
	}
	return list, mapErr(rows.Err())
}

// CaseEvents returns a case's history in the order it was written.
func (db *DB) CaseEvents(ctx context.Context, requestID string) ([]tropa.CaseEventRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, request_id, at, actor, action, from_value, to_value, sealed_note
		FROM case_events WHERE request_id = $1 ORDER BY seq, id`, requestID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.CaseEventRecord
	for rows.Next() {
		var e tropa.CaseEventRecord
		var action string
		var at int64
		if err := rows.Scan(&e.ID, &e.RequestID, &at, &e.Actor, &action, &e.From, &e.To, &e.SealedNote); err != nil {
			return nil, mapErr(err)
		}
		e.At, e.Action = fromMicros(at), tropa.CaseAction(action)
		list = append(list, e)
	}
	return list, mapErr(rows.Err())
}

// Links lists the requests linked to a request, oldest first.
func (db *DB) Links(ctx context.Context, requestID string) ([]tropa.Request, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+requestColumns+` FROM case_links l
		JOIN requests r ON r.id = l.linked_id WHERE l.request_id = $1 ORDER BY r.created_at, r.id`, requestID)
	if err != nil {
		return nil, mapErr(err)
	}
	return scanRequests(rows)
}
