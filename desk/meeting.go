package desk

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"tropa"
	"tropa/seal"
	"tropa/stats"
)

// MeetingInput is what staff type to arrange a meeting. Responsible is a
// staff member who holds the case; empty means the one who arranges it.
type MeetingInput struct {
	Window      tropa.Window
	Place       string
	Sign        string
	Phrase      string
	Responsible string
}

// sealedMeeting is what a meeting keeps under the case key.
type sealedMeeting struct {
	Window tropa.Window
	Place  string
	Sign   string
	Phrase string
	Steps  []tropa.MeetingStep
}

func meetingAAD(id string) seal.AAD {
	return seal.AAD{Table: "meetings", Row: id, Field: "sealed"}
}

// ArrangeMeeting proposes a safe-surrender meeting for an open case. Its
// end becomes a deadline of kind meeting with the meeting's id, so the
// case's due time and place in the queue follow it.
func (d *Desk) ArrangeMeeting(ctx context.Context, s *Session, requestID string, in MeetingInput) (string, error) {
	now := d.now()
	if err := in.Window.Check(now); err != nil {
		return "", err
	}
	for _, f := range []struct{ text, name string }{{in.Place, "place"}, {in.Sign, "sign"}, {in.Phrase, "phrase"}} {
		if err := tropa.ValidateText(strings.TrimSpace(f.text), f.name, 1, tropa.MaxLabelLen); err != nil {
			return "", err
		}
	}
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermSchedule)
	if err != nil {
		return "", err
	}
	if !rr.Open() {
		return "", tropa.UserError(tropa.ECONFLICT, "ErrMeetingCaseClosed", nil)
	}
	if in.Responsible == "" {
		in.Responsible = s.Staff.ID
	}
	if err := d.checkResponsible(ctx, requestID, in.Responsible); err != nil {
		return "", err
	}
	list, err := d.openMeetings(ctx, key, requestID)
	if err != nil {
		return "", err
	}
	m := tropa.Meeting{ID: tropa.NewID(), RequestID: requestID, State: tropa.MeetingProposed, Window: in.Window,
		Place: strings.TrimSpace(in.Place), Sign: strings.TrimSpace(in.Sign), Phrase: strings.TrimSpace(in.Phrase),
		Responsible: in.Responsible,
		Steps:       []tropa.MeetingStep{{State: tropa.MeetingProposed, By: s.Staff.ID, At: now}}}
	if err := m.CheckOverlap(list); err != nil {
		return "", err
	}
	u, err := d.meetingUpdate(ctx, key, rr, m)
	if err != nil {
		return "", err
	}
	return m.ID, d.commit(ctx, s, key, u, tropa.CaseEvent{Action: tropa.CaseMeeting, To: string(m.State)})
}

// MoveMeeting takes a meeting to another state; failed and cancelled need
// a reason. Closing it closes its deadline.
func (d *Desk) MoveMeeting(ctx context.Context, s *Session, requestID, meetingID string, to tropa.MeetingState, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason != "" {
		if err := tropa.ValidateText(reason, "reason", 1, tropa.MaxLabelLen); err != nil {
			return err
		}
	}
	key, rr, m, err := d.openMeeting(ctx, s, requestID, meetingID)
	if err != nil {
		return err
	}
	from := m.State
	if err := m.Move(to, s.Staff.ID, d.now(), reason); err != nil {
		return err
	}
	u, err := d.meetingUpdate(ctx, key, rr, *m)
	if err != nil {
		return err
	}
	return d.commit(ctx, s, key, u, tropa.CaseEvent{Action: tropa.CaseMeeting, From: string(from), To: string(to),
		Note: reason})
}

// RescheduleMeeting moves an open meeting of an open case to another
// window, keeping the old one in its steps and the case's history. A
// closed case's meeting can still be closed, to say how it ended.
func (d *Desk) RescheduleMeeting(ctx context.Context, s *Session, requestID, meetingID string, w tropa.Window) error {
	now := d.now()
	if err := w.Check(now); err != nil {
		return err
	}
	key, rr, m, err := d.openMeeting(ctx, s, requestID, meetingID)
	if err != nil {
		return err
	}
	if !rr.Open() {
		return tropa.UserError(tropa.ECONFLICT, "ErrMeetingCaseClosed", nil)
	}
	old := m.Window
	if err := m.Reschedule(w, s.Staff.ID, now); err != nil {
		return err
	}
	list, err := d.openMeetings(ctx, key, requestID)
	if err != nil {
		return err
	}
	if err := m.CheckOverlap(list); err != nil {
		return err
	}
	u, err := d.meetingUpdate(ctx, key, rr, *m)
	if err != nil {
		return err
	}
	return d.commit(ctx, s, key, u, tropa.CaseEvent{Action: tropa.CaseMeetingWindow,
		From: formatTime(old.Start) + "/" + formatTime(old.End), To: formatTime(w.Start) + "/" + formatTime(w.End)})
}

