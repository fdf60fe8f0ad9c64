package tropa

import (
	"context"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// CaseRegrant records a case key wrapped again to a staff member whose keys
// a password reset destroyed.
const CaseRegrant CaseAction = "regrant"

// ActionPasswordReset records a staff member's keys destroyed for a
// forgotten password, with a new enrolment code; its detail is their id and
// how many cases they held. ActionStaffEnrol records a staff member setting
// their own password with an enrolment code.
const (
	ActionPasswordReset = "staff.password_reset"
	ActionStaffEnrol    = "staff.enrol"
)

// Keyed reports whether the staff member has a key pair: one added on the
// web, or whose password was reset, has none until they choose a password
// with their enrolment code, and can be given no case until then.
func (s Staff) Keyed() bool { return s.PublicKey != "" }

// FirstKeys is a staff member's first key pair, or the one after a password
// reset, sealed under the password they chose with their enrolment code.
type FirstKeys struct {
	StaffID       string
	PublicKey     string
	KDF           string
	Salt          []byte
	SealedPrivate []byte
	// CodeHash is the hash of the enrolment code given: it must be the one
	// stored, still valid at the audit event's time. It stays until TOTP
	// is enrolled, which needs it too.
	CodeHash []byte
}

// Regrant is a case a staff member held when a password reset destroyed
// their keys, to be wrapped again to their new key by someone who can open
// it.
type Regrant struct {
	StaffID string
	Request Request
	// Reason is why they held it: one of the Access* constants.
	Reason string
}

// TeamStore keeps what staff do for each other: first keys, password
// resets and the cases to re-grant after one.
type TeamStore interface {
	// SetFirstKeys gives a staff member without keys the key pair k, if
	// they are active and k.CodeHash is their valid enrolment code, or
	// fails with ECONFLICT; ev is appended.
	SetFirstKeys(ctx context.Context, k *FirstKeys, ev AuditEvent) error
	// ResetKeys destroys a staff member's key pair: their private keys,
	// TOTP secret, sessions and every case key wrapped to them, keeping
	// code as their new enrolment code; the cases they held are listed to
	// re-grant, and each one's history records the loss. It returns how
	// many cases are listed.
	ResetKeys(ctx context.Context, id string, code EnrolCode, ev AuditEvent) (int64, error)
	// Regrants lists the cases still to re-grant to a staff member: listed
	// by a reset and not yet wrapped to them again, by reference.
	Regrants(ctx context.Context, staffID string) ([]Regrant, error)
	// RegrantCounts counts, by staff member, the cases still to re-grant.
	RegrantCounts(ctx context.Context) (map[string]int, error)
}

// Limits of the organization's identity, in characters.
const (
	MaxOrgNameLen = 80
	MaxPromiseLen = 300
)

// OrgIdentity is how the organization presents itself to applicants: its
// name and what it promises them, by language. A language left out reads
// the catalog's text.
type OrgIdentity struct {
	Names    map[string]string `json:"names,omitempty"`
	Promises map[string]string `json:"promises,omitempty"`
}

// Name is the organization's name in lang, or "".
func (o OrgIdentity) Name(lang string) string { return o.Names[lang] }

// Promise is what the organization promises applicants in lang, or "".
func (o OrgIdentity) Promise(lang string) string { return o.Promises[lang] }

// NewOrgIdentity makes an identity from what an administrator typed, by
// language: spaces trimmed, empty ones left to the catalog, a name on one
// line, nothing too long or hidden.
func NewOrgIdentity(names, promises map[string]string) (OrgIdentity, error) {
	var o OrgIdentity
	var err error
	if o.Names, err = cleanTexts(names, "org_name", MaxOrgNameLen, false); err != nil {
		return OrgIdentity{}, err
	}
	if o.Promises, err = cleanTexts(promises, "promise", MaxPromiseLen, true); err != nil {
		return OrgIdentity{}, err
	}
	return o, nil
}

// cleanTexts trims texts and leaves out the empty ones; each must be valid
// text of at most max characters, and on one line unless multiline.
func cleanTexts(texts map[string]string, field string, max int, multiline bool) (map[string]string, error) {
	var clean map[string]string
	for lang, t := range texts {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if err := ValidateText(t, field, 1, max); err != nil {
			return nil, err
		}
		if !multiline && strings.ContainsAny(t, "\t\r\n") {
			return nil, UserError(EINVALID, "ErrOrgNameLine", nil)
		}
		if clean == nil {
			clean = map[string]string{}
		}
		clean[lang] = t
	}
	return clean, nil
}

// Marshal is the identity as stored.
func (o OrgIdentity) Marshal() string {
	b, _ := json.Marshal(o)
	return string(b)
}

// ParseOrgIdentity reads a stored identity; "" is none set.
func ParseOrgIdentity(stored string) (OrgIdentity, error) {
	var o OrgIdentity
	if stored == "" {
		return o, nil
	}
	if !utf8.ValidString(stored) {
		return o, Errorf(EINTERNAL, "organization identity: invalid UTF-8")
	}
	if err := json.Unmarshal([]byte(stored), &o); err != nil {
		return o, Errorf(EINTERNAL, "organization identity: %v", err)
	}
	return o, nil
}
