package tropa

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"time"
)

// The records below are what the stores keep: plaintext metadata beside
// sealed bytes that only a holder of the right key can open. A store never
// sees a key or a plaintext field.

// RequestRecord is a request as stored.
type RequestRecord struct {
	Request
	SealedContact []byte
	// SealedContactKey is the key SealedContact is sealed under, sealed
	// under the case key. It is nil once the contact is erased, and for a
	// contact sealed under the case key itself, as before contacts had keys
	// of their own.
	SealedContactKey []byte
	// SealedDetails holds the case's CaseDetails; nil until first saved.
	SealedDetails []byte
	// SealedChat is the Telegram chat the applicant writes from, sealed
	// under SealedChatKey, which is sealed under the case key; both nil
	// when he has none or had his contact erased.
	SealedChat    []byte
	SealedChatKey []byte
	// InboundRecipient is the public half of the case's inbound key pair,
	// to which messages arriving without the case key are sealed; its
	// private half is SealedInboundIdentity, sealed under the case key.
	// Empty and nil for a request that has none.
	InboundRecipient      string
	SealedInboundIdentity []byte
}

// MessageRecord is a message as stored.
type MessageRecord struct {
	ID        string
	RequestID string
	Author    Author
	StaffID   string
	// CreatedAt is kept to the day; SealedAt holds the exact time under
	// the case key, nil in messages written before times were sealed.
	CreatedAt  time.Time
	SealedAt   []byte
	SealedBody []byte
	// WrappedKey is nil for a message sealed under the case key. For one
	// sealed without it, it is the key that SealedAt, SealedBody and the
	// attachments are sealed under, wrapped to the request's inbound
	// public key.
	WrappedKey []byte
	// Delivery is how far a staff reply got to the applicant's chat.
	Delivery Delivery
	// Attachments are written with the message.
	Attachments []AttachmentRecord
}

// HolderRecovery is the holder of the wrap to the organization's offline
// recovery key.
const HolderRecovery = "recovery"

// KeyWrap is a request's case key wrapped to one holder: a staff member (by
// ID) or HolderRecovery. Having the row is having access.
type KeyWrap struct {
	RequestID string
	Holder    string
	// Reason is why the holder has it: one of the Access* constants.
	Reason    string
	Wrapped   []byte
	CreatedAt time.Time
	// To is the public key Wrapped was made for, when the holder is a
	// staff member. It is not stored: the store refuses a wrap made for a
	// key that a rotation has replaced since it was read. Empty skips the
	// check.
	To string
}

// ReceiptRecord lets an applicant return to his request. Lookup is the public
// part of the receipt; the secret part is never stored, only the argon2id
// verifier under a salt of this record's own.
type ReceiptRecord struct {
	Lookup    string
	RequestID string
	KDF       string
	Salt      []byte
	Verifier  []byte
	// SealedKey is the case key sealed under the key derived from the
	// receipt's secret.
	SealedKey []byte
	CreatedAt time.Time
}

// NewRequest is everything intake writes for one request, in one transaction.
type NewRequest struct {
	Request RequestRecord
	First   MessageRecord
	Wraps   []KeyWrap
	Receipt ReceiptRecord
	// Audit, when set, is appended with the request: a request staff
	// entered is stored with its entry in the audit log or not at all.
	Audit *AuditEvent
	// Call, when set, is the phone call the request was taken on, stored
	// with its entry in the case's history.
	Call  *CallRecord
	Event *CaseEventRecord
}

// StaffRecord is a staff member as stored, with their private key sealed
// under their password key and their TOTP secret encrypted to their own
// public key.
type StaffRecord struct {
	Staff
	KDF           string
	Salt          []byte
	SealedPrivate []byte
	SealedTOTP    []byte
	TOTPLastStep  int64
	// EnrolCode is the code that must come with the first TOTP code; it
	// is the zero EnrolCode once enrolled.
	EnrolCode EnrolCode
	// SealedPrivateOld is the private key a rotation is replacing, sealed
	// under the same password key, until no case key is wrapped to it.
	SealedPrivateOld []byte
	// RotateAtLogin makes the next login replace the key pair first.
	RotateAtLogin bool
}

// EnrolCode is what is kept of a staff member's one-time enrolment code:
// a hash of it, and when it stops being valid.
type EnrolCode struct {
	Hash      []byte
	ExpiresAt time.Time
}

