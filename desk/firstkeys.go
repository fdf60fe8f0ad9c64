package desk

import (
	"context"
	"crypto/subtle"

	"tropa"
	"tropa/seal"
)

// Enrol is the first login of a staff member who has no key pair yet: one
// an administrator added on the web, or whose password was reset. With
// their name and the enrolment code they were given they choose their own
// password, which nobody else ever knew; a new key pair is made and sealed
// under it, and the session returned goes on to enrol TOTP with the same
// code, which is used up only then. A wrong name, code, or a staff member
// who already has keys all give the same error.
func (d *Desk) Enrol(ctx context.Context, name, enrolCode, password string) (*Session, error) {
	if err := validPassword(password); err != nil {
		return nil, err
	}
	staff, err := d.cfg.Store.StaffByName(ctx, name)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return nil, d.loginFailed(ctx, ActorUnknown, failName, errEnrolCode)
	} else if err != nil {
		return nil, err
	}
	now := d.now()
	hash := enrolHash(staff.ID, enrolCode)
	if !staff.Active || staff.Keyed() || subtle.ConstantTimeCompare(hash, staff.EnrolCode.Hash) != 1 ||
		!now.Before(staff.EnrolCode.ExpiresAt) {
		return nil, d.loginFailed(ctx, staff.ID, failEnrolCode, errEnrolCode)
	}
	identity, err := seal.NewIdentity()
	if err != nil {
		return nil, err
	}
	salt := seal.RandomBytes(16)
	kek, err := d.cfg.KDF.PasswordKey(ctx, password, salt, d.cfg.PasswordParams)
	if err != nil {
		return nil, busy(err)
	}
	keys := &tropa.FirstKeys{StaffID: staff.ID, PublicKey: identity.Recipient(), KDF: d.cfg.PasswordParams.String(),
		Salt: salt, SealedPrivate: seal.SealIdentity(kek, identity, staffAAD(staff.ID)), CodeHash: hash}
	err = d.cfg.Store.SetFirstKeys(ctx, keys, tropa.AuditEvent{At: d.now(), Actor: staff.ID, Action: tropa.ActionStaffEnrol})
	if tropa.IsCode(err, tropa.ECONFLICT) {
		return nil, d.loginFailed(ctx, staff.ID, failEnrolCode, errEnrolCode)
	} else if err != nil {
		return nil, err
	}
	staff.PublicKey, staff.KDF, staff.Salt, staff.SealedPrivate = keys.PublicKey, keys.KDF, keys.Salt, keys.SealedPrivate
	staff.SealedTOTP, staff.TOTPEnrolled = nil, false
	return d.startSession(ctx, staff, identity, tropa.SessionEnroll, enrolCode)
}
