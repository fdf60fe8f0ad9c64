package tropa

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Retention is how long the organization keeps what it no longer needs, in
// days. 0 turns a rule off: that data is kept until someone deletes it.
type Retention struct {
	// ClosedAfter is how long after it was closed a request is deleted:
	// a case closed with its outcome, a duplicate, one not the
	// organization's help. Spam has its own rule.
	ClosedAfter int `json:"closed_after"`
	// ContactAfter is how long after his request was closed, whatever the
	// reason, the applicant's contact details are erased.
	ContactAfter int `json:"contact_after"`
	// SpamAfter is how long after it was marked as spam a request is
	// deleted.
	SpamAfter int `json:"spam_after"`
}

// DefaultRetention is what an organization starts with. Its data can get
// people jailed, so nothing is kept long: a closed case half a year, for
// follow-up questions and the odd reopening; the applicant's contact a
// month after his request is closed; spam a week, time enough to undo a
// wrong triage.
func DefaultRetention() Retention {
	return Retention{ClosedAfter: 180, ContactAfter: 30, SpamAfter: 7}
}

// MaxRetentionDays bounds every rule: about ten years.
const MaxRetentionDays = 3650

// Validate checks a policy as an administrator typed it.
func (r Retention) Validate() error {
	for _, days := range []int{r.ClosedAfter, r.ContactAfter, r.SpamAfter} {
		if days < 0 || days > MaxRetentionDays {
			return UserError(EINVALID, "ErrRetentionDays", map[string]any{"Max": MaxRetentionDays})
		}
	}
	return nil
}

// ParseRetention reads a policy saved by Marshal. A rule missing from it,
// as after an upgrade that adds one, takes its default rather than 0,
// which would keep that data for ever.
func ParseRetention(s string) (Retention, error) {
	r := DefaultRetention()
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return Retention{}, Errorf(EINTERNAL, "retention setting: %v", err)
	}
	if err := r.Validate(); err != nil {
		return Retention{}, Errorf(EINTERNAL, "retention setting: %v", err)
	}
	return r, nil
}

// Marshal returns the policy as it is saved in settings.
func (r Retention) Marshal() string {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // a struct of ints always marshals
	}
	return string(b)
}

// String is the policy as the audit log records it.
func (r Retention) String() string {
	return fmt.Sprintf("closed_after=%d contact_after=%d spam_after=%d", r.ClosedAfter, r.ContactAfter, r.SpamAfter)
}

// Batch is one batch of the policy applied at now, of at most limit
// requests deleted and limit contacts erased.
func (r Retention) Batch(now time.Time, limit int) RetentionBatch {
	return RetentionBatch{ClosedBefore: daysBefore(now, r.ClosedAfter), SpamBefore: daysBefore(now, r.SpamAfter),
		ContactBefore: daysBefore(now, r.ContactAfter), At: now, Limit: limit}
}

// daysBefore is the instant days days before now, or zero when days is 0.
func daysBefore(now time.Time, days int) time.Time {
	if days == 0 {
		return time.Time{}
	}
	return now.Add(-time.Duration(days) * 24 * time.Hour)
}

// RetentionBatch is one transaction of the retention policy. A zero time
// turns its rule off.
type RetentionBatch struct {
	// ClosedBefore deletes the requests closed, other than as spam, at or
	// before it; SpamBefore those marked as spam at or before it.
	ClosedBefore time.Time
	SpamBefore   time.Time
	// ContactBefore erases the contact details of requests closed at or
	// before it.
	ContactBefore time.Time
	// At is when the batch runs, recorded as when contacts were erased.
	At    time.Time
	Limit int
	// Audit is the entry that records the batch, written in its
	// transaction only if it did anything; its Detail is set to the counts.
	Audit AuditEvent
}

// RetentionCounts say what applying the retention policy did. They are
// the only trace of it: no request is named.
type RetentionCounts struct {
	DeletedClosed  int
	DeletedSpam    int
	ContactsErased int
}

// Add adds what another batch did.
func (c *RetentionCounts) Add(o RetentionCounts) {
	c.DeletedClosed += o.DeletedClosed
	c.DeletedSpam += o.DeletedSpam
	c.ContactsErased += o.ContactsErased
}

// Total is how many requests were deleted or had their contact erased.
func (c RetentionCounts) Total() int { return c.DeletedClosed + c.DeletedSpam + c.ContactsErased }

// String is the counts as the audit log records them.
func (c RetentionCounts) String() string {
	return fmt.Sprintf("deleted_closed=%d deleted_spam=%d contacts_erased=%d", c.DeletedClosed, c.DeletedSpam, c.ContactsErased)
}

// CaseEraseContact records in a case's history that the applicant's
// contact details were erased on request.
const CaseEraseContact CaseAction = "erase_contact"

// ContactErasure erases one request's contact details now, with the
// history entry and the audit event that record who asked.
type ContactErasure struct {
	RequestID string
	At        time.Time
	Event     CaseEventRecord
	Audit     AuditEvent
}

// RetentionStore deletes and erases what the retention policy no longer
// keeps, so that it is gone from the disk as well as from the tables.
type RetentionStore interface {
	// ApplyRetention runs one batch: it deletes the requests due, every row
	// that depends on them and so every wrap of their case keys, leaving
	// the anonymous counts the store kept of them as they were written, so
	// the figures are as they were; and it erases the contacts due. It is
	// safe to run on several nodes at once: no request is deleted twice.
	ApplyRetention(ctx context.Context, b *RetentionBatch) (RetentionCounts, error)
	// EraseContact erases a request's contact details now. It does nothing
	// when they are already erased, and returns ENOTFOUND for an unknown
	// request.
	EraseContact(ctx context.Context, e *ContactErasure) error
	// Reclaim makes the space of deleted rows unreadable on disk: what
	// secure deletion left in free pages and the write-ahead log.
	Reclaim(ctx context.Context) error
}
