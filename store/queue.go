package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"tropa"
)

// Queue page sizes.
const (
	defaultQueueLimit = 100
	maxQueueLimit     = 1000
)

// defaultFewKeys is DB.fewKeys: below this many keys, Queue finds a
// holder's cases from their keys rather than by walking the queue.
const defaultFewKeys = 1000

// Queue lists the cases matching f. Open cases come by earliest open
// deadline (those without one last), then most urgent, then newest; closed
// cases come most recently closed first. Both orders are those of the index
// requests_queue (and, for one stage or owner, requests_stage and
// requests_owner), so that a page is read off an index without sorting.
func (db *DB) Queue(ctx context.Context, f tropa.QueueFilter) ([]tropa.Request, error) {
	var q sqlBuilder
	var where []string
	from := `requests r`
	if f.Holder != "" {
		few, err := db.holdsFewKeys(ctx, f.Holder)
		if err != nil {
			return nil, err
		}
		// SQLite keeps the tables of a CROSS JOIN in the order written;
		// PostgreSQL plans it as any other join.
		if few {
			from = `key_wraps k CROSS JOIN requests r`
			where = append(where, `k.holder = `+q.arg(f.Holder), `r.id = k.request_id`)
		} else {
			where = append(where, `EXISTS (SELECT 1 FROM key_wraps k WHERE k.request_id = r.id AND k.holder = `+q.arg(f.Holder)+`)`)
		}
	}
	switch {
	case f.Flagged:
		where = append(where, `r.flagged_at > 0`)
	case f.Closed:
		where = append(where, `r.closed_at <> 0`)
	default:
		where = append(where, `r.closed_at = 0`)
	}
	if f.Unowned {
		where = append(where, `r.unowned = `+q.arg(true))
	}
	if f.Stage != "" {
		where = append(where, `r.stage = `+q.arg(string(f.Stage)))
	}
	if f.Urgency != nil {
		where = append(where, `r.urgency = `+q.arg(int(*f.Urgency)))
	}
	if f.Kind != "" {
		where = append(where, `r.kind = `+q.arg(string(f.Kind)))
	}
	if f.Situation != "" {
		where = append(where, `r.situation = `+q.arg(string(f.Situation)))
	}
	switch f.Owner {
	case "":
	case tropa.OwnerNone:
		where = append(where, `r.owner_id = `+q.arg(""))
	default:
		where = append(where, `r.owner_id = `+q.arg(f.Owner))
	}
	if !f.DueBefore.IsZero() {
		where = append(where, `r.due_at < `+q.arg(f.DueBefore.UnixMicro()))
	}
	// Both orders follow requests_queue, the second backwards.
	order := `r.due_at, r.urgency DESC, r.created_at DESC, r.id`
	switch {
	case f.Flagged:
		order = `r.flagged_at DESC, r.id DESC`
	case f.Closed:
		order = `r.closed_at DESC, r.due_at DESC, r.urgency, r.created_at, r.id DESC`
	}
	limit := f.Limit
	switch {
	case limit <= 0:
		limit = defaultQueueLimit
	case limit > maxQueueLimit:
		limit = maxQueueLimit
	}
	query := `SELECT ` + requestColumns + ` FROM ` + from + ` WHERE ` + strings.Join(where, ` AND `) +
		` ORDER BY ` + order + ` LIMIT ` + q.arg(limit) + ` OFFSET ` + q.arg(max(f.Offset, 0))
	rows, err := db.read.QueryContext(ctx, query, q.args...)
	if err != nil {
		return nil, mapErr(err)
	}
	return scanRequests(rows)
}

// unownedValue is whether a request is unowned (tropa.QueueFilter.Unowned),
// kept in requests.unowned: it is open, has no owner, and is past intake
// (triaged as a case) or no staff member holds its key at all, not counting
// the keys of $1, which are about to be deleted. An owner always holds the
// key: the desk replaces an owner before it removes their key, and
// deactivating someone takes them off the cases they owned.
const unownedValue = `(requests.closed_at = 0 AND requests.owner_id = '' AND (requests.disposition = '` +
	string(tropa.DispositionCase) + `' OR NOT EXISTS (SELECT 1 FROM key_wraps u WHERE u.request_id = requests.id
		AND u.holder <> '` + tropa.HolderRecovery + `' AND u.holder <> $1)))`

// setUnowned brings requests.unowned of one request up to date, at the end
// of a transaction that changed it or its keys.
func setUnowned(ctx context.Context, tx *sql.Tx, requestID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE requests SET unowned = `+unownedValue+` WHERE id = $2`, "", requestID)
	return mapErr(err)
}

// holdsFewKeys reports whether holder has fewer than db.fewKeys case keys. For
// such a holder the queue is quickest found from their keys; for one who
// holds many, such as a coordinator on intake, by walking the queue in
// order and keeping the cases they hold.
func (db *DB) holdsFewKeys(ctx context.Context, holder string) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM
		(SELECT 1 FROM key_wraps WHERE holder = $1 LIMIT $2) AS w`, holder, db.fewKeys).Scan(&n)
	return n < db.fewKeys, mapErr(err)
}

// sqlBuilder collects the arguments of a query built from parts.
type sqlBuilder struct{ args []any }

// arg adds v to the arguments and returns its placeholder.
func (b *sqlBuilder) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}
