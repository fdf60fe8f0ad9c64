package store

import (
	"context"
	"database/sql"

	"tropa"
)

// requestColumns are read from "requests r" in the order scanRequest takes.
const requestColumns = `r.id, r.ref, r.kind, r.situation, r.channel, r.stage, r.urgency, r.created_at,
	r.last_applicant_at, r.last_staff_at`

// CreateRequest writes a new request with its first message, its key wraps
// and its receipt in one transaction: when it returns nil the request is on
// disk, and only then may the applicant see his receipt.
func (db *DB) CreateRequest(ctx context.Context, n *tropa.NewRequest) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		r := &n.Request
		if _, err := tx.ExecContext(ctx, `INSERT INTO requests (id, ref, kind, situation, channel, stage, urgency, created_at,
			last_applicant_at, last_staff_at, sealed_contact)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			r.ID, r.Ref, string(r.Kind), string(r.Situation), string(r.Channel), string(r.Stage), int(r.Urgency),
			micros(r.CreatedAt), micros(r.LastApplicantAt), micros(r.LastStaffAt), r.SealedContact); err != nil {
			return mapErr(err)
		}
		if err := insertMessage(ctx, tx, &n.First); err != nil {
			return err
		}
		for _, w := range n.Wraps {
			if _, err := tx.ExecContext(ctx, `INSERT INTO key_wraps (request_id, holder, wrapped, created_at)
				VALUES ($1, $2, $3, $4)`, w.RequestID, w.Holder, w.Wrapped, micros(w.CreatedAt)); err != nil {
				return mapErr(err)
			}
		}
		rc := &n.Receipt
		_, err := tx.ExecContext(ctx, `INSERT INTO receipts (lookup, request_id, kdf, salt, verifier, sealed_key, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			rc.Lookup, rc.RequestID, rc.KDF, rc.Salt, rc.Verifier, rc.SealedKey, micros(rc.CreatedAt))
		return mapErr(err)
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
	row := db.read.QueryRowContext(ctx, `SELECT `+requestColumns+`, r.sealed_contact FROM requests r WHERE r.id = $1`, id)
	if err := scanRequest(row, &rr.Request, &rr.SealedContact); err != nil {
		return nil, err
	}
	return &rr, nil
}

func scanRequest(row scanner, r *tropa.Request, extra ...any) error {
	var kind, situation, channel, stage string
	var urgency int
	var created, lastApplicant, lastStaff int64
	dest := append([]any{&r.ID, &r.Ref, &kind, &situation, &channel, &stage, &urgency,
		&created, &lastApplicant, &lastStaff}, extra...)
	if err := row.Scan(dest...); err != nil {
		return mapErr(err)
	}
	r.Kind, r.Situation, r.Channel, r.Stage = tropa.Kind(kind), tropa.Situation(situation), tropa.Channel(channel), tropa.Stage(stage)
	r.Urgency = tropa.Urgency(urgency)
	r.CreatedAt, r.LastApplicantAt, r.LastStaffAt = fromMicros(created), fromMicros(lastApplicant), fromMicros(lastStaff)
	return nil
}

// Inbox lists the requests wrapped to f.Holder, most urgent first, then newest.
func (db *DB) Inbox(ctx context.Context, f tropa.InboxFilter) ([]tropa.Request, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+requestColumns+` FROM requests r
		JOIN key_wraps k ON k.request_id = r.id AND k.holder = $1
		ORDER BY r.urgency DESC, r.created_at DESC LIMIT $2`, f.Holder, f.Limit)
	if err != nil {
		return nil, mapErr(err)
	}
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

// Messages returns a request's messages, oldest first.
func (db *DB) Messages(ctx context.Context, requestID string) ([]tropa.MessageRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, request_id, author, COALESCE(staff_id, ''), created_at, sealed_body
		FROM messages WHERE request_id = $1 ORDER BY created_at, id`, requestID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.MessageRecord
	for rows.Next() {
		var m tropa.MessageRecord
		var author string
		var created int64
		if err := rows.Scan(&m.ID, &m.RequestID, &author, &m.StaffID, &created, &m.SealedBody); err != nil {
			return nil, mapErr(err)
		}
		m.Author = tropa.Author(author)
		m.CreatedAt = fromMicros(created)
		list = append(list, m)
	}
	return list, mapErr(rows.Err())
}

// AddMessage appends a message to a request's thread and notes who wrote
// last; ev, when not nil, goes into the audit log in the same transaction.
func (db *DB) AddMessage(ctx context.Context, m *tropa.MessageRecord, ev *tropa.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertMessage(ctx, tx, m); err != nil {
			return err
		}
		column := "last_applicant_at"
		if m.Author == tropa.AuthorStaff {
			column = "last_staff_at"
		}
		res, err := tx.ExecContext(ctx, `UPDATE requests SET `+column+` = $1 WHERE id = $2`, micros(m.CreatedAt), m.RequestID)
		if err := mustAffect(res, err); err != nil {
			return err
		}
		if ev == nil {
			return nil
		}
		return appendAudit(ctx, tx, *ev)
	})
}

func insertMessage(ctx context.Context, tx *sql.Tx, m *tropa.MessageRecord) error {
	var staffID any
	if m.StaffID != "" {
		staffID = m.StaffID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO messages (id, request_id, author, staff_id, created_at, sealed_body)
		VALUES ($1, $2, $3, $4, $5, $6)`, m.ID, m.RequestID, string(m.Author), staffID, micros(m.CreatedAt), m.SealedBody)
	return mapErr(err)
}

// KeyWrap returns the case key of a request wrapped to holder, or ENOTFOUND:
// then the holder has no access.
func (db *DB) KeyWrap(ctx context.Context, requestID, holder string) (*tropa.KeyWrap, error) {
	var w tropa.KeyWrap
	var created int64
	err := db.read.QueryRowContext(ctx, `SELECT request_id, holder, wrapped, created_at FROM key_wraps
		WHERE request_id = $1 AND holder = $2`, requestID, holder).Scan(&w.RequestID, &w.Holder, &w.Wrapped, &created)
	if err != nil {
		return nil, mapErr(err)
	}
	w.CreatedAt = fromMicros(created)
	return &w, nil
}