// Enrollment finishes a staff member's TOTP enrolment from a session in
// the enroll stage.
type Enrollment struct {
	SessionID  string
	SealedTOTP []byte
	// CodeHash is the hash of the enrolment code given: it must be the one
	// stored, still valid at the audit event's time. It is then cleared,
	// so that a code works once.
	CodeHash []byte
}

// Recipient is a staff member's public key.
type Recipient struct {
	StaffID   string
	PublicKey string
	// Reason is why the recipient gets the key; empty means intake.
	Reason string
}

// SessionStage says what a session may do.
type SessionStage string

const (
	// SessionEnroll may only finish enrolling TOTP.
	SessionEnroll SessionStage = "enroll"
	SessionFull   SessionStage = "full"
)

// SessionRecord is a staff login as stored: the staff member's private key
// sealed under a session key that only the user's cookie holds.
type SessionRecord struct {
	ID             string
	StaffID        string
	Stage          SessionStage
	SealedIdentity []byte
	// SealedPendingTOTP holds a TOTP secret being enrolled, under the
	// session key.
	SealedPendingTOTP []byte
	// SealedOldIdentity holds, under the session key, the private key an
	// unfinished rotation is replacing.
	SealedOldIdentity []byte
	// SealedEnrolCode holds, under the session key, the enrolment code
	// with which the staff member chose their password in this session,
	// so that enrolling TOTP next does not ask for it again.
	SealedEnrolCode []byte
	CreatedAt       time.Time
	LastSeenAt      time.Time
}

// QueueFilter selects cases for the queue. Zero fields select everything.
type QueueFilter struct {
	// Holder limits the queue to cases whose key is wrapped to this holder.
	Holder string
	// Closed selects closed cases instead of open ones.
	Closed    bool
	Stage     Stage
	Urgency   *Urgency
	Kind      Kind
	Situation Situation
	// Owner selects the cases this staff member owns; OwnerNone selects
	// cases nobody owns yet.
	Owner string
	// DueBefore selects cases with an open deadline before this time.
	DueBefore time.Time
	// Flagged selects, instead of open or closed cases, the closed cases
	// the applicant wrote to that no one has acted on (Request.FlaggedAt),
	// most recently written first.
	Flagged bool
	// Unowned selects the open cases no one takes care of: they have no
	// owner, and they are past intake (triaged as cases) or no staff member
	// holds their key at all, as when the one who did was deactivated.
	// Only a holder of the key, or the recovery key, can give them to
	// someone.
	Unowned bool
	Limit   int
	Offset  int
}

// OwnerNone in QueueFilter.Owner selects cases that nobody owns yet.
const OwnerNone = "-"

// DeadlineRecord is a deadline as stored. Its exact times are in
// SealedTimes, under the case key; in clear, StartsAt and DueAt are kept at
// most to the hour (and left zero when sealed), DoneAt and CreatedAt to the
// day. A deadline written before times were sealed has no SealedTimes and
// only the clear times, coarsened.
type DeadlineRecord struct {
	ID          string
	RequestID   string
	Kind        DeadlineKind
	StartsAt    time.Time
	DueAt       time.Time
	SealedLabel []byte
	SealedTimes []byte
	DoneAt      time.Time
	CreatedBy   string
	CreatedAt   time.Time
}

// CaseEventRecord is a history entry as stored. At is kept to the day; the
// exact time, when the change was made with the case key, is sealed with
// the note. Entries are read in the order they were written.
type CaseEventRecord struct {
	ID         string
	RequestID  string
	At         time.Time
	Actor      string
	Action     CaseAction
	From       string
	To         string
	SealedNote []byte
}

