package tropa

import (
	"slices"
	"time"
)

// Stage is where a case stands in the organization's work. The built-in
// stages are below; an organization may rename them and add its own
// (see Vocabulary), so a stage is a key, not a closed set.
type Stage string

const (
	StageNew         Stage = "new"
	StageTriage      Stage = "triage"
	StageCounselling Stage = "counselling"
	StageExitPlan    Stage = "exit_plan"
	StageInTransit   Stage = "in_transit"
	StageSafe        Stage = "safe"
	StageLegalStatus Stage = "legal_status"
	StageClosed      Stage = "closed"
)

// Outcome is how a case ended. Like stages, outcomes can be renamed and
// added to.
type Outcome string

const (
	OutcomeLeftCountry       Outcome = "left_country"
	OutcomeSurrendered       Outcome = "surrendered"
	OutcomeReturnedToUnit    Outcome = "returned_to_unit"
	OutcomeDetained          Outcome = "detained"
	OutcomeSuspendedSentence Outcome = "suspended_sentence"
	OutcomeImprisoned        Outcome = "imprisoned"
	OutcomeLostContact       Outcome = "lost_contact"
	OutcomeHelpedOtherwise   Outcome = "helped_otherwise"
	OutcomeWithdrew          Outcome = "withdrew"
)

// Disposition is what triage made of a request: a case to work on, or
// something that is closed at once.
type Disposition string

const (
	DispositionUntriaged Disposition = ""
	DispositionCase      Disposition = "case"
	DispositionSpam      Disposition = "spam"
	DispositionDuplicate Disposition = "duplicate"
	DispositionNotOurs   Disposition = "not_ours"
)

// Dispositions lists what triage may choose, in the order it is offered.
var Dispositions = []Disposition{DispositionCase, DispositionSpam, DispositionDuplicate, DispositionNotOurs}

// Valid reports whether d is a choice triage offers.
func (d Disposition) Valid() bool { return slices.Contains(Dispositions, d) }

// DocumentStatus is what is known of one of the serviceman's documents.
type DocumentStatus string

const (
	DocumentUnknown     DocumentStatus = "unknown"
	DocumentHeld        DocumentStatus = "held"
	DocumentConfiscated DocumentStatus = "confiscated"
	DocumentLost        DocumentStatus = "lost"
)

// DocumentStatuses lists every status in the order the checklist offers.
var DocumentStatuses = []DocumentStatus{DocumentUnknown, DocumentHeld, DocumentConfiscated, DocumentLost}

// Valid reports whether st is a known status.
func (st DocumentStatus) Valid() bool { return slices.Contains(DocumentStatuses, st) }

// Built-in document kinds.
const (
	DocumentInternalPassport      = "internal_passport"
	DocumentInternationalPassport = "international_passport"
	DocumentMilitaryID            = "military_id"
)

// Limits of the sealed case fields, in characters.
const (
	MaxRouteLen  = 4000
	MaxPlaceLen  = 200
	MaxReasonLen = 1000
	MaxLabelLen  = 200
)

// CaseDetails are the sealed working fields of a case: the document
// checklist and the planned route out.
type CaseDetails struct {
	// Documents maps a document kind (a Vocabulary key) to its status;
	// a kind not in the map is unknown.
	Documents   map[string]DocumentStatus `json:"documents,omitempty"`
	Route       string                    `json:"route,omitempty"`
	Destination string                    `json:"destination,omitempty"`
}

// Validate checks what a caseworker typed.
func (c *CaseDetails) Validate() error {
	for _, st := range c.Documents {
		if !st.Valid() {
			return UserError(EINVALID, "ErrDocumentStatus", nil)
		}
	}
	if err := ValidateText(c.Route, "route", 0, MaxRouteLen); err != nil {
		return err
	}
	return ValidateText(c.Destination, "destination", 0, MaxPlaceLen)
}

// DeadlineKind says what runs out at a deadline.
type DeadlineKind string

const (
	// DeadlineWanted is when a man who left his unit is likely to be
	// declared wanted: StartsAt is when he left.
	DeadlineWanted DeadlineKind = "wanted"
	// DeadlineTask is anything else that must be done by a time, such as
	// handing in a passport.
	DeadlineTask DeadlineKind = "task"
	// DeadlineMeeting is an arranged meeting, such as one for a surrender.
	DeadlineMeeting DeadlineKind = "meeting"
	// DeadlineLegal is a dated step of a legal process; it has the step's id.
	DeadlineLegal DeadlineKind = "legal"
)

// Valid reports whether k is a known kind.
func (k DeadlineKind) Valid() bool {
	return k == DeadlineWanted || k == DeadlineTask || k == DeadlineMeeting || k == DeadlineLegal
}

