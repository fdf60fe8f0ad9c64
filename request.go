// Package tropa holds the help desk's domain: the requests that arrive, the
// staff who answer them, the audit trail, and the interfaces of the stores
// behind them. It imports neither net/http nor database/sql.
package tropa

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Kind is what the applicant asks help with.
type Kind string

const (
	KindLeaveUnit    Kind = "leave_unit"
	KindLeaveCountry Kind = "leave_country"
	KindSurrender    Kind = "surrender"
	KindLegal        Kind = "legal"
	KindRelative     Kind = "relative"
	KindOther        Kind = "other"
)

// Kinds lists every kind in the order the form offers them.
var Kinds = []Kind{KindLeaveUnit, KindLeaveCountry, KindSurrender, KindLegal, KindRelative, KindOther}

// Situation is where the serviceman is now.
type Situation string

const (
	SituationFront       Situation = "front"
	SituationHospital    Situation = "hospital"
	SituationLeave       Situation = "leave"
	SituationAbsent      Situation = "absent"
	SituationNotDeployed Situation = "not_deployed"
	SituationAbroad      Situation = "abroad"
	SituationCustody     Situation = "custody"
)

// Situations lists every situation in the order the form offers them.
var Situations = []Situation{SituationFront, SituationHospital, SituationLeave, SituationAbsent,
	SituationNotDeployed, SituationAbroad, SituationCustody}

// Channel is how a request reached the organization.
type Channel string

const (
	ChannelWeb      Channel = "web"
	ChannelAPI      Channel = "api"
	ChannelTelegram Channel = "telegram"
	ChannelHotline  Channel = "hotline"
)

// Channels lists every channel in the order the figures show them.
var Channels = []Channel{ChannelWeb, ChannelTelegram, ChannelHotline, ChannelAPI}

// Urgency orders the inbox; higher comes first.
type Urgency int

const (
	UrgencyNormal Urgency = iota
	UrgencyHigh
)

func (u Urgency) String() string {
	if u == UrgencyHigh {
		return "high"
	}
	return "normal"
}

// InitialUrgency is the urgency a request gets on arrival, before anyone has
// read it: a man already absent from his unit has hours before he is declared
// wanted, and a surrender needs a meeting arranged before he moves.
func InitialUrgency(k Kind, s Situation) Urgency {
	if s == SituationAbsent || k == KindSurrender {
		return UrgencyHigh
	}
	return UrgencyNormal
}

// Request is the plaintext metadata of a request for help: what queues and
// statistics need and nothing that names or locates a person.
type Request struct {
	ID        string
	Ref       string
	Kind      Kind
	Situation Situation
	Channel   Channel
	Stage     Stage
	Urgency   Urgency
	CreatedAt time.Time
	// LastApplicantAt and LastStaffAt are zero until someone writes.
	LastApplicantAt time.Time
	LastStaffAt     time.Time
	// LastAuthor is who wrote last, the applicant or staff: the times
	// above are kept to the day, which cannot tell who answered whom
	// within one.
	LastAuthor Author

	// Casework. Disposition is "" until triage; OwnerID is "" until the
	// case is assigned; DueAt is the earliest open deadline, zero if none;
	// ClosedAt is zero while the case is open.
	Disposition Disposition
	Outcome     Outcome
	OwnerID     string
	DueAt       time.Time
	ClosedAt    time.Time
	UpdatedAt   time.Time
	// ContactErasedAt is when the applicant's contact details were erased,
	// zero while they are kept.
	ContactErasedAt time.Time
	// FlaggedAt is the day the applicant last wrote to the case after it
	// was closed; zero unless he did and no one has acted on it since, by
	// reopening the case, answering him or keeping it closed.
	FlaggedAt time.Time
	// Version counts changes, so that an edit made on a stale page is
	// refused instead of overwriting what someone else saved meanwhile.
	Version int
}

// Open reports whether the case is still being worked on.
func (r *Request) Open() bool { return r.ClosedAt.IsZero() }

// AwaitingReply reports whether the applicant wrote last.
func (r *Request) AwaitingReply() bool {
	return r.LastAuthor == AuthorApplicant
}