// CaseUpdate is one change to a case, written in one transaction: the
// metadata it sets, the keys it grants and revokes, and the history and
// audit entries that record it. Nil fields are left as they are.
type CaseUpdate struct {
	RequestID string
	// Version, when not 0, must be the stored version, or the update fails
	// with ECONFLICT and changes nothing. Every update adds one to it.
	Version     int
	At          time.Time
	Stage       *Stage
	Urgency     *Urgency
	Disposition *Disposition
	Outcome     *Outcome
	OwnerID     *string
	ClosedAt    *time.Time
	// DueAt, when not nil, is the case's earliest open deadline, zero for
	// none: only the desk, which opens the deadlines, knows it. It is kept
	// to the hour.
	DueAt *time.Time
	// SealedDetails, when not nil, replaces the sealed case details.
	SealedDetails []byte
	// Unflag clears the flag of an applicant's message to the closed case
	// (Request.FlaggedAt): someone acted on it.
	Unflag        bool
	AddWraps      []KeyWrap
	RemoveHolders []string
	// Deadlines are added, or replace the deadline with the same id; DueAt
	// goes with them.
	Deadlines []DeadlineRecord
	// Stays are booked, or replace the stay with the same id, in the same
	// transaction as a count of the beds their shelter holds each night:
	// one that would put more people in it than it has beds fails with the
	// user error ErrShelterFull and changes nothing.
	Stays []Stay
	// Meetings are added, or replace the meeting with the same id; the
	// deadline of each goes in Deadlines.
	Meetings []MeetingRecord
	// Links are requests to link to this one, both ways.
	Links []string
	// LegalProcesses and LegalSteps are added, or replace those with the
	// same id.
	LegalProcesses []LegalProcessRecord
	LegalSteps     []LegalStepRecord
	Events         []CaseEventRecord
	Audit          []AuditEvent
	// Calls are phone calls taken for the case.
	Calls []CallRecord
}

// Counts are what the analysts see: numbers of cases, which name no one.
type Counts struct {
	// Received counts requests that arrived in the period, by kind, by
	// channel and by situation. ReceivedBySituation[""] counts requests
	// deleted before their situation was kept with the figures.
	ReceivedByKind      map[Kind]int
	ReceivedByChannel   map[Channel]int
	ReceivedBySituation map[Situation]int
	// Triaged counts the period's requests by what triage made of them.
	Triaged map[Disposition]int
	// ClosedByOutcome counts the cases closed in the period as cases.
	ClosedByOutcome map[Outcome]int
	// CallsByDay counts the period's phone calls by UTC day, new and
	// returning.
	CallsByDay map[time.Time]int
	// StaysBegun counts the stays in shelters, not cancelled, whose first
	// night is in the period; StayNights the beds they held each night of
	// the period. Both come from days and beds in clear.
	StaysBegun int
	StayNights int
}

// SettingStore keeps the organization's settings.
type SettingStore interface {
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
	// SwapSetting sets a setting only if it still holds old ("" for a
	// setting not yet made), or fails with ECONFLICT.
	SwapSetting(ctx context.Context, key, old, value string) error
}

// StaffStore keeps staff accounts.
type StaffStore interface {
	CreateStaff(ctx context.Context, s *StaffRecord, ev AuditEvent) error
	StaffByName(ctx context.Context, name string) (*StaffRecord, error)
	StaffByID(ctx context.Context, id string) (*StaffRecord, error)
	ListStaff(ctx context.Context) ([]Staff, error)
	IntakeRecipients(ctx context.Context) ([]Recipient, error)
	// DeactivateStaff makes a staff member inactive and, in the same
	// transaction, ends their sessions, takes them off intake and deletes
	// every case key wrapped to them. It returns how many keys went.
	DeactivateStaff(ctx context.Context, id string, ev AuditEvent) (int64, error)
	// ResetTOTP forgets a staff member's TOTP secret, ends their sessions,
	// keeps code as their new enrolment code and makes their next login
	// replace their key pair; they enrol again with the code.
	ResetTOTP(ctx context.Context, id string, code EnrolCode, ev AuditEvent) error
	// RequireRotation ends a staff member's sessions and makes their next
	// login replace their key pair.
	RequireRotation(ctx context.Context, id string, ev AuditEvent) error
	// UseTOTPStep records step as used; it fails with ECONFLICT if step is
	// not later than the last one used, so that no code is accepted twice.
	UseTOTPStep(ctx context.Context, staffID string, step int64) error
	// StaffZone is the time zone a staff member chose, "" for none.
	StaffZone(ctx context.Context, id string) (string, error)
	SetStaffZone(ctx context.Context, id, zone string) error
}