// DefaultWantedAfter is how long after leaving his unit a man is, in
// practice, declared wanted; after that he is stopped at the border.
const DefaultWantedAfter = 48 * time.Hour

// Deadline is a dated task of a case, opened.
type Deadline struct {
	ID        string
	RequestID string
	Kind      DeadlineKind
	StartsAt  time.Time
	DueAt     time.Time
	// Label says what is due, or for a meeting where; it is sealed.
	Label     string
	DoneAt    time.Time
	CreatedBy string
	CreatedAt time.Time
}

// Open reports whether the deadline still counts.
func (d *Deadline) Open() bool { return d.DoneAt.IsZero() }

// DueState says how close a deadline is, for the queue to make it stand out.
type DueState string

const (
	DueNone    DueState = ""
	DueLater   DueState = "later"
	DueSoon    DueState = "soon"
	DueOverdue DueState = "overdue"
)

// SoonWindow is how close a deadline must be to stand out as soon due.
const SoonWindow = 12 * time.Hour

// DueStateAt says how close due is at now.
func DueStateAt(due, now time.Time) DueState {
	switch {
	case due.IsZero():
		return DueNone
	case !now.Before(due):
		return DueOverdue
	case due.Sub(now) <= SoonWindow:
		return DueSoon
	default:
		return DueLater
	}
}

// CaseAction names a change recorded in a case's history.
type CaseAction string

const (
	CaseTriage    CaseAction = "triage"
	CaseStage     CaseAction = "stage"
	CaseUrgency   CaseAction = "urgency"
	CaseOutcome   CaseAction = "outcome"
	CaseReopen    CaseAction = "reopen"
	CaseAssign    CaseAction = "assign"
	CaseTransfer  CaseAction = "transfer"
	CaseRefer     CaseAction = "refer"
	CaseRemove    CaseAction = "remove"
	CaseDocuments CaseAction = "documents"
	CaseRoute     CaseAction = "route"
	CaseDeadline  CaseAction = "deadline"
	CaseDone      CaseAction = "deadline_done"
	CaseLink      CaseAction = "link"
	// CaseKeepClosed records that a closed case the applicant wrote to
	// stays closed: someone read his message and decided so.
	CaseKeepClosed CaseAction = "keep_closed"
	// CaseStay records a stay in a shelter booked, extended, ended early
	// or cancelled; which shelter and when are sealed.
	CaseStay CaseAction = "stay"
	// CaseMeeting records a meeting arranged or moved to another state;
	// the states are in clear, as in the meetings table, and a reason is
	// sealed in the note.
	CaseMeeting CaseAction = "meeting"
	// CaseMeetingWindow records a meeting rescheduled: the old and new
	// windows are sealed.
	CaseMeetingWindow CaseAction = "meeting_window"
	// CaseImport records a request loaded from the organization's own
	// past records rather than received: it marks the imported requests,
	// which figures can count or leave out.
	CaseImport CaseAction = "import"
)

// CaseEvent is one change in a case's history: who, when, from what, to
// what. Subject says what changed when the action alone does not (a
// document, a deadline); Note is a reason given. For stages, urgency,
// outcomes and access, From and To are metadata and stored in the clear;
// everything else about an event is sealed.
type CaseEvent struct {
	ID        string
	RequestID string
	At        time.Time
	Actor     string
	Action    CaseAction
	Subject   string
	From      string
	To        string
	Note      string
}

// SealsValues reports whether an action's From and To say something about
// the person (what documents he holds, where he goes, when) and so are
// sealed with the note rather than stored in the clear.
func (a CaseAction) SealsValues() bool {
	return a == CaseDocuments || a == CaseRoute || a == CaseDeadline || a == CaseDone || a == CaseCall || a == CaseStay || a == CaseLegal || a == CaseMeetingWindow
}

// Access reasons: why a staff member holds a case's key.
const (
	AccessIntake   = "intake"
	AccessOwner    = "owner"
	AccessReferral = "referral"
	AccessEntered  = "entered"
	AccessCall     = "call"
)

// Holder is someone who holds a case's key, and why.
type Holder struct {
	StaffID   string
	Reason    string
	CreatedAt time.Time
}

// Case is a request opened for staff, with everything worked on it.
type Case struct {
	Thread
	Details   CaseDetails
	Deadlines []Deadline
	History   []CaseEvent
	Holders   []Holder
	// Links are the other requests marked as coming from the same person.
	Links []Request
	// Openings are who opened the case and when, from the audit log.
	Openings []Opening
	// Legal are the case's legal processes, for those who may see them.
	Legal []LegalProcess
}