// Field limits, in characters. They are generous for a man typing on a phone
// and small enough that a flood cannot fill the disk quickly.
const (
	MaxContactLen = 1000
	MaxMessageLen = 10000
)

// Submission is what an applicant sends, in plaintext, before it is sealed.
type Submission struct {
	Kind      Kind
	Situation Situation
	Channel   Channel
	Contact   string
	Message   string
	// Files are photos sent with the message; Validate leaves them to the
	// desk, which checks and cleans them.
	Files []Upload
}

// Validate checks a submission and returns an EINVALID *Error that tells the
// applicant what to correct.
func (s *Submission) Validate() error {
	if !validKind(s.Kind) {
		return UserError(EINVALID, "ErrKindRequired", nil)
	}
	if !validSituation(s.Situation) {
		return UserError(EINVALID, "ErrSituationRequired", nil)
	}
	if err := ValidateText(s.Contact, "contact", 0, MaxContactLen); err != nil {
		return err
	}
	return ValidateText(s.Message, "message", 1, MaxMessageLen)
}

// ValidateText checks that a field is UTF-8 without control characters
// and between min and max characters long.
func ValidateText(v, field string, min, max int) error {
	if !utf8.ValidString(v) {
		return UserError(EINVALID, "ErrInvalidText", map[string]any{"Field": field})
	}
	if strings.IndexFunc(v, hiddenControl) >= 0 {
		return UserError(EINVALID, "ErrControlText", map[string]any{"Field": field})
	}
	n := utf8.RuneCountInString(v)
	if n < min {
		return UserError(EINVALID, "ErrFieldRequired", map[string]any{"Field": field})
	}
	if n > max {
		return UserError(EINVALID, "ErrFieldTooLong", map[string]any{"Field": field, "Max": max})
	}
	return nil
}

// hiddenControl reports whether r is a character nobody types on purpose
// and that changes how text reads without showing itself: control codes
// other than tab and line breaks (NUL among them), and the bidirectional
// embeddings, overrides and isolates, with which a name or a place can be
// made to read backwards on a staff member's screen.
func hiddenControl(r rune) bool {
	switch r {
	case '\t', '\n', '\r':
		return false
	}
	return unicode.IsControl(r) || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}

func validKind(k Kind) bool {
	for _, v := range Kinds {
		if v == k {
			return true
		}
	}
	return false
}

func validSituation(s Situation) bool {
	for _, v := range Situations {
		if v == s {
			return true
		}
	}
	return false
}

// Author says who wrote a message.
type Author string

const (
	AuthorApplicant Author = "applicant"
	AuthorStaff     Author = "staff"
	// AuthorNote marks a staff member's internal note: it stays in the
	// case and is never shown to the applicant.
	AuthorNote Author = "note"
)

// Message is one message in a request's thread, opened.
type Message struct {
	ID        string
	RequestID string
	Author    Author
	StaffID   string
	CreatedAt time.Time
	Body      string
	// Attachments are listed without their content.
	Attachments []Attachment
	// Delivery is how far a staff reply got on its way to the applicant's
	// Telegram chat.
	Delivery Delivery
}

// Delivery is how far a staff reply got on its way to the applicant's
// Telegram chat. It is kept in clear: it says that a reply reached a chat,
// never which.
type Delivery string

const (
	// DeliveryNone is a message not sent to a chat: the applicant reads
	// it with his receipt.
	DeliveryNone Delivery = ""
	// DeliveryPending is a reply not yet taken by Telegram.
	DeliveryPending Delivery = "pending"
	DeliverySent    Delivery = "sent"
	// DeliveryBlocked is a reply Telegram refused because the applicant
	// blocked the bot.
	DeliveryBlocked Delivery = "blocked"
)

// Thread is a request opened with its case key.
type Thread struct {
	Request Request
	Contact string
	// Chat is the Telegram chat the applicant writes from, 0 if none: the
	// way staff replies reach him there. It is a contact like Contact.
	Chat     int64
	Messages []Message
}