// SessionStore keeps staff sessions.
type SessionStore interface {
	// CreateSession stores a new session with ev, its login, in the audit
	// log: there is no session without its login on record.
	CreateSession(ctx context.Context, s *SessionRecord, ev AuditEvent) error
	SessionByID(ctx context.Context, id string) (*SessionRecord, error)
	// CompleteEnrollment keeps the first TOTP secret of ev.Actor and lets
	// the session do everything, or fails with ECONFLICT when the staff
	// member is enrolled already or the code is not the one stored or no
	// longer valid.
	CompleteEnrollment(ctx context.Context, e *Enrollment, ev AuditEvent) error
	TouchSession(ctx context.Context, id string, at time.Time) error
	DeleteSession(ctx context.Context, id string) error
	DeleteSessionsBefore(ctx context.Context, lastSeen time.Time) (int64, error)
	// StaffSessions lists a staff member's sessions, newest first.
	StaffSessions(ctx context.Context, staffID string) ([]SessionRecord, error)
	// DeleteStaffSessions ends every session of a staff member but except.
	DeleteStaffSessions(ctx context.Context, staffID, except string) (int64, error)
}

// RequestStore keeps requests, their messages, key wraps and receipts.
type RequestStore interface {
	CreateRequest(ctx context.Context, n *NewRequest) error
	// ImportRequests writes a history in one transaction and returns how
	// many requests it wrote; on the first error it writes nothing.
	ImportRequests(ctx context.Context, b *ImportBatch) (int, error)
	ReceiptByLookup(ctx context.Context, lookup string) (*ReceiptRecord, error)
	RequestByID(ctx context.Context, id string) (*RequestRecord, error)
	// Messages returns a request's messages, oldest first; internal notes
	// only when withNotes is set.
	Messages(ctx context.Context, requestID string, withNotes bool) ([]MessageRecord, error)
	// AddMessage appends a message; ev, when not nil, is audited in the same
	// transaction.
	AddMessage(ctx context.Context, m *MessageRecord, ev *AuditEvent) error
	KeyWrap(ctx context.Context, requestID, holder string) (*KeyWrap, error)
	// Attachments lists a request's attachments, oldest first and each
	// message's in the order they were sent, without their content.
	Attachments(ctx context.Context, requestID string) ([]AttachmentRecord, error)
	// Attachment returns one attachment of a request with its content, or
	// ENOTFOUND.
	Attachment(ctx context.Context, requestID, id string) (*AttachmentRecord, error)
	// LinkChat seals a Telegram chat to a request (l.SealedChat) and gives
	// the request an inbound key pair unless it has one, with its audit
	// event, in one transaction.
	LinkChat(ctx context.Context, l *ChatLink) error
	// SetDelivery notes how far a reply got to the applicant's chat. A
	// reply no longer pending stays as it is; one that no longer exists
	// is ENOTFOUND.
	SetDelivery(ctx context.Context, messageID string, d Delivery) error
}

// ChatLink is what linking a Telegram chat to a request writes.
type ChatLink struct {
	RequestID     string
	SealedChat    []byte
	SealedChatKey []byte
	// InboundRecipient and SealedInboundIdentity are kept only if the
	// request has no inbound key pair yet: one already there, which
	// messages may be sealed to, is never replaced.
	InboundRecipient      string
	SealedInboundIdentity []byte
	Audit                 AuditEvent
}

// CaseStore keeps the casework on requests.
type CaseStore interface {
	// Queue lists cases matching f, what runs out first first, then the
	// most urgent, then the newest.
	Queue(ctx context.Context, f QueueFilter) ([]Request, error)
	RequestByRef(ctx context.Context, ref string) (*Request, error)
	UpdateCase(ctx context.Context, u *CaseUpdate) error
	// KeyWraps lists who holds a case's key.
	KeyWraps(ctx context.Context, requestID string) ([]KeyWrap, error)
	Deadlines(ctx context.Context, requestID string) ([]DeadlineRecord, error)
	// LegalProcesses returns a case's legal processes and their steps.
	LegalProcesses(ctx context.Context, requestID string) ([]LegalProcessRecord, []LegalStepRecord, error)
	// DecisionCounts counts legal decisions by day, procedure and outcome.
	DecisionCounts(ctx context.Context, from, to time.Time) ([]DecisionCount, error)
	CaseEvents(ctx context.Context, requestID string) ([]CaseEventRecord, error)
	// Links lists the requests linked to a request.
	Links(ctx context.Context, requestID string) ([]Request, error)
	// Counts counts requests received and cases closed from from until to.
	Counts(ctx context.Context, from, to time.Time) (*Counts, error)
	// OpenByStage counts the cases open now, by stage.
	OpenByStage(ctx context.Context) (map[Stage]int, error)
	// ReceivedBefore reports whether any request, kept or deleted, was
	// received before the UTC day of t.
	ReceivedBefore(ctx context.Context, t time.Time) (bool, error)
}

