package store

import (
	"context"
	"database/sql"

	"tropa"
)

// LinkChat seals a Telegram chat to a request, replacing the one it had,
// and keeps l's inbound key pair only if the request has none yet: two
// links made at once by two nodes leave one key pair, the first. It
// audits l.Audit in the same transaction, and returns ENOTFOUND if there
// is no such request.
func (db *DB) LinkChat(ctx context.Context, l *tropa.ChatLink) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := mustAffect(tx.ExecContext(ctx, `UPDATE requests SET sealed_chat = $1, sealed_chat_key = $2,
			sealed_inbound_identity = CASE WHEN inbound_recipient IS NULL THEN $3 ELSE sealed_inbound_identity END,
			inbound_recipient = COALESCE(inbound_recipient, $4)
			WHERE id = $5`, l.SealedChat, l.SealedChatKey, l.SealedInboundIdentity, nullable(l.InboundRecipient),
			l.RequestID)); err != nil {
			return err
		}
		return appendAudit(ctx, tx, l.Audit)
	})
}

// SetDelivery notes how far a reply got to the applicant's chat: only a
// pending one changes, so that a late answer from a node that sent it
// twice does not undo what another noted.
func (db *DB) SetDelivery(ctx context.Context, messageID string, d tropa.Delivery) error {
	n, err := affected(db.write.ExecContext(ctx, `UPDATE messages SET delivery = $1 WHERE id = $2 AND delivery = $3`,
		string(d), messageID, string(tropa.DeliveryPending)))
	if err != nil || n > 0 {
		return err
	}
	var one int
	return mapErr(db.read.QueryRowContext(ctx, `SELECT 1 FROM messages WHERE id = $1`, messageID).Scan(&one))
}

// nullable is s, or NULL when s is empty.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
