package tropa

import (
	"slices"
	"time"
)

// MeetingState is where a safe-surrender meeting stands.
type MeetingState string

const (
	// MeetingProposed is a meeting staff arranged and the other side has
	// not yet agreed to.
	MeetingProposed MeetingState = "proposed"
	// MeetingConfirmed is a meeting both sides agreed to.
	MeetingConfirmed MeetingState = "confirmed"
	// MeetingCompleted is a meeting that took place.
	MeetingCompleted MeetingState = "completed"
	// MeetingFailed is a meeting that went wrong; a reason is required.
	MeetingFailed MeetingState = "failed"
	// MeetingCancelled is a meeting called off before it took place; a
	// reason is required.
	MeetingCancelled MeetingState = "cancelled"
	// MeetingNoShow is a meeting the man did not come to.
	MeetingNoShow MeetingState = "no_show"
)

// MeetingStates lists every state, in the order forms and figures show
// them.
var MeetingStates = []MeetingState{MeetingProposed, MeetingConfirmed, MeetingCompleted, MeetingFailed,
	MeetingCancelled, MeetingNoShow}

// meetingMoves is the state machine: from each open state, where it may go.
// Closed states go nowhere.
var meetingMoves = map[MeetingState][]MeetingState{
	MeetingProposed:  {MeetingConfirmed, MeetingCancelled},
	MeetingConfirmed: {MeetingCompleted, MeetingFailed, MeetingCancelled, MeetingNoShow},
}

// Valid reports whether s is a known state.
func (s MeetingState) Valid() bool { return slices.Contains(MeetingStates, s) }

// Open reports whether a meeting in state s is still to happen.
func (s MeetingState) Open() bool { return s == MeetingProposed || s == MeetingConfirmed }

// CanMove reports whether a meeting in state s may go to state to.
func (s MeetingState) CanMove(to MeetingState) bool { return slices.Contains(meetingMoves[s], to) }

// NeedsReason reports whether moving to s must say why.
func (s MeetingState) NeedsReason() bool { return s == MeetingFailed || s == MeetingCancelled }

// Window is when a meeting is to take place, as instants; the zone it was
// typed in is kept so that it is shown there with its name.
type Window struct {
	Start time.Time
	End   time.Time
	Zone  string
}

// maxMeetingAhead is how far ahead a meeting may be set: a surrender is
// arranged days ahead, not years; a farther window is a mistyped year.
const maxMeetingAhead = 366 * 24 * time.Hour

// Check refuses a window that ends before it starts, one already over at
// now, or one too far ahead.
func (w Window) Check(now time.Time) error {
	switch {
	case w.Start.IsZero() || w.End.IsZero():
		return UserError(EINVALID, "ErrMeetingWindowMissing", nil)
	case !w.End.After(w.Start):
		return UserError(EINVALID, "ErrMeetingEndsBeforeStart", nil)
	case !w.End.After(now):
		return UserError(EINVALID, "ErrMeetingInPast", nil)
	case w.Start.After(now.Add(maxMeetingAhead)):
		return UserError(EINVALID, "ErrMeetingTooFar", nil)
	}
	return nil
}

// Overlaps reports whether w and o share any moment; a window ending when
// the other starts does not overlap it.
func (w Window) Overlaps(o Window) bool { return w.Start.Before(o.End) && o.Start.Before(w.End) }

// MeetingStep is one change of a meeting's state or window: who, exactly
// when, and why.
type MeetingStep struct {
	State  MeetingState
	By     string
	At     time.Time
	Reason string
	// Window is the window before a rescheduling, which the step records;
	// zero for a change of state.
	Window Window
}

// Meeting is a safe-surrender meeting of a case, opened.
type Meeting struct {
	ID          string
	RequestID   string
	State       MeetingState
	Window      Window
	Place       string
	Sign        string
	Phrase      string
	Responsible string
	Steps       []MeetingStep
}

// Overdue reports whether the meeting's window has passed at now and no
// one has closed it.
func (m *Meeting) Overdue(now time.Time) bool { return m.State.Open() && !now.Before(m.Window.End) }

// Move takes the meeting to state to, by whom and when, with reason where
// one is needed; an illegal move changes nothing.
func (m *Meeting) Move(to MeetingState, by string, at time.Time, reason string) error {
	if !m.State.CanMove(to) {
		return UserError(EINVALID, "ErrMeetingMove", nil)
	}
	if to.NeedsReason() && reason == "" {
		return UserError(EINVALID, "ErrMeetingReason", nil)
	}
	m.State = to
	m.Steps = append(m.Steps, MeetingStep{State: to, By: by, At: at, Reason: reason})
	return nil
}

// Reschedule moves an open meeting to window w, keeping the old window in
// its steps.
func (m *Meeting) Reschedule(w Window, by string, at time.Time) error {
	if !m.State.Open() {
		return UserError(EINVALID, "ErrMeetingMove", nil)
	}
	m.Steps = append(m.Steps, MeetingStep{State: m.State, By: by, At: at, Window: m.Window})
	m.Window = w
	return nil
}

// CheckOverlap refuses m's window when it overlaps an open meeting of the
// same case in others.
func (m *Meeting) CheckOverlap(others []Meeting) error {
	for _, o := range others {
		if o.ID != m.ID && o.State.Open() && o.Window.Overlaps(m.Window) {
			return UserError(ECONFLICT, "ErrMeetingOverlap", nil)
		}
	}
	return nil
}

// MeetingRecord is a meeting as stored. In clear: its state, the UTC day its
// window starts (for the day board), the UTC day it was closed (for the
// figures) and who is responsible; the window, place, sign, code phrase and
// steps are sealed under the case key.
type MeetingRecord struct {
	ID          string
	RequestID   string
	State       MeetingState
	Day         time.Time
	ClosedDay   time.Time
	Responsible string
	Sealed      []byte
}

// MeetingDetail names one thing about a meeting that staff may send to the
// applicant: he learns of a meeting only what staff choose to tell him.
type MeetingDetail string

const (
	MeetingDetailWindow MeetingDetail = "window"
	MeetingDetailPlace  MeetingDetail = "place"
	MeetingDetailSign   MeetingDetail = "sign"
	MeetingDetailPhrase MeetingDetail = "phrase"
)

// MeetingDetails lists every detail, in the order a message tells them.
var MeetingDetails = []MeetingDetail{MeetingDetailWindow, MeetingDetailPlace, MeetingDetailSign, MeetingDetailPhrase}

// Only returns a copy of the meeting keeping, of its window, place, sign
// and code phrase, only those in details.
func (m Meeting) Only(details []MeetingDetail) Meeting {
	if !slices.Contains(details, MeetingDetailWindow) {
		m.Window = Window{}
	}
	if !slices.Contains(details, MeetingDetailPlace) {
		m.Place = ""
	}
	if !slices.Contains(details, MeetingDetailSign) {
		m.Sign = ""
	}
	if !slices.Contains(details, MeetingDetailPhrase) {
		m.Phrase = ""
	}
	m.Steps = nil
	return m
}