// MeetingStore reads safe-surrender meetings; they are written with the
// case (CaseUpdate.Meetings).
type MeetingStore interface {
	Meetings(ctx context.Context, requestID string) ([]MeetingRecord, error)
	// MeetingsHeld returns the meetings whose window starts on a UTC day
	// from from to to, both included, of the cases holder holds a key to.
	MeetingsHeld(ctx context.Context, holder string, from, to time.Time) ([]HeldMeeting, error)
	// MeetingCounts counts the meetings closed on each UTC day from from
	// to to, by final state.
	MeetingCounts(ctx context.Context, from, to time.Time) (map[time.Time]map[MeetingState]int, error)
}

// HeldMeeting is a meeting with its case's reference and the case key
// wrapped to the one who asked.
type HeldMeeting struct {
	MeetingRecord
	Ref     string
	Wrapped []byte
}

// AuditStore keeps the hash-chained audit log, and the signatures by which
// staff vouch for it.
type AuditStore interface {
	// Audit appends events to the log, all or none.
	Audit(ctx context.Context, evs ...AuditEvent) error
	// AuditEntries calls fn for every entry in order, stopping at its first
	// error.
	AuditEntries(ctx context.Context, fn func(*AuditEntry) error) error
	// AuditHead returns the number and hash of the last entry as recorded
	// apart from the entries, so that cutting entries off the end shows.
	AuditHead(ctx context.Context) (seq int64, hash []byte, err error)
	// AuditLog lists the entries f selects, newest first.
	AuditLog(ctx context.Context, f AuditFilter) ([]AuditLine, error)
	// CaseOpenings tells who opened a case, and when, most recent first.
	CaseOpenings(ctx context.Context, requestID string) ([]Opening, error)

	// AddSigningKey stores a staff member's new signing key with ev, the
	// audit entry that registers it, in one transaction; ECONFLICT when the
	// key is already stored.
	AddSigningKey(ctx context.Context, k *SigningKey, ev AuditEvent) error
	// SigningKey returns the key a fingerprint names, or ENOTFOUND.
	SigningKey(ctx context.Context, fingerprint string) (*SigningKey, error)
	// SigningKeys lists every signing key, oldest first.
	SigningKeys(ctx context.Context) ([]SigningKey, error)
	// AddAuditSignature stores a signature of the head; the same key
	// signing the same entry again changes nothing.
	AddAuditSignature(ctx context.Context, s *AuditSignature) error
	// AuditSignatures lists every signature by the entry it signs.
	AuditSignatures(ctx context.Context) ([]AuditSignature, error)
}

// Store is everything tropa keeps.
type Store interface {
	SettingStore
	StaffStore
	SessionStore
	RequestStore
	CaseStore
	AuditStore
	RetentionStore
	RotationStore
	NoticeStore
	TeamStore
	CallStore
	ShelterStore
	MeetingStore
	ReplyTimeStore
	SeriesStore
	NodeStore
	Close() error
}

// NodeStore is what the nodes serving one organization share to work as
// one: leases, which one node holds at a time, and the Telegram updates
// already taken. Neither says anything of a user.
type NodeStore interface {
	// TakeLease gives the lease called name to holder until until, if it
	// is free, expired at now or holder's already, and reports whether
	// holder holds it now.
	TakeLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error)
	// ReleaseLease lets the lease go, if holder holds it.
	ReleaseLease(ctx context.Context, name, holder string) error
	// FirstUpdate notes a Telegram update's id, seen at at, and reports
	// whether no node noted it before.
	FirstUpdate(ctx context.Context, updateID int64, at time.Time) (bool, error)
	// ForgetUpdates deletes the update ids seen before before.
	ForgetUpdates(ctx context.Context, before time.Time) (int64, error)
}

// NewID returns a random identifier for a row: 128 bits, so that rows can be
// made on any node and their ids reveal neither order nor count.
func NewID() string {
	var b [16]byte
	rand.Read(b[:])
	return idEncoding.EncodeToString(b[:])
}

// ValidID reports whether s could be an id NewID made.
func ValidID(s string) bool {
	b, err := idEncoding.DecodeString(s)
	return err == nil && len(b) == 16
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)
