package tropa

import (
	"iter"
	"slices"
	"time"
)

// HistoryRow is one request from an organization's past, as its own records
// give it: the day it came, by which channel, what was asked, where the man
// was, what became of it, and what was written of it, if anything.
type HistoryRow struct {
	Day       time.Time
	Channel   Channel
	Kind      Kind
	Situation Situation
	Outcome   Outcome
	Text      string
}

// HistoryFromYear is the first year a history row may name: before it a
// date is a typing error, not a request.
const HistoryFromYear = 2000

// Validate checks a history row against the organization's vocabulary and
// today's UTC day, and returns an EINVALID *Error that says what is wrong.
func (r *HistoryRow) Validate(v Vocabulary, today time.Time) error {
	switch {
	case r.Day.Year() < HistoryFromYear || r.Day.After(Day(today)):
		return UserError(EINVALID, "ErrImportDayRange", map[string]any{"Value": r.Day.Format(time.DateOnly),
			"From": HistoryFromYear, "To": Day(today).Format(time.DateOnly)})
	case !slices.Contains(Channels, r.Channel):
		return UserError(EINVALID, "ErrImportUnknown", map[string]any{"Field": "channel", "Value": string(r.Channel)})
	case !validKind(r.Kind):
		return UserError(EINVALID, "ErrImportUnknown", map[string]any{"Field": "kind", "Value": string(r.Kind)})
	case !validSituation(r.Situation):
		return UserError(EINVALID, "ErrImportUnknown", map[string]any{"Field": "situation", "Value": string(r.Situation)})
	case !v.HasOutcome(r.Outcome):
		return UserError(EINVALID, "ErrImportUnknown", map[string]any{"Field": "outcome", "Value": string(r.Outcome)})
	}
	return ValidateText(r.Text, "text", 0, MaxMessageLen)
}

// ImportedRequest is a history row as stored: a case closed on its day with
// its outcome, owned by no one. A row with text has it as its first
// message, sealed under a case key of its own wrapped to Wraps; a row
// without has no key, no message and no wraps, so nothing to open.
type ImportedRequest struct {
	Request RequestRecord
	First   *MessageRecord
	Wraps   []KeyWrap
	// Event records the import in the case's history; its action,
	// CaseImport, is what marks a request as imported.
	Event CaseEventRecord
}

// ImportBatch is an organization's history, written whole or not at all.
type ImportBatch struct {
	Requests iter.Seq2[*ImportedRequest, error]
	// NewRef gives another reference for a request whose reference is
	// taken.
	NewRef func() string
	// Audit records the import; the store sets its Detail to how many
	// requests it wrote.
	Audit AuditEvent
}