// SendMeeting writes to the applicant, as a staff reply he reads with his
// receipt, what staff chose to tell him of an open meeting: say turns the
// meeting into words, and sees of it only the details chosen. The audit
// log names which details went, never what they say.
func (d *Desk) SendMeeting(ctx context.Context, s *Session, requestID, meetingID string, details []tropa.MeetingDetail,
	say func(tropa.Meeting) string) error {
	if len(details) == 0 {
		return tropa.UserError(tropa.EINVALID, "ErrMeetingNothingToSend", nil)
	}
	names := make([]string, 0, len(details))
	for _, want := range tropa.MeetingDetails {
		if slices.Contains(details, want) {
			names = append(names, string(want))
		}
	}
	if len(names) != len(details) {
		return tropa.UserError(tropa.EINVALID, "ErrMeetingNothingToSend", nil)
	}
	if err := require(s, tropa.PermWrite); err != nil {
		return d.refuse(ctx, s, requestID, tropa.PermWrite, "role", err)
	}
	key, _, m, err := d.openMeeting(ctx, s, requestID, meetingID)
	if err != nil {
		return err
	}
	if !m.State.Open() {
		return tropa.UserError(tropa.EINVALID, "ErrMeetingSendClosed", nil)
	}
	now := d.now()
	return d.addStaffMessage(ctx, key, tropa.Message{RequestID: requestID, Author: tropa.AuthorStaff, StaffID: s.Staff.ID,
		CreatedAt: now, Body: say(m.Only(details))},
		&tropa.AuditEvent{At: now, Actor: s.Staff.ID, Action: tropa.ActionMeetingSent, RequestID: requestID,
			Detail: strings.Join(names, ",")})
}

// Meetings opens a case's meetings, earliest window first.
func (d *Desk) Meetings(ctx context.Context, s *Session, requestID string) ([]tropa.Meeting, error) {
	key, err := d.caseKey(ctx, s, requestID, tropa.PermQueue)
	if err != nil {
		return nil, err
	}
	return d.openMeetings(ctx, key, requestID)
}

func (d *Desk) openMeeting(ctx context.Context, s *Session, requestID, meetingID string) (*seal.Key, *tropa.RequestRecord, *tropa.Meeting, error) {
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermSchedule)
	if err != nil {
		return nil, nil, nil, err
	}
	list, err := d.openMeetings(ctx, key, requestID)
	if err != nil {
		return nil, nil, nil, err
	}
	for i := range list {
		if list[i].ID == meetingID {
			return key, rr, &list[i], nil
		}
	}
	return nil, nil, nil, tropa.UserError(tropa.ENOTFOUND, "ErrMeetingUnknown", nil)
}

