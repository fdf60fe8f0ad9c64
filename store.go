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
}

// MessageRecord is a message as stored.
type MessageRecord struct {
	ID         string
	RequestID  string
	Author     Author
	StaffID    string
	CreatedAt  time.Time
	SealedBody []byte
}

// HolderRecovery is the holder of the wrap to the organization's offline
// recovery key.
const HolderRecovery = "recovery"

// KeyWrap is a request's case key wrapped to one holder: a staff member (by
// ID) or HolderRecovery. Having the row is having access.
type KeyWrap struct {
	RequestID string
	Holder    string
	Wrapped   []byte
	CreatedAt time.Time
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
}

// Recipient is a staff member's public key.
type Recipient struct {
	StaffID   string
	PublicKey string
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
	CreatedAt         time.Time
	LastSeenAt        time.Time
}

// InboxFilter selects requests for a staff member's inbox.
type InboxFilter struct {
	// Holder limits the inbox to requests whose key is wrapped to this holder.
	Holder string
	Limit  int
}

// SettingStore keeps the organization's settings.
type SettingStore interface {
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
}

// StaffStore keeps staff accounts.
type StaffStore interface {
	CreateStaff(ctx context.Context, s *StaffRecord, ev AuditEvent) error
	StaffByName(ctx context.Context, name string) (*StaffRecord, error)
	StaffByID(ctx context.Context, id string) (*StaffRecord, error)
	ListStaff(ctx context.Context) ([]Staff, error)
	IntakeRecipients(ctx context.Context) ([]Recipient, error)
	// UseTOTPStep records step as used; it fails with ECONFLICT if step is
	// not later than the last one used, so that no code is accepted twice.
	UseTOTPStep(ctx context.Context, staffID string, step int64) error
}

// SessionStore keeps staff sessions.
type SessionStore interface {
	CreateSession(ctx context.Context, s *SessionRecord) error
	SessionByID(ctx context.Context, id string) (*SessionRecord, error)
	CompleteEnrollment(ctx context.Context, id string, sealedTOTP []byte, ev AuditEvent) error
	TouchSession(ctx context.Context, id string, at time.Time) error
	DeleteSession(ctx context.Context, id string) error
	DeleteSessionsBefore(ctx context.Context, lastSeen time.Time) (int64, error)
}

// RequestStore keeps requests, their messages, key wraps and receipts.
type RequestStore interface {
	CreateRequest(ctx context.Context, n *NewRequest) error
	ReceiptByLookup(ctx context.Context, lookup string) (*ReceiptRecord, error)
	RequestByID(ctx context.Context, id string) (*RequestRecord, error)
	Inbox(ctx context.Context, f InboxFilter) ([]Request, error)
	Messages(ctx context.Context, requestID string) ([]MessageRecord, error)
	// AddMessage appends a message; ev, when not nil, is audited in the same
	// transaction.
	AddMessage(ctx context.Context, m *MessageRecord, ev *AuditEvent) error
	KeyWrap(ctx context.Context, requestID, holder string) (*KeyWrap, error)
}

// AuditStore keeps the hash-chained audit log.
type AuditStore interface {
	Audit(ctx context.Context, ev AuditEvent) error
	// AuditEntries calls fn for every entry in order, stopping at its first
	// error.
	AuditEntries(ctx context.Context, fn func(*AuditEntry) error) error
	// AuditHead returns the number and hash of the last entry as recorded
	// apart from the entries, so that cutting entries off the end shows.
	AuditHead(ctx context.Context) (seq int64, hash []byte, err error)
}

// Store is everything tropa keeps.
type Store interface {
	SettingStore
	StaffStore
	SessionStore
	RequestStore
	AuditStore
	Close() error
}

// NewID returns a random identifier for a row: 128 bits, so that rows can be
// made on any node and their ids reveal neither order nor count.
func NewID() string {
	var b [16]byte
	rand.Read(b[:])
	return idEncoding.EncodeToString(b[:])
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)
