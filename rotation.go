package tropa

import "context"

// KeyRotation replaces a staff member's key pair. The new private key is
// sealed under a password key; the old one is kept sealed under the same
// key until every case key wrapped to it has been wrapped again to the new
// one, so that a rotation cut short resumes at the next login.
type KeyRotation struct {
	StaffID string
	// OldPublicKey is the key pair being replaced: the rotation fails with
	// ECONFLICT if another has replaced it since, or is still unfinished.
	OldPublicKey     string
	PublicKey        string
	KDF              string
	Salt             []byte
	SealedPrivate    []byte
	SealedPrivateOld []byte
	// SealedTOTP is the TOTP secret encrypted to the new public key; nil
	// for someone not enrolled.
	SealedTOTP []byte
	// KeepSession, when set, is the session that asked for the rotation:
	// it stays, holding both private keys under its own key. Every other
	// session of the staff member ends.
	KeepSession        string
	SessionIdentity    []byte
	SessionOldIdentity []byte
}

// Rewrap replaces one wrapped case key, if it is still Old.
type Rewrap struct {
	RequestID string
	Holder    string
	Old       []byte
	New       []byte
}

// RotationStore keeps what a key rotation changes.
type RotationStore interface {
	// StartRotation stores the new key pair, and in the same transaction
	// ends the staff member's other sessions and appends ev.
	StartRotation(ctx context.Context, r *KeyRotation, ev AuditEvent) error
	// HeldWraps lists at most limit case keys wrapped to holder, by request
	// id, from the first after after.
	HeldWraps(ctx context.Context, holder, after string, limit int) ([]KeyWrap, error)
	// Rewrap replaces, in one transaction, each wrap that is still as it
	// was read, and returns how many it replaced: one changed or removed
	// meanwhile is left as it is.
	Rewrap(ctx context.Context, wraps []Rewrap) (int64, error)
	// FinishRotation forgets the old private key of a staff member whose
	// public key is publicKey, in their row and in their sessions, and
	// appends ev.
	FinishRotation(ctx context.Context, staffID, publicKey string, ev AuditEvent) error
}