// checkResponsible refuses a responsible staff member who does not hold
// the case: he could not open the meeting he answers for.
func (d *Desk) checkResponsible(ctx context.Context, requestID, staffID string) error {
	wraps, err := d.cfg.Store.KeyWraps(ctx, requestID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(wraps, func(w tropa.KeyWrap) bool { return w.Holder == staffID }) {
		return tropa.UserError(tropa.EINVALID, "ErrMeetingResponsible", nil)
	}
	return nil
}

// refuseMeetingDeadline refuses to close on its own the deadline of a
// meeting: it closes with the meeting, which says how it ended.
func (d *Desk) refuseMeetingDeadline(ctx context.Context, requestID, deadlineID string) error {
	list, err := d.cfg.Store.Meetings(ctx, requestID)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(list, func(m tropa.MeetingRecord) bool { return m.ID == deadlineID }) {
		return tropa.UserError(tropa.EINVALID, "ErrDeadlineIsMeeting", nil)
	}
	return nil
}

// meetingUpdate is the update that writes m and its deadline, which is due
// at the window's end and done when the meeting is closed.
func (d *Desk) meetingUpdate(ctx context.Context, key *seal.Key, rr *tropa.RequestRecord, m tropa.Meeting) (*tropa.CaseUpdate, error) {
	deadlines, err := d.openDeadlines(ctx, key, rr.ID)
	if err != nil {
		return nil, err
	}
	dl := tropa.Deadline{ID: m.ID, RequestID: m.RequestID, Kind: tropa.DeadlineMeeting, DueAt: m.Window.End,
		CreatedBy: m.Steps[0].By, CreatedAt: m.Steps[0].At}
	for _, old := range deadlines {
		if old.ID == m.ID {
			dl.CreatedBy, dl.CreatedAt = old.CreatedBy, old.CreatedAt
		}
	}
	if !m.State.Open() {
		dl.DoneAt = m.Steps[len(m.Steps)-1].At
	}
	u := deadlineUpdate(key, rr, deadlines, dl)
	rec, err := sealMeeting(key, m)
	if err != nil {
		return nil, err
	}
	u.Meetings = []tropa.MeetingRecord{rec}
	return u, nil
}

func sealMeeting(key *seal.Key, m tropa.Meeting) (tropa.MeetingRecord, error) {
	b, err := json.Marshal(sealedMeeting{Window: m.Window, Place: m.Place, Sign: m.Sign, Phrase: m.Phrase, Steps: m.Steps})
	if err != nil {
		return tropa.MeetingRecord{}, tropa.Errorf(tropa.EINTERNAL, "meeting: %v", err)
	}
	rec := tropa.MeetingRecord{ID: m.ID, RequestID: m.RequestID, State: m.State, Day: tropa.Day(m.Window.Start),
		Responsible: m.Responsible, Sealed: seal.Seal(key, b, meetingAAD(m.ID))}
	if !m.State.Open() {
		rec.ClosedDay = tropa.Day(m.Steps[len(m.Steps)-1].At)
	}
	return rec, nil
}

func openMeeting(key *seal.Key, r tropa.MeetingRecord) (tropa.Meeting, error) {
	m := tropa.Meeting{ID: r.ID, RequestID: r.RequestID, State: r.State, Responsible: r.Responsible}
	b, err := seal.Open(key, r.Sealed, meetingAAD(r.ID))
	if err != nil {
		return m, tropa.Errorf(tropa.EINTERNAL, "open meeting: %v", err)
	}
	var sm sealedMeeting
	if err := json.Unmarshal(b, &sm); err != nil {
		return m, tropa.Errorf(tropa.EINTERNAL, "meeting: %v", err)
	}
	m.Window, m.Place, m.Sign, m.Phrase, m.Steps = sm.Window, sm.Place, sm.Sign, sm.Phrase, sm.Steps
	return m, nil
}

func (d *Desk) openMeetings(ctx context.Context, key *seal.Key, requestID string) ([]tropa.Meeting, error) {
	records, err := d.cfg.Store.Meetings(ctx, requestID)
	if err != nil {
		return nil, err
	}
	list := make([]tropa.Meeting, 0, len(records))
	for _, r := range records {
		m, err := openMeeting(key, r)
		if err != nil {
			return nil, err
		}
		list = append(list, m)
	}
	sortMeetings(list)
	return list, nil
}

func sortMeetings(list []tropa.Meeting) {
	slices.SortFunc(list, func(a, b tropa.Meeting) int {
		if c := a.Window.Start.Compare(b.Window.Start); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// BoardMeeting is a meeting on the day board, with its case's reference.
type BoardMeeting struct {
	tropa.Meeting
	Ref     string
	Overdue bool
}

// DayBoard lists the meetings of today and tomorrow in loc, earliest
// first, of the cases s holds, with those whose window passed unclosed
// marked overdue. The store picks the meetings by the viewer's key rows
// and by the clear UTC day of their start, of the UTC days the two local
// days touch; each is opened with the viewer's own key and kept if its
// window starts within the two days, which the clear day cannot tell on
// the first and last of those UTC days.
func (d *Desk) DayBoard(ctx context.Context, s *Session, loc *time.Location) ([]BoardMeeting, error) {
	if err := require(s, tropa.PermQueue); err != nil {
		return nil, err
	}
	now := d.now()
	y, mo, dd := now.In(loc).Date()
	from := time.Date(y, mo, dd, 0, 0, 0, 0, loc)
	to := time.Date(y, mo, dd+2, 0, 0, 0, 0, loc)
	held, err := d.cfg.Store.MeetingsHeld(ctx, s.Staff.ID, from, to.Add(-time.Nanosecond))
	if err != nil {
		return nil, err
	}
	wrapped := map[string][]byte{}
	for _, h := range held {
		wrapped[h.RequestID] = h.Wrapped
	}
	keys, err := s.unwrapCases(wrapped)
	if err != nil {
		return nil, err
	}
	var board []BoardMeeting
	for _, h := range held {
		m, err := openMeeting(keys[h.RequestID], h.MeetingRecord)
		if err != nil {
			return nil, err
		}
		if m.Window.Start.Before(from) || !m.Window.Start.Before(to) {
			continue
		}
		board = append(board, BoardMeeting{Meeting: m, Ref: h.Ref, Overdue: m.Overdue(now)})
	}
	slices.SortFunc(board, func(a, b BoardMeeting) int {
		if c := a.Window.Start.Compare(b.Window.Start); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return board, nil
}

// meetingCounts counts the meetings closed in a period, by final state,
// from the clear closing day and state only: the figures open nothing.
func (d *Desk) meetingCounts(ctx context.Context, p stats.Period) (map[tropa.MeetingState]int, error) {
	byDay, err := d.cfg.Store.MeetingCounts(ctx, p.From(), p.To().Add(-time.Nanosecond))
	if err != nil {
		return nil, err
	}
	total := map[tropa.MeetingState]int{}
	for _, states := range byDay {
		for st, n := range states {
			total[st] += n
		}
	}
	return total, nil
}
