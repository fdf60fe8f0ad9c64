package desk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"strings"
	"time"

	"tropa"
)

// EnrolCodeLifetime is how long an enrolment code stays valid: over a
// weekend, for an account made on a Friday.
const EnrolCodeLifetime = 72 * time.Hour

// enrolCodeLen is an enrolment code's length in base32 letters and digits:
// 80 random bits.
const enrolCodeLen = 16

// AddedStaff is a new staff member with the enrolment code that must come
// with their password at their first login. The code exists nowhere else:
// it is shown once, to whoever made the account.
type AddedStaff struct {
	tropa.Staff
	EnrolCode string
}

// newEnrolCode makes an enrolment code for a staff member, in groups of four
// for reading out, and what is kept of it.
func (d *Desk) newEnrolCode(staffID string) (string, tropa.EnrolCode) {
	raw := rand.Text()[:enrolCodeLen]
	var groups []string
	for i := 0; i < len(raw); i += 4 {
		groups = append(groups, raw[i:i+4])
	}
	return strings.Join(groups, "-"), tropa.EnrolCode{Hash: enrolHash(staffID, raw), ExpiresAt: d.now().Add(EnrolCodeLifetime)}
}

// enrolHash is what is kept of an enrolment code, bound to its staff
// member so that it enrols no one else. The code is random and long, so a
// plain hash of it gives a reader of the database nothing to guess from;
// it is typed as read out, so case, spaces and dashes do not count.
func enrolHash(staffID, code string) []byte {
	code = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToUpper(code))
	h := sha256.New()
	h.Write([]byte("tropa-enrol-code-v1\x00" + staffID + "\x00" + code))
	return h.Sum(nil)
}

// errEnrolCode refuses an enrolment without the right enrolment code.
var errEnrolCode = tropa.UserError(tropa.EINVALID, "ErrEnrolCodeWrong", nil)

// ResetTOTP forgets a staff member's TOTP secret, for one who lost their
// phone; their sessions end and they enrol again at their next login with
// the enrolment code returned, which s is to pass on.
func (d *Desk) ResetTOTP(ctx context.Context, s *Session, staffID string) (string, error) {
	st, err := d.managed(ctx, s, staffID)
	if err != nil {
		return "", err
	}
	return d.resetTOTP(ctx, st.ID, s.Staff.ID)
}

// ResetTOTPByName is ResetTOTP for an administrator on the server's
// command line: for a staff member whose code has expired, or an
// installation with no one left who can log in to reset it.
func (d *Desk) ResetTOTPByName(ctx context.Context, name string) (string, error) {
	st, err := d.cfg.Store.StaffByName(ctx, name)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return "", tropa.Errorf(tropa.ENOTFOUND, "no staff member is called %q", name)
	} else if err != nil {
		return "", err
	}
	return d.resetTOTP(ctx, st.ID, ActorCLI)
}

func (d *Desk) resetTOTP(ctx context.Context, staffID, actor string) (string, error) {
	code, kept := d.newEnrolCode(staffID)
	err := d.cfg.Store.ResetTOTP(ctx, staffID, kept, tropa.AuditEvent{At: d.now(), Actor: actor,
		Action: tropa.ActionTOTPReset, Detail: staffID})
	if err != nil {
		return "", err
	}
	d.ReclaimSoon()
	return code, nil
}
