package store

import (
	"context"
	"database/sql"
	"math"
	"time"

	"tropa"
)

// requestColumns are read from "requests r" in the order scanRequest takes.
const requestColumns = `r.id, r.ref, r.kind, r.situation, r.channel, r.stage, r.urgency, r.created_at,
	r.last_applicant_at, r.last_staff_at, r.disposition, r.outcome, r.owner_id, r.due_at, r.closed_at,
	r.updated_at, r.version, r.contact_erased_at, r.last_author, r.flagged_at`

// noDeadline is requests.due_at of a case without an open deadline: the
// largest BIGINT, so that the queue's index orders such cases last.
const noDeadline = math.MaxInt64

// fromDueMicros reads due_at: noDeadline is the zero time.
func fromDueMicros(us int64) time.Time {
	if us == noDeadline {
		return time.Time{}
	}
	return fromMicros(us)
}

// CreateRequest writes a new request with its first message, its key wraps,
// its receipt and its audit entry, if any, in one transaction: when it returns nil the request is on
// disk, and only then may the applicant see his receipt. The request starts
// at version 1, updated when created, with no deadline: deadlines come with
// UpdateCase. Its times are kept to the day, its last author is the first
// message's.
func (db *DB) CreateRequest(ctx context.Context, n *tropa.NewRequest) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		r := &n.Request
		if _, err := tx.ExecContext(ctx, `INSERT INTO requests (id, ref, kind, situation, channel, stage, urgency, created_at,
			last_applicant_at, last_staff_at, sealed_contact, disposition, outcome, owner_id, due_at, closed_at,
			updated_at, version, sealed_details, sealed_contact_key, last_author, sealed_chat, sealed_chat_key,
			inbound_recipient, sealed_inbound_identity)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $8, 1, $17, $18, $19,
			$20, $21, $22, $23)`,
			r.ID, r.Ref, string(r.Kind), string(r.Situation), string(r.Channel), string(r.Stage), int(r.Urgency),
			day(r.CreatedAt), day(r.LastApplicantAt), day(r.LastStaffAt), r.SealedContact,
			string(r.Disposition), string(r.Outcome), r.OwnerID, int64(noDeadline), day(r.ClosedAt),
			r.SealedDetails, r.SealedContactKey, string(n.First.Author), r.SealedChat, r.SealedChatKey,
			nullable(r.InboundRecipient), r.SealedInboundIdentity); err != nil {
			return mapErr(err)
		}
		counts := dayCounts{}
		counts.add(countedOf(r), 1)
		if err := counts.write(ctx, tx); err != nil {
			return err
		}
		if err := insertMessage(ctx, tx, &n.First); err != nil {
			return err
		}
		active, err := db.activeHolders(ctx, tx, n.Wraps)
		if err != nil {
			return err
		}
		for _, w := range n.Wraps {
			// Someone deactivated since the recipients were read gets no
			// key; the request itself must not be lost over it.
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
		rc := &n.Receipt
		if _, err := tx.ExecContext(ctx, `INSERT INTO receipts (lookup, request_id, kdf, salt, verifier, sealed_key, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			rc.Lookup, rc.RequestID, rc.KDF, rc.Salt, rc.Verifier, rc.SealedKey, day(rc.CreatedAt)); err != nil {
			return mapErr(err)
		}
		if err := setUnowned(ctx, tx, r.ID); err != nil {
			return err
		}
		if n.Call != nil {
			if err := insertCall(ctx, tx, r.ID, *n.Call); err != nil {
				return err
			}
		}
		if n.Event != nil {
			if err := insertCaseEvent(ctx, tx, r.ID, *n.Event); err != nil {
				return err
			}
		}
		if n.Audit == nil {
			return nil
		}
		return appendAudit(ctx, tx, *n.Audit)
	})
}

// ReceiptByLookup returns the receipt record with the given public part, or
// ENOTFOUND.
func (db *DB) ReceiptByLookup(ctx context.Context, lookup string) (*tropa.ReceiptRecord, error) {
	var rc tropa.ReceiptRecord
	var created int64
	err := db.read.QueryRowContext(ctx, `SELECT lookup, request_id, kdf, salt, verifier, sealed_key, created_at
		FROM receipts WHERE lookup = $1`, lookup).
		Scan(&rc.Lookup, &rc.RequestID, &rc.KDF, &rc.Salt, &rc.Verifier, &rc.SealedKey, &created)
	if err != nil {
		return nil, mapErr(err)
	}
	rc.CreatedAt = fromMicros(created)
	return &rc, nil
}

// RequestByID returns a request, or ENOTFOUND.
func (db *DB) RequestByID(ctx context.Context, id string) (*tropa.RequestRecord, error) {
	var rr tropa.RequestRecord
	var recipient sql.NullString
	row := db.read.QueryRowContext(ctx, `SELECT `+requestColumns+`, r.sealed_contact, r.sealed_details, r.sealed_contact_key,
		r.sealed_chat, r.sealed_chat_key, r.inbound_recipient, r.sealed_inbound_identity
		FROM requests r WHERE r.id = $1`, id)
	if err := scanRequest(row, &rr.Request, &rr.SealedContact, &rr.SealedDetails, &rr.SealedContactKey,
		&rr.SealedChat, &rr.SealedChatKey, &recipient, &rr.SealedInboundIdentity); err != nil {
		return nil, err
	}
	rr.InboundRecipient = recipient.String
	return &rr, nil
}

// scanRequest reads requestColumns, then extra.
func scanRequest(row scanner, r *tropa.Request, extra ...any) error {
	var kind, situation, channel, stage, disposition, outcome, lastAuthor string
	var urgency int
	var created, lastApplicant, lastStaff, due, closed, updated, erased, flagged int64
	dest := append([]any{&r.ID, &r.Ref, &kind, &situation, &channel, &stage, &urgency,
		&created, &lastApplicant, &lastStaff, &disposition, &outcome, &r.OwnerID, &due, &closed,
		&updated, &r.Version, &erased, &lastAuthor, &flagged}, extra...)
	if err := row.Scan(dest...); err != nil {
		return mapErr(err)
	}
	r.Kind, r.Situation, r.Channel, r.Stage = tropa.Kind(kind), tropa.Situation(situation), tropa.Channel(channel), tropa.Stage(stage)
	r.Urgency = tropa.Urgency(urgency)
	r.Disposition, r.Outcome = tropa.Disposition(disposition), tropa.Outcome(outcome)
	r.CreatedAt, r.LastApplicantAt, r.LastStaffAt = fromMicros(created), fromMicros(lastApplicant), fromMicros(lastStaff)
	r.DueAt, r.ClosedAt, r.UpdatedAt = fromDueMicros(due), fromMicros(closed), fromMicros(updated)
	r.ContactErasedAt, r.FlaggedAt = fromMicros(erased), fromMicros(flagged)
	r.LastAuthor = tropa.Author(lastAuthor)
	return nil
}

// scanRequests reads the requests rows holds.
func scanRequests(rows *sql.Rows) ([]tropa.Request, error) {
	defer rows.Close()
	var list []tropa.Request
	for rows.Next() {
		var r tropa.Request
		if err := scanRequest(rows, &r); err != nil {
			return nil, err
		}
		list = append(list, r)
	}
	return list, mapErr(rows.Err())
}

// Messages returns a request's messages in the order they were written,
// with the internal notes only when withNotes is set.
func (db *DB) Messages(ctx context.Context, requestID string, withNotes bool) ([]tropa.MessageRecord, error) {
	notes, args := ``, []any{requestID}
	if !withNotes {
		notes, args = ` AND author <> $2`, append(args, string(tropa.AuthorNote))
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, request_id, author, COALESCE(staff_id, ''), created_at, sealed_at,
		sealed_body, wrapped_key, delivery FROM messages WHERE request_id = $1`+notes+` ORDER BY seq, id`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.MessageRecord
	for rows.Next() {
		var m tropa.MessageRecord
		var author, delivery string
		var created int64
		if err := rows.Scan(&m.ID, &m.RequestID, &author, &m.StaffID, &created, &m.SealedAt, &m.SealedBody, &m.WrappedKey,
			&delivery); err != nil {
			return nil, mapErr(err)
		}
		m.Author, m.Delivery = tropa.Author(author), tropa.Delivery(delivery)
		m.CreatedAt = fromMicros(created)
		list = append(list, m)
	}
	return list, mapErr(rows.Err())
}

// AddMessage appends a message to a request's thread and notes who wrote
// last, and on what day, unless the message is an internal note, which the
// applicant never sees; ev, when not nil, goes into the audit log in the
// same transaction. The applicant writing to a closed case flags it
// (tropa.Request.FlaggedAt); a staff member answering him clears the flag.
func (db *DB) AddMessage(ctx context.Context, m *tropa.MessageRecord, ev *tropa.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		switch m.Author {
		case tropa.AuthorNote:
			err = requestExists(ctx, tx, m.RequestID)
		case tropa.AuthorStaff:
			err = mustAffect(tx.ExecContext(ctx, `UPDATE requests SET last_staff_at = $1, last_author = $2, flagged_at = 0
				WHERE id = $3`, day(m.CreatedAt), string(m.Author), m.RequestID))
			if err == nil {
				// The first message to the applicant dates his first reply.
				err = noteFirstReply(ctx, tx, m.RequestID, day(m.CreatedAt))
			}
		default:
			// A message is after the closing when its day is not before
			// the closing's: both are kept to the day.
			err = mustAffect(tx.ExecContext(ctx, `UPDATE requests SET last_applicant_at = $1, last_author = $2,
				flagged_at = CASE WHEN closed_at <> 0 AND closed_at <= CAST($1 AS BIGINT) THEN CAST($1 AS BIGINT)
				ELSE flagged_at END WHERE id = $3`,
				day(m.CreatedAt), string(m.Author), m.RequestID))
		}
		if err != nil {
			return err
		}
		if err := insertMessage(ctx, tx, m); err != nil {
			return err
		}
		if ev == nil {
			return nil
		}
		return appendAudit(ctx, tx, *ev)
	})
}

