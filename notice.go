package tropa

import (
	"context"
	"slices"
	"time"
)

// NoticeEvent is something a staff member may ask to be told of. A notice
// never says which: only that something needs them, and how many things.
type NoticeEvent string

const (
	// NoticeNew is a new request whose key they hold: an urgent one at
	// once, the others gathered into a digest.
	NoticeNew NoticeEvent = "new"
	// NoticeMessage is an applicant writing to a case they hold.
	NoticeMessage NoticeEvent = "message"
	// NoticeDue is a case they hold whose due time comes within their
	// lead time: a deadline, a meeting, a wanted clock.
	NoticeDue NoticeEvent = "due"
	// NoticeAssigned is a case assigned, transferred or referred to them.
	NoticeAssigned NoticeEvent = "assigned"
	// NoticeUnowned is, for those who assign work, a case that nobody
	// owns: triaged and never given an owner, or whose owner was
	// deactivated.
	NoticeUnowned NoticeEvent = "unowned"
)

// NoticeEvents lists every event, in the order the account page offers
// them.
var NoticeEvents = []NoticeEvent{NoticeNew, NoticeMessage, NoticeDue, NoticeAssigned, NoticeUnowned}

// Valid reports whether e is a known event.
func (e NoticeEvent) Valid() bool { return slices.Contains(NoticeEvents, e) }

// Bounds of what a person may choose for their notices.
const (
	MinNoticeDigest = time.Hour
	MaxNoticeDigest = 7 * 24 * time.Hour
	MaxNoticeLead   = 7 * 24 * time.Hour
	// MaxNoticeAddressLen bounds an address in characters.
	MaxNoticeAddressLen = 254
)

// NoticePrefs is what a staff member asked to be told, where and when.
type NoticePrefs struct {
	StaffID string
	// Channel names the channel that carries their notices; "" is none.
	Channel string
	// Address is where the channel reaches them. It is kept in clear: the
	// server must read it to notify them.
	Address string
	Events  []NoticeEvent
	// Digest is how long new requests that are not urgent are gathered
	// before a notice tells of them.
	Digest time.Duration
	// Lead is how long before a case's due time they are told of it.
	Lead time.Duration
	// QuietStart and QuietEnd are minutes after local midnight between
	// which nothing is sent; equal means no quiet hours.
	QuietStart, QuietEnd int
	// Lang is the language of their notices: ru, uk or en.
	Lang string
}

// Wants reports whether p asks to be told of e.
func (p *NoticePrefs) Wants(e NoticeEvent) bool { return slices.Contains(p.Events, e) }

// Quiet reports whether the minute of the day m (0 to 1439) is within the
// quiet hours; they may run over midnight.
func (p *NoticePrefs) Quiet(m int) bool {
	s, e := p.QuietStart, p.QuietEnd
	switch {
	case s == e:
		return false
	case s < e:
		return m >= s && m < e
	}
	return m >= s || m < e
}

// NoticeState is how a staff member's notices are going. Its times are
// kept to the hour, as a notice sent at once would otherwise date, to the
// minute, the request that caused it; RetryAt alone is exact, and only
// while sending fails.
type NoticeState struct {
	// DigestAfter is when the next digest may go.
	DigestAfter time.Time
	// LastSentAt is when the last notice went.
	LastSentAt time.Time
	// Failures counts the sends that failed in a row; RetryAt is when the
	// next try may be made.
	Failures int
	RetryAt  time.Time
	// FailingSince is when the first of those failures was, and
	// LastError the kind of the last (a word such as "auth"), never the
	// server's text.
	FailingSince time.Time
	LastError    string
}

// NoticeRecord is a staff member's notice settings and state as stored.
type NoticeRecord struct {
	NoticePrefs
	NoticeState
}

// NoticeMark is what a staff member was last told of about one case: the
// state it was in then. A notice is due when the case has moved on since.
type NoticeMark struct {
	RequestID string
	// Reason is why they held its key, "" for not at all.
	Reason string
	// Owner is who owned it.
	Owner string
	// Messages counts the applicant's messages.
	Messages int
	// DueAt is the due time they were told of, zero for none.
	DueAt time.Time
	// Unowned is set when they were told that nobody owned it.
	Unowned bool
}

// NoticeCase is an open case that may need a staff member: one they hold,
// or for someone who assigns work, one that nobody owns, and that has
// moved on since they were last told of it. Now is its state; Told, when
// not nil, what they were last told of it.
type NoticeCase struct {
	Now         NoticeMark
	Urgency     Urgency
	Disposition Disposition
	// Unowned is whether no one owns the case (QueueFilter.Unowned).
	Unowned bool
	// CaseDueAt is the case's due time, zero for none.
	CaseDueAt time.Time
	Told      *NoticeMark
}

// NoticeDone is the end of one round of a staff member's notices: the
// state to keep, and the marks of what the notice sent told them of.
type NoticeDone struct {
	StaffID string
	State   NoticeState
	Marks   []NoticeMark
}

// NoticeStore keeps what staff asked to be told and what they were told.
type NoticeStore interface {
	// NoticeRecord returns a staff member's notice settings, or
	// ENOTFOUND when they never made any.
	NoticeRecord(ctx context.Context, staffID string) (*NoticeRecord, error)
	// SaveNoticePrefs keeps p and, in the same transaction, marks as told
	// what marks says, so that turning notices on does not report what
	// the person already sees.
	SaveNoticePrefs(ctx context.Context, p *NoticePrefs, marks []NoticeMark) error
	// NoticeRecords lists the notice settings of every active staff
	// member who has a channel set.
	NoticeRecords(ctx context.Context) ([]NoticeRecord, error)
	// ClaimNotices takes a staff member's notices until until, so that
	// one node alone sends them, and returns their settings and state as
	// they are once taken; it fails with ECONFLICT when another node
	// holds them or their retry time has not come.
	ClaimNotices(ctx context.Context, staffID string, now, until time.Time) (*NoticeRecord, error)
	// NoticeCases lists the open cases whose key the staff member holds
	// and, with unowned, the triaged open cases that nobody owns, leaving
	// out those that have not moved on since the person was last told of
	// them: their mark's state is theirs, or their due time, after
	// dueBefore, is not news yet.
	NoticeCases(ctx context.Context, staffID string, unowned bool, dueBefore time.Time) ([]NoticeCase, error)
	// FinishNotices keeps d's state and marks and releases the claim, in
	// one transaction.
	FinishNotices(ctx context.Context, d *NoticeDone) error
	// SaveStaffLinkCode keeps c as its staff member's one link code, in
	// place of any he had, and appends ev, in one transaction.
	SaveStaffLinkCode(ctx context.Context, c *StaffLinkCode, ev AuditEvent) error
	// TakeStaffLinkCode deletes the link code whose hash is hash and
	// returns whose it was; ENOTFOUND when there is none or it expired by
	// now. A code is taken once, whichever node takes it.
	TakeStaffLinkCode(ctx context.Context, hash []byte, now time.Time) (staffID string, err error)
}

// StaffLinkCode is what is kept of the one-time code by which a staff
// member links an account of his elsewhere (his Telegram chat) to his
// notices: its hash, never the code.
type StaffLinkCode struct {
	StaffID   string
	Hash      []byte
	ExpiresAt time.Time
}
