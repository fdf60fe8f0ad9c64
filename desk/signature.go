package desk

import (
	"context"

	"tropa"
	"tropa/seal"
)

// signAudit signs the audit log's head with the signing key of a staff
// member's identity, registering the key in the log first if the log has
// not seen it: after a new key pair, the first login registers its key.
// The signature vouches that the log up to the head was as it is now when
// the staff member logged in; rewriting it later needs this key.
func (d *Desk) signAudit(ctx context.Context, staffID string, identity *seal.Identity) error {
	key := identity.SigningKey()
	pub := key.Public()
	fp := seal.Fingerprint(pub)
	now := d.now()
	if _, err := d.cfg.Store.SigningKey(ctx, fp); tropa.IsCode(err, tropa.ENOTFOUND) {
		err := d.cfg.Store.AddSigningKey(ctx, &tropa.SigningKey{Fingerprint: fp, StaffID: staffID, PublicKey: pub, CreatedAt: now},
			tropa.AuditEvent{At: now, Actor: staffID, Action: tropa.ActionSigningKey, Detail: fp})
		// Two logins at once may both register the key; one does.
		if err != nil && !tropa.IsCode(err, tropa.ECONFLICT) {
			return err
		}
	} else if err != nil {
		return err
	}
	seq, hash, err := d.cfg.Store.AuditHead(ctx)
	if err != nil {
		return err
	}
	return d.cfg.Store.AddAuditSignature(ctx, &tropa.AuditSignature{Seq: seq, Fingerprint: fp, At: now,
		Signature: key.Sign(tropa.HeadMessage(seq, hash))})
}
