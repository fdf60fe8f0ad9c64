package web

import (
	"net/http"
	"time"

	"tropa"
	"tropa/desk"
)

// meetingBoard shows today's and tomorrow's meetings, in the viewer's zone,
// of the cases the viewer holds.
func (s *Server) meetingBoard(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	board, err := s.Desk.DayBoard(r.Context(), sess, p.location())
	if err != nil {
		return err
	}
	names, err := s.Desk.StaffNames(r.Context(), sess)
	if err != nil {
		return err
	}
	p.Data = struct {
		Board      []desk.BoardMeeting
		StaffNames map[string]string
	}{board, names}
	s.render(w, http.StatusOK, "meetings", p)
	return nil
}

// Window shows a meeting's window on the clocks of the zone it was typed
// in, naming the zone, and on the page's clocks when they differ.
func (p *page) Window(w tropa.Window) string {
	return windowIn(w, p.location())
}

// windowIn shows w on the clocks of the zone it was typed in, naming the
// zone, and on the clocks of also when they differ; a nil also shows only
// the former, as the applicant reads it. Most windows are typed in the
// viewer's own zone: the board shows them without reading that zone's
// rules again for every row.
func windowIn(w tropa.Window, also *time.Location) string {
	loc := also
	if loc == nil || w.Zone != loc.String() {
		l, err := time.LoadLocation(w.Zone)
		switch {
		case err == nil:
			loc = l
		case loc == nil:
			loc = time.UTC
		}
	}
	text := clockIn(w.Start, loc) + " – " + clockIn(w.End, loc) + " (" + loc.String() + ")"
	if also != nil && loc.String() != also.String() {
		text += " = " + clockIn(w.Start, also) + " – " + clockIn(w.End, also)
	}
	return text
}

// MeetingMoves are the states a meeting in state st may be moved to.
func (p *page) MeetingMoves(st tropa.MeetingState) []tropa.MeetingState {
	var list []tropa.MeetingState
	for _, to := range tropa.MeetingStates {
		if st.CanMove(to) {
			list = append(list, to)
		}
	}
	return list
}

// MeetingDetails are what of a meeting staff may send to the applicant.
func (p *page) MeetingDetails() []tropa.MeetingDetail { return tropa.MeetingDetails }

// Overdue reports whether a meeting's window has passed unclosed.
func (p *page) Overdue(m tropa.Meeting) bool { return m.Overdue(p.now) }
