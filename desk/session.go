package desk

import (
	"context"
	"encoding/base64"
	"strings"

	"tropa"
	"tropa/seal"
)

// Session is a logged-in staff member, with their private key unlocked for
// the length of one HTTP request.
type Session struct {
	ID       string
	Stage    tropa.SessionStage
	Staff    tropa.Staff
	identity *seal.Identity
	// old is the private key an unfinished rotation is replacing.
	old *seal.Identity
	key seal.Key
	// enrolCode is the enrolment code the staff member chose their
	// password with in this session, until TOTP is enrolled.
	enrolCode string
}

// EnrolCodeGiven reports whether the session was started with the staff
// member's enrolment code, so that enrolling TOTP need not ask for it.
func (s *Session) EnrolCodeGiven() bool { return s.enrolCode != "" }

// Token is the value of the session cookie: the session's id and the key
// that opens the private key sealed in its row. The database alone holds
// no usable session.
func (s *Session) Token() string {
	return s.ID + "." + base64.RawURLEncoding.EncodeToString(s.key[:])
}

func parseToken(token string) (id string, key seal.Key, ok bool) {
	id, enc, found := strings.Cut(token, ".")
	if !found || len(id) == 0 || len(id) > 64 {
		return "", key, false
	}
	b, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil || len(b) != len(key) {
		return "", key, false
	}
	return id, seal.Key(b), true
}

var errLogin = tropa.UserError(tropa.EUNAUTHORIZED, "ErrLoginFailed", nil)

// ActorUnknown is the audit actor of a failed login under a name no staff
// member has. The name typed is not kept: it may be a password typed into
// the wrong field, or a real name tried against the wrong installation.
const ActorUnknown = "unknown"

// What failed in a failed login, as its audit entry's detail.
const (
	failName      = "name"
	failPassword  = "password"
	failInactive  = "inactive"
	failTOTP      = "totp"
	failEnrolCode = "enrol_code"
	failNoKeys    = "no_keys"
)

// loginFailed records a failed login, or enrolment, in the audit log,
// without anything typed, and returns refusal. Guesses leave a trace that
// an administrator sees; how fast they come is bounded by the callers.
func (d *Desk) loginFailed(ctx context.Context, actor, what string, refusal error) error {
	if err := d.cfg.Store.Audit(ctx, tropa.AuditEvent{At: d.now(), Actor: actor, Action: tropa.ActionLoginFailed,
		Detail: what}); err != nil {
		return err
	}
	return refusal
}

// Login checks a staff member's name, password and (once enrolled) TOTP
// code and starts a session. Every failure gives the same error.
func (d *Desk) Login(ctx context.Context, name, password, code string) (*Session, error) {
	staff, err := d.cfg.Store.StaffByName(ctx, name)
	if tropa.IsCode(err, tropa.ENOTFOUND) || (err == nil && !staff.Keyed()) {
		// The same work as a real check, so that timing does not tell
		// which names exist, or whose keys were reset.
		if _, err := d.cfg.KDF.PasswordKey(ctx, password, decoySalt, d.cfg.PasswordParams); err != nil {
			return nil, busy(err)
		}
		if staff != nil {
			return nil, d.loginFailed(ctx, staff.ID, failNoKeys, errLogin)
		}
		return nil, d.loginFailed(ctx, ActorUnknown, failName, errLogin)
	} else if err != nil {
		return nil, err
	}
	identity, err := d.unlock(ctx, staff, password)
	if tropa.IsCode(err, tropa.EUNAUTHORIZED) {
		return nil, d.loginFailed(ctx, staff.ID, failPassword, err)
	} else if err != nil {
		return nil, err
	}
	if !staff.Active {
		return nil, d.loginFailed(ctx, staff.ID, failInactive, errLogin)
	}
	stage := tropa.SessionFull
	if staff.TOTPEnrolled {
		if err := d.checkTOTP(ctx, staff, identity, code); err != nil {
			return nil, err
		}
	} else {
		stage = tropa.SessionEnroll
	}
	if identity, err = d.rotateAtLogin(ctx, staff, password, identity); err != nil {
		return nil, err
	}
	return d.startSession(ctx, staff, identity, stage, "")
}

