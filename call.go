package tropa

import (
	"context"
	"time"
)

// Caller says who is on the phone about a case.
type Caller string

const (
	// CallerSelf is the soldier himself.
	CallerSelf Caller = "self"
	// CallerRelative is a relative calling for him.
	CallerRelative Caller = "relative"
	// CallerOther is anyone else: a friend, a fellow soldier.
	CallerOther Caller = "other"
)

// Callers lists who may be calling, in the order the call desk offers them.
var Callers = []Caller{CallerSelf, CallerRelative, CallerOther}

// Valid reports whether c is one of Callers.
func (c Caller) Valid() bool { return c == CallerSelf || c == CallerRelative || c == CallerOther }

// CaseCall records a phone call in a case's history; who called is its
// Subject and what was said its Note, both sealed.
const CaseCall CaseAction = "call"

// NewCall is a call that becomes a new request: the request as the
// operator typed it, who was calling, and whether he marked it urgent.
type NewCall struct {
	Caller     Caller
	Urgent     bool
	Submission Submission
}

// ReturningCall is a caller coming back with his receipt: who is calling
// and what was said.
type ReturningCall struct {
	Receipt string
	Caller  Caller
	Said    string
}

// Validate checks what a returning call says before any receipt work.
func (c ReturningCall) Validate() error {
	if !c.Caller.Valid() {
		return UserError(EINVALID, "ErrCallCaller", nil)
	}
	return ValidateText(c.Said, "message", 1, MaxMessageLen)
}

// CallRecord is a call as stored: its case, who took it, its day in clear
// and its exact time sealed under the case key.
type CallRecord struct {
	ID        string
	RequestID string
	StaffID   string
	// At is the call's time; the store keeps its day, and counts its UTC
	// hour apart, linked to nothing.
	At        time.Time
	Returning bool
	SealedAt  []byte
}

// TakenCall is a call a staff member took, as stored, with the case's
// reference and the key wrapped to them that opens its time.
type TakenCall struct {
	CallRecord
	Ref     string
	Wrapped []byte
}

// Call is a call as the one who took it reads it.
type Call struct {
	RequestID string
	Ref       string
	At        time.Time
	Returning bool
}

// HourCount is how many calls came in the UTC hour starting at Hour.
type HourCount struct {
	Hour  time.Time
	Calls int
}

// CallStore keeps calls and the counts of them.
type CallStore interface {
	// CallsTaken lists the calls staffID took on the UTC days from from
	// to to, of cases whose key they still hold.
	CallsTaken(ctx context.Context, staffID string, from, to time.Time) ([]TakenCall, error)
	// CallHours counts calls per UTC hour in [from, to), hours with none
	// left out.
	CallHours(ctx context.Context, from, to time.Time) ([]HourCount, error)
	// CallDays counts calls per UTC day in [from, to), from the days kept
	// with each call.
	CallDays(ctx context.Context, from, to time.Time) (map[time.Time]int, error)
}
