package desk

import (
	"context"
	"crypto/subtle"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"tropa"
	"tropa/seal"
)

const totpPeriod = 30

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

var errTOTP = tropa.UserError(tropa.EINVALID, "ErrTOTPWrong", nil)

// newTOTPKey returns a new TOTP key as its otpauth:// URL.
func (d *Desk) newTOTPKey(account string) (string, error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: d.cfg.TOTPIssuer, AccountName: account, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", err
	}
	return k.URL(), nil
}

// checkTOTP accepts a code from the current time step or either neighbour,
// once only.
func (d *Desk) checkTOTP(ctx context.Context, staff *tropa.StaffRecord, identity *seal.Identity, code string) error {
	url, err := identity.Decrypt(staff.SealedTOTP)
	if err != nil {
		return tropa.Errorf(tropa.EINTERNAL, "open TOTP secret: %v", err)
	}
	key, err := otp.NewKeyFromURL(string(url))
	if err != nil {
		return tropa.Errorf(tropa.EINTERNAL, "parse TOTP secret: %v", err)
	}
	step, ok := matchTOTP(key.Secret(), code, d.now())
	if !ok {
		return d.loginFailed(ctx, staff.ID, failTOTP, errLogin)
	}
	if err := d.cfg.Store.UseTOTPStep(ctx, staff.ID, step); tropa.IsCode(err, tropa.ECONFLICT) {
		return d.loginFailed(ctx, staff.ID, failTOTP, errLogin)
	} else if err != nil {
		return err
	}
	return nil
}

// matchTOTP returns the time step whose code matches.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	current := now.Unix() / totpPeriod
	for _, step := range []int64{current - 1, current, current + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// PendingTOTP returns the TOTP key a session in the enroll stage is to
// confirm, for showing as a QR code and as text.
func (d *Desk) PendingTOTP(ctx context.Context, s *Session) (*otp.Key, error) {
	if s.Stage != tropa.SessionEnroll {
		return nil, tropa.Errorf(tropa.ECONFLICT, "TOTP already enrolled")
	}
	rec, err := d.cfg.Store.SessionByID(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	url, err := seal.OpenString(&s.key, rec.SealedPendingTOTP, sessionAAD(s.ID, "pending_totp"))
	if err != nil {
		return nil, tropa.Errorf(tropa.EINTERNAL, "open pending TOTP: %v", err)
	}
	return otp.NewKeyFromURL(url)
}

// ConfirmTOTP finishes enrolment when code matches the pending key and
// enrolCode is the staff member's enrolment code, still valid: the password
// alone enrols no one. The secret is then kept encrypted to the staff
// member's own public key, so that only their password opens it, and the
// enrolment code is used up. A session that chose the password with the
// enrolment code may leave enrolCode empty.
func (d *Desk) ConfirmTOTP(ctx context.Context, s *Session, enrolCode, code string) error {
	if enrolCode == "" {
		enrolCode = s.enrolCode
	}
	key, err := d.PendingTOTP(ctx, s)
	if err != nil {
		return err
	}
	step, ok := matchTOTP(key.Secret(), code, d.now())
	if !ok {
		return errTOTP
	}
	sealed, err := seal.EncryptTo(s.Staff.PublicKey, []byte(key.URL()))
	if err != nil {
		return err
	}
	err = d.cfg.Store.CompleteEnrollment(ctx, &tropa.Enrollment{SessionID: s.ID, SealedTOTP: sealed,
		CodeHash: enrolHash(s.Staff.ID, enrolCode)}, tropa.AuditEvent{At: d.now(), Actor: s.Staff.ID, Action: tropa.ActionTOTPEnroll})
	if tropa.IsCode(err, tropa.ECONFLICT) {
		return d.loginFailed(ctx, s.Staff.ID, failEnrolCode, errEnrolCode)
	} else if err != nil {
		return err
	}
	s.Stage, s.enrolCode = tropa.SessionFull, ""
	return d.cfg.Store.UseTOTPStep(ctx, s.Staff.ID, step)
}
