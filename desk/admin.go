package desk

import (
	"context"
	"unicode/utf8"

	"tropa"
	"tropa/seal"
)

// ActorCLI is the audit actor for what an administrator does on the server's
// command line.
const ActorCLI = "cli"

// MinPasswordLen is the shortest staff password accepted, in characters.
const MinPasswordLen = 12

// Init prepares an empty store: it makes the organization's recovery key
// pair, keeps the public half, and returns the secret half, which exists
// nowhere else and must be kept offline.
func (d *Desk) Init(ctx context.Context) (recoverySecret string, err error) {
	if _, err := d.cfg.Store.Setting(ctx, settingRecoveryRecipient); err == nil {
		return "", tropa.UserError(tropa.ECONFLICT, "ErrAlreadyInitialised", nil)
	} else if !tropa.IsCode(err, tropa.ENOTFOUND) {
		return "", err
	}
	id, err := seal.NewIdentity()
	if err != nil {
		return "", err
	}
	if err := d.cfg.Store.SetSetting(ctx, settingRecoveryRecipient, id.Recipient()); err != nil {
		return "", err
	}
	return id.Secret(), nil
}

// Initialised reports whether Init has run.
func (d *Desk) Initialised(ctx context.Context) (bool, error) {
	_, err := d.cfg.Store.Setting(ctx, settingRecoveryRecipient)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return false, nil
	}
	return err == nil, err
}

// validPassword checks a new staff password: long enough, and not so long
// or malformed that it is surely a mistake.
func validPassword(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLen {
		return tropa.UserError(tropa.EINVALID, "ErrPasswordShort", map[string]any{"Min": MinPasswordLen})
	}
	return tropa.ValidateText(password, "password", MinPasswordLen, 1000)
}

// AddStaff creates a staff member with a new key pair whose private half is
// sealed under their password, for an administrator at the server's
// console or a script. They enrol TOTP at first login, with the enrolment
// code returned.
func (d *Desk) AddStaff(ctx context.Context, s tropa.Staff, password string) (*AddedStaff, error) {
	return d.addStaff(ctx, s, ActorCLI, func(rec *tropa.StaffRecord) error {
		if err := validPassword(password); err != nil {
			return err
		}
		identity, err := seal.NewIdentity()
		if err != nil {
			return err
		}
		salt := seal.RandomBytes(16)
		kek, err := d.cfg.KDF.PasswordKey(ctx, password, salt, d.cfg.PasswordParams)
		if err != nil {
			return busy(err)
		}
		rec.PublicKey, rec.KDF, rec.Salt = identity.Recipient(), d.cfg.PasswordParams.String(), salt
		rec.SealedPrivate = seal.SealIdentity(kek, identity, staffAAD(rec.ID))
		return nil
	})
}

// addStaff creates a staff member, as actor, with the keys that keys puts
// in their record, and an enrolment code.
func (d *Desk) addStaff(ctx context.Context, s tropa.Staff, actor string, keys func(*tropa.StaffRecord) error) (*AddedStaff, error) {
	s.ID = tropa.NewID()
	s.Active = true
	s.CreatedAt = d.now()
	if err := s.Validate(); err != nil {
		return nil, err
	}
	rec := &tropa.StaffRecord{Staff: s}
	if err := keys(rec); err != nil {
		return nil, err
	}
	code, kept := d.newEnrolCode(s.ID)
	rec.EnrolCode = kept
	err := d.cfg.Store.CreateStaff(ctx, rec, tropa.AuditEvent{At: s.CreatedAt, Actor: actor, Action: tropa.ActionStaffAdd,
		Detail: string(s.Role)})
	if tropa.IsCode(err, tropa.ECONFLICT) {
		return nil, tropa.UserError(tropa.ECONFLICT, "ErrStaffExists", nil)
	} else if err != nil {
		return nil, err
	}
	return &AddedStaff{Staff: rec.Staff, EnrolCode: code}, nil
}
