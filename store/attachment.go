package store

import (
	"context"
	"database/sql"

	"tropa"
)

// insertAttachments writes the attachments of a message just written, in
// their order.
func insertAttachments(ctx context.Context, tx *sql.Tx, m *tropa.MessageRecord) error {
	for i, a := range m.Attachments {
		if _, err := tx.ExecContext(ctx, `INSERT INTO attachments (id, request_id, message_id, position, type, size,
			created_at, sealed_name, sealed_data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			a.ID, m.RequestID, m.ID, i, a.Type, a.Size, day(a.CreatedAt), a.SealedName, a.SealedData); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// attachmentColumns are read from "attachments a JOIN messages m".
const attachmentColumns = `a.id, a.request_id, a.message_id, a.type, a.size, a.created_at, a.sealed_name, m.wrapped_key`

// Attachments lists a request's attachments, oldest first and each
// message's in the order they were sent, without their content.
func (db *DB) Attachments(ctx context.Context, requestID string) ([]tropa.AttachmentRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+attachmentColumns+` FROM attachments a
		JOIN messages m ON m.id = a.message_id WHERE a.request_id = $1 ORDER BY m.seq, a.position`, requestID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.AttachmentRecord
	for rows.Next() {
		var a tropa.AttachmentRecord
		if err := scanAttachment(rows, &a); err != nil {
			return nil, err
		}
		list = append(list, a)
	}
	return list, mapErr(rows.Err())
}

// Attachment returns one attachment of a request with its content, or
// ENOTFOUND, also when it belongs to another request.
func (db *DB) Attachment(ctx context.Context, requestID, id string) (*tropa.AttachmentRecord, error) {
	var a tropa.AttachmentRecord
	row := db.read.QueryRowContext(ctx, `SELECT `+attachmentColumns+`, a.sealed_data FROM attachments a
		JOIN messages m ON m.id = a.message_id WHERE a.request_id = $1 AND a.id = $2`, requestID, id)
	if err := scanAttachment(row, &a, &a.SealedData); err != nil {
		return nil, err
	}
	return &a, nil
}

// scanAttachment reads attachmentColumns, then extra.
func scanAttachment(row scanner, a *tropa.AttachmentRecord, extra ...any) error {
	var created int64
	dest := append([]any{&a.ID, &a.RequestID, &a.MessageID, &a.Type, &a.Size, &created, &a.SealedName, &a.MessageKey}, extra...)
	if err := row.Scan(dest...); err != nil {
		return mapErr(err)
	}
	a.CreatedAt = fromMicros(created)
	return nil
}
