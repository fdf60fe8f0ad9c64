package tropa

import (
	"crypto/sha256"
	"encoding/binary"
	"time"
)

// Audit actions. Detail never holds case content.
const (
	ActionRequestOpen  = "request.open"
	ActionRequestReply = "request.reply"
	ActionLogin        = "staff.login"
	// ActionLoginFailed records a refused login or TOTP enrolment; its
	// actor is the staff member whose name was given (desk.ActorUnknown
	// for a name no one has), its detail what was wrong, never what was
	// typed.
	ActionLoginFailed = "staff.login_failed"
	ActionTOTPEnroll  = "staff.totp_enroll"
	ActionStaffAdd    = "staff.add"

	ActionRequestEnter  = "request.enter"
	ActionCaseNote      = "case.note"
	ActionCaseSearch    = "case.search"
	ActionCaseChange    = "case.change"
	ActionCaseGrant     = "case.grant"
	ActionCaseRevoke    = "case.revoke"
	ActionStaffDisable  = "staff.deactivate"
	ActionTOTPReset     = "staff.totp_reset"
	ActionPassword      = "staff.password"
	ActionSessionEnd    = "staff.session_end"
	ActionSettingChange = "settings.change"

	// ActionRetentionRun records what applying the retention policy did,
	// in counts only; ActionContactErase an applicant's contact details
	// erased on request.
	ActionRetentionRun = "retention.run"
	ActionContactErase = "request.erase_contact"

	// ActionAttachmentOpen records a staff member downloading an
	// attachment; its detail is the attachment's id.
	ActionAttachmentOpen = "attachment.open"

	// ActionRequestRefused records a staff member refused a case: their
	// role may not do what they asked, or they hold no key to it. Its
	// detail says why and what was asked, never anything of the case.
	ActionRequestRefused = "request.refused"

	// ActionSigningKey records a staff member's audit signing key seen for
	// the first time; its detail is the key's fingerprint.
	ActionSigningKey = "staff.signing_key"

	// ActionAuditRead records a staff member reading the audit log on the
	// web, ActionAuditExport exporting it; their detail is the filter,
	// their request the case it named.
	ActionAuditRead   = "audit.read"
	ActionAuditExport = "audit.export"

	// ActionMeetingSent records meeting details sent to the applicant as a
	// staff reply; its detail names which details, never their content.
	ActionMeetingSent = "meeting.sent"

	// ActionImport records an organization's history imported from a
	// file; its detail is how many requests.
	ActionImport = "request.import"

	// ActionChannelsPublish records the signed list of official channels
	// published; its detail is the signing key's fingerprint and the day
	// the list was issued.
	ActionChannelsPublish = "channels.publish"

	// ActionStatsExact records a staff member viewing exact figures, not
	// for publication, on the figures page; its detail is the period,
	// never a figure.
	ActionStatsExact = "stats.exact"
)

// Audit actions of key rotation. ActionKeyRotate records a new key pair for
// a staff member, its detail why ("asked", "login"); a password change is
// ActionPassword. ActionKeyRotated records that no case key is wrapped to
// the old one any more, with how many were wrapped again. ActionSuspect
// marks a staff member as possibly compromised; its detail is their id.
const (
	ActionKeyRotate  = "staff.key_rotate"
	ActionKeyRotated = "staff.key_rotated"
	ActionSuspect    = "staff.suspect"
	// ActionShelterAdd and ActionShelterGrant record a shelter made and
	// its key granted to someone; what the shelter is stays sealed.
	ActionShelterAdd   = "shelter.add"
	ActionShelterGrant = "shelter.grant"
	// ActionSeriesImport and ActionSeriesDelete record a published series
	// imported (or replaced) and deleted; their detail is its name.
	ActionSeriesImport = "series.import"
	ActionSeriesDelete = "series.delete"
	// ActionChatLink records a Telegram chat sealed to a request, when the
	// request is made in it (detail "submit") or its receipt is sent in
	// it (detail "receipt"); ActionChatMessage a message that arrived by
	// a linked chat, ActionChatStatus a request's status read by one. Their
	// actor is ActorApplicant, and nothing in them names the chat.
	ActionChatLink    = "request.chat_link"
	ActionChatMessage = "request.chat_message"
	ActionChatStatus  = "request.chat_status"
	// ActionNoticeLinkCode records a staff member making a one-time code
	// to link his Telegram chat to his notices, ActionNoticeLink the chat
	// linked by it; neither names the code or the chat.
	ActionNoticeLinkCode = "staff.notice_link_code"
	ActionNoticeLink     = "staff.notice_link"
)