// startSession starts a session at stage for staff, holding identity;
// enrolCode, when not "", is the enrolment code just given, kept for the
// TOTP enrolment that follows.
func (d *Desk) startSession(ctx context.Context, staff *tropa.StaffRecord, identity *seal.Identity, stage tropa.SessionStage,
	enrolCode string) (*Session, error) {
	s := &Session{ID: tropa.NewID(), Stage: stage, Staff: staff.Staff, identity: identity, key: seal.NewKey(), enrolCode: enrolCode}
	now := d.now()
	rec := &tropa.SessionRecord{ID: s.ID, StaffID: staff.ID, Stage: stage, CreatedAt: now, LastSeenAt: now,
		SealedIdentity: seal.SealIdentity(&s.key, identity, sessionAAD(s.ID, "identity"))}
	if stage == tropa.SessionEnroll {
		pending, err := d.newTOTPKey(staff.Name)
		if err != nil {
			return nil, err
		}
		rec.SealedPendingTOTP = seal.SealString(&s.key, pending, sessionAAD(s.ID, "pending_totp"))
		if enrolCode != "" {
			rec.SealedEnrolCode = seal.SealString(&s.key, enrolCode, sessionAAD(s.ID, "enrol_code"))
		}
	}
	if err := d.cfg.Store.CreateSession(ctx, rec, tropa.AuditEvent{At: now, Actor: staff.ID, Action: tropa.ActionLogin}); err != nil {
		return nil, err
	}
	if err := d.signAudit(ctx, staff.ID, identity); err != nil {
		return nil, err
	}
	return s, nil
}

// unlock opens a staff member's private key with their password; a wrong
// password fails to open it.
func (d *Desk) unlock(ctx context.Context, staff *tropa.StaffRecord, password string) (*seal.Identity, error) {
	keys, err := d.unlockKeys(ctx, staff, password)
	if err != nil {
		return nil, err
	}
	return keys.current, nil
}

// Session returns the session a cookie token names, or EUNAUTHORIZED when
// it is unknown, expired, or its staff member has been deactivated.
func (d *Desk) Session(ctx context.Context, token string) (*Session, error) {
	id, key, ok := parseToken(token)
	if !ok {
		return nil, errNoSession
	}
	rec, err := d.cfg.Store.SessionByID(ctx, id)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return nil, errNoSession
	} else if err != nil {
		return nil, err
	}
	now := d.now()
	if now.Sub(rec.LastSeenAt) > d.cfg.IdleTimeout || now.Sub(rec.CreatedAt) > d.cfg.MaxSessionAge {
		return nil, d.endSession(ctx, id)
	}
	staff, err := d.cfg.Store.StaffByID(ctx, rec.StaffID)
	if err != nil {
		return nil, err
	}
	if !staff.Active {
		return nil, d.endSession(ctx, id)
	}
	identity, err := seal.OpenIdentity(&key, rec.SealedIdentity, sessionAAD(id, "identity"))
	if err != nil {
		return nil, errNoSession
	}
	var old *seal.Identity
	if rec.SealedOldIdentity != nil {
		if old, err = seal.OpenIdentity(&key, rec.SealedOldIdentity, sessionAAD(id, "old_identity")); err != nil {
			return nil, errNoSession
		}
	}
	// Touching on every request would make every page view a write.
	if now.Sub(rec.LastSeenAt) > d.cfg.IdleTimeout/30 {
		if err := d.cfg.Store.TouchSession(ctx, id, now); err != nil {
			return nil, err
		}
	}
	var enrolCode string
	if rec.SealedEnrolCode != nil {
		if enrolCode, err = seal.OpenString(&key, rec.SealedEnrolCode, sessionAAD(id, "enrol_code")); err != nil {
			return nil, errNoSession
		}
	}
	return &Session{ID: id, Stage: rec.Stage, Staff: staff.Staff, identity: identity, old: old, key: key, enrolCode: enrolCode}, nil
}

var errNoSession = tropa.Errorf(tropa.EUNAUTHORIZED, "no valid session")

func (d *Desk) endSession(ctx context.Context, id string) error {
	if err := d.deleteSession(ctx, id); err != nil {
		return err
	}
	return errNoSession
}

// Logout ends a session; the sealed private key in its row goes with it.
func (d *Desk) Logout(ctx context.Context, s *Session) error {
	return d.deleteSession(ctx, s.ID)
}

// deleteSession deletes a session's row, and soon what is left of it on
// the disk: the private key sealed in it opens with the key in a cookie
// that may still exist.
func (d *Desk) deleteSession(ctx context.Context, id string) error {
	if err := d.cfg.Store.DeleteSession(ctx, id); err != nil {
		return err
	}
	d.ReclaimSoon()
	return nil
}

// SweepSessions ends every session idle longer than IdleTimeout, so that
// the sealed keys of people who walked away do not wait in the database
// for their return. It returns how many ended.
func (d *Desk) SweepSessions(ctx context.Context) (int64, error) {
	n, err := d.cfg.Store.DeleteSessionsBefore(ctx, d.now().Add(-d.cfg.IdleTimeout))
	if n > 0 {
		d.ReclaimSoon()
	}
	return n, err
}

func sessionAAD(id, field string) seal.AAD {
	return seal.AAD{Table: "sessions", Row: id, Field: field}
}

func staffAAD(id string) seal.AAD {
	return seal.AAD{Table: "staff", Row: id, Field: "private_key"}
}
