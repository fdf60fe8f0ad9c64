package store

import (
	"context"
	"database/sql"
	"fmt"

	"tropa"
)

// ImportRequests writes a history in one transaction: every request closed
// on its day with its outcome, owned by no one, with its text and key wraps
// when it has text, and its import in its history; then the audit entry
// with how many. Nothing is written if any request fails. The holders of
// the first request with wraps are checked once: a batch wraps every key to
// the same holders.
func (db *DB) ImportRequests(ctx context.Context, b *tropa.ImportBatch) (int, error) {
	var n int
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		n = 0
		if !db.postgres {
			restore, err := importCache(ctx, tx)
			if err != nil {
				return err
			}
			defer restore()
		}
		insert, err := tx.PrepareContext(ctx, insertImported)
		if err != nil {
			return mapErr(err)
		}
		defer insert.Close()
		var active holderKeys
		counts := dayCounts{}
		for ir, err := range b.Requests {
			if err != nil {
				return err
			}
			if active == nil && len(ir.Wraps) > 0 {
				if active, err = db.activeHolders(ctx, tx, ir.Wraps); err != nil {
					return err
				}
			}
			if err := importRequest(ctx, tx, insert, ir, active, b.NewRef); err != nil {
				return err
			}
			counts.add(countedOf(&ir.Request), 1)
			n++
		}
		if err := counts.write(ctx, tx); err != nil {
			return err
		}
		ev := b.Audit
		ev.Detail = fmt.Sprintf("%d requests", n)
		return appendAudit(ctx, tx, ev)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// insertImported inserts an imported request, or nothing when its
// reference is taken.
const insertImported = `INSERT INTO requests (id, ref, kind, situation, channel, stage, urgency, created_at,
	last_applicant_at, last_staff_at, sealed_contact, disposition, outcome, owner_id, due_at, closed_at,
	updated_at, version, sealed_contact_key, last_author, timed)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $12, '', $13, $14, $8, 1, $15, $16, FALSE)
	ON CONFLICT (ref) DO NOTHING`

// importRequest writes one imported request. A reference already taken is
// replaced by another, as intake does, without failing the transaction.
func importRequest(ctx context.Context, tx *sql.Tx, insert *sql.Stmt, ir *tropa.ImportedRequest, active holderKeys, newRef func() string) error {
	r := &ir.Request
	var lastAuthor string
	if ir.First != nil {
		lastAuthor = string(ir.First.Author)
	}
	const attempts = 4
	for i := 1; ; i++ {
		res, err := insert.ExecContext(ctx,
			r.ID, r.Ref, string(r.Kind), string(r.Situation), string(r.Channel), string(r.Stage), int(r.Urgency),
			day(r.CreatedAt), day(r.LastApplicantAt), r.SealedContact, string(r.Disposition), string(r.Outcome),
			int64(noDeadline), day(r.ClosedAt), r.SealedContactKey, lastAuthor)
		if err != nil {
			return mapErr(err)
		}
		if k, err := res.RowsAffected(); err != nil {
			return mapErr(err)
		} else if k == 1 {
			break
		}
		if i == attempts {
			return tropa.Errorf(tropa.ECONFLICT, "import: no free reference after %d tries", attempts)
		}
		r.Ref = newRef()
	}
	if ir.First != nil {
		if err := insertMessage(ctx, tx, ir.First); err != nil {
			return err
		}
	}
	for _, w := range ir.Wraps {
		if _, ok := active[w.Holder]; !ok {
			continue
		}
		if active.replaced(w) {
			return errKeyReplaced
		}
		if err := insertWrap(ctx, tx, w, false); err != nil {
			return err
		}
	}
	return insertCaseEvent(ctx, tx, r.ID, ir.Event)
}

// importCache gives the SQLite connection of tx a page cache of 64 MiB
// while it imports, and returns what puts the old size back. The requests'
// indexes take random ids and references, so a history touches pages all
// over them; with the default cache of 2 MB, most of an import's time
// went on reading back pages it had just written.
func importCache(ctx context.Context, tx *sql.Tx) (restore func(), err error) {
	var old int64
	if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&old); err != nil {
		return nil, mapErr(err)
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -65536`); err != nil {
		return nil, mapErr(err)
	}
	return func() { tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, old)) }, nil
}