// requestExists returns ENOTFOUND if there is no request id.
func requestExists(ctx context.Context, tx *sql.Tx, id string) error {
	var one int
	return mapErr(tx.QueryRowContext(ctx, `SELECT 1 FROM requests WHERE id = $1`, id).Scan(&one))
}

// insertMessage writes a message after the request's others, on its day.
func insertMessage(ctx context.Context, tx *sql.Tx, m *tropa.MessageRecord) error {
	var staffID any
	if m.StaffID != "" {
		staffID = m.StaffID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO messages (id, request_id, author, staff_id, created_at, sealed_at, sealed_body,
		wrapped_key, delivery, seq)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE request_id = $2))`,
		m.ID, m.RequestID, string(m.Author), staffID, day(m.CreatedAt), m.SealedAt, m.SealedBody, m.WrappedKey,
		string(m.Delivery))
	if err != nil {
		return mapErr(err)
	}
	return insertAttachments(ctx, tx, m)
}

// KeyWrap returns the case key of a request wrapped to holder, or ENOTFOUND:
// then the holder has no access.
func (db *DB) KeyWrap(ctx context.Context, requestID, holder string) (*tropa.KeyWrap, error) {
	return scanWrap(db.read.QueryRowContext(ctx, `SELECT `+wrapColumns+` FROM key_wraps
		WHERE request_id = $1 AND holder = $2`, requestID, holder))
}

const wrapColumns = `request_id, holder, reason, wrapped, created_at`

func scanWrap(row scanner) (*tropa.KeyWrap, error) {
	var w tropa.KeyWrap
	var created int64
	if err := row.Scan(&w.RequestID, &w.Holder, &w.Reason, &w.Wrapped, &created); err != nil {
		return nil, mapErr(err)
	}
	w.CreatedAt = fromMicros(created)
	return &w, nil
}

// activeHolders returns which of the holders of wraps may be given a case
// key, the recovery key and active staff members, with their public keys.
// On PostgreSQL it takes a share lock on their staff rows, so that a
// deactivation or a key rotation another node has under way is waited for
// and then seen; without it, that deactivation could sweep a person's keys
// just before a new one is written, or that rotation finish just before a
// key wrapped to the replaced public key is written. SQLite has one writer
// at a time, so it sees every committed change anyway. One query serves a
// whole intake, however many staff receive it.
func (db *DB) activeHolders(ctx context.Context, tx *sql.Tx, wraps []tropa.KeyWrap) (holderKeys, error) {
	active := holderKeys{tropa.HolderRecovery: ""}
	var staff []string
	for _, w := range wraps {
		if w.Holder != tropa.HolderRecovery {
			staff = append(staff, w.Holder)
		}
	}
	if len(staff) == 0 {
		return active, nil
	}
	var q sqlBuilder
	query := `SELECT id, public_key FROM staff WHERE active AND id ` + q.in(staff)
	if db.postgres {
		query += ` FOR SHARE`
	}
	rows, err := tx.QueryContext(ctx, query, q.args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, pk string
		if err := rows.Scan(&id, &pk); err != nil {
			return nil, mapErr(err)
		}
		active[id] = pk
	}
	return active, mapErr(rows.Err())
}

// holderKeys maps the holders who may be given a case key to their public
// keys; the recovery key's is not kept here.
type holderKeys map[string]string

// replaced reports whether w was made for a staff member's public key that
// has been replaced since.
func (h holderKeys) replaced(w tropa.KeyWrap) bool {
	return w.Holder != tropa.HolderRecovery && w.To != "" && w.To != h[w.Holder]
}

// errKeyReplaced refuses a key wrapped to a public key that a rotation has
// replaced: its holder's old private key, which may be the adversary's,
// would open it.
var errKeyReplaced = tropa.Errorf(tropa.ECONFLICT, "key holder's key pair replaced since it was read")

// insertWrap stores a key wrap, with reason intake when w has none. With
// replace, a wrap the holder already has is replaced; without, it is a
// conflict.
func insertWrap(ctx context.Context, tx *sql.Tx, w tropa.KeyWrap, replace bool) error {
	reason := w.Reason
	if reason == "" {
		reason = tropa.AccessIntake
	}
	query := `INSERT INTO key_wraps (request_id, holder, reason, wrapped, created_at) VALUES ($1, $2, $3, $4, $5)`
	if replace {
		query += ` ON CONFLICT (request_id, holder) DO UPDATE SET reason = excluded.reason, wrapped = excluded.wrapped`
	}
	_, err := tx.ExecContext(ctx, query, w.RequestID, w.Holder, reason, w.Wrapped, day(w.CreatedAt))
	return mapErr(err)
}