// AuditEvent is something staff did, to be appended to the audit log.
type AuditEvent struct {
	At        time.Time
	Actor     string
	Action    string
	RequestID string
	Detail    string
}

// AuditEntry is an event as stored: numbered and chained to the one before
// it by hash, so that changing or removing any entry breaks every later hash.
type AuditEntry struct {
	Seq int64
	AuditEvent
	PrevHash []byte
	Hash     []byte
}

// ChainHash computes the hash of an entry numbered seq that follows prev.
// Every field is length-prefixed so that no two entries encode alike; time
// counts in microseconds, the precision the stores keep.
func ChainHash(prev []byte, seq int64, e AuditEvent) []byte {
	h := sha256.New()
	h.Write([]byte("tropa-audit-v1"))
	var buf [binary.MaxVarintLen64]byte
	writeField := func(b []byte) {
		h.Write(buf[:binary.PutUvarint(buf[:], uint64(len(b)))])
		h.Write(b)
	}
	writeField(prev)
	h.Write(buf[:binary.PutVarint(buf[:], seq)])
	h.Write(buf[:binary.PutVarint(buf[:], e.At.UnixMicro())])
	writeField([]byte(e.Actor))
	writeField([]byte(e.Action))
	writeField([]byte(e.RequestID))
	writeField([]byte(e.Detail))
	return h.Sum(nil)
}

// AuditFilter selects audit entries. Zero fields select everything.
type AuditFilter struct {
	// Actor selects the entries of one staff member (or ActorApplicant).
	Actor string
	// RequestID selects the entries about one request.
	RequestID string
	// Action selects one action.
	Action string
	// From and To select entries at or after From and before To.
	From, To time.Time
	// Before, when not 0, selects entries numbered below it: the next page
	// of a log read newest first.
	Before int64
	Limit  int
}

// AuditLine is an audit entry as the web shows it: with the reference of
// the request it names, "" once the request is deleted.
type AuditLine struct {
	AuditEntry
	Ref string
}

// Opening is how often, and when first and last, one staff member opened
// a case, as the audit log tells.
type Opening struct {
	Actor       string
	Count       int
	First, Last time.Time
}

// SigningKey is the public half of a key a staff member signs the audit
// log's head with. Fingerprint names it in the audit entry that registered
// it.
type SigningKey struct {
	Fingerprint string
	StaffID     string
	PublicKey   []byte
	CreatedAt   time.Time
}

// AuditSignature is a staff member's signature of HeadMessage(Seq, hash of
// entry Seq), made with the signing key Fingerprint names.
type AuditSignature struct {
	Seq         int64
	Fingerprint string
	At          time.Time
	Signature   []byte
}

// HeadMessage is what a signer of the audit log signs: an entry's number
// and hash, which stand for every entry up to it.
func HeadMessage(seq int64, hash []byte) []byte {
	msg := []byte("tropa-audit-head-v1")
	msg = binary.BigEndian.AppendUint64(msg, uint64(seq))
	return append(msg, hash...)
}

// ActorApplicant is the audit actor of what an applicant does himself,
// with his receipt. His entries are times of his life: the stores keep
// them to the day, like every other time that describes a request.
const ActorApplicant = "applicant"
