package web

import (
	"net/http"

	"tropa"
	"tropa/desk"
)

// meetingArrange proposes a safe-surrender meeting from the case page; a
// refused one is shown again as typed.
func (s *Server) meetingArrange(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "meetings", "saved", func(id string) error {
		win, err := s.formWindow(r, sess)
		if err != nil {
			return err
		}
		_, err = s.Desk.ArrangeMeeting(r.Context(), sess, id, desk.MeetingInput{Window: win,
			Place: textField(r, "place"), Sign: textField(r, "sign"), Phrase: textField(r, "phrase"),
			Responsible: r.PostForm.Get("responsible")})
		return err
	})
}

// meetingMove takes a meeting to the state the button named.
func (s *Server) meetingMove(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "meeting-"+r.PathValue("meeting"), "saved", func(id string) error {
		return s.Desk.MoveMeeting(r.Context(), sess, id, r.PathValue("meeting"),
			tropa.MeetingState(r.PostForm.Get("state")), textField(r, "reason"))
	})
}

// meetingReschedule moves a meeting to another window; a refused one is
// shown again as typed in that meeting's own form, not the form arranging
// a new one.
func (s *Server) meetingReschedule(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "meeting-"+r.PathValue("meeting"), "saved", func(id string) error {
		win, err := s.formWindow(r, sess)
		if err != nil {
			return err
		}
		return s.Desk.RescheduleMeeting(r.Context(), sess, id, r.PathValue("meeting"), win)
	})
}

// formWindow reads a meeting's window, typed on the clocks of the staff
// member's zone, which it keeps so that the window is shown named.
func (s *Server) formWindow(r *http.Request, sess *desk.Session) (tropa.Window, error) {
	loc, err := s.Desk.StaffLocation(r.Context(), sess.Staff.ID)
	if err != nil {
		return tropa.Window{}, err
	}
	start, err := parseLocalTime(r.PostForm.Get("start"), loc)
	if err != nil {
		return tropa.Window{}, err
	}
	end, err := parseLocalTime(r.PostForm.Get("end"), loc)
	if err != nil {
		return tropa.Window{}, err
	}
	return tropa.Window{Start: start, End: end, Zone: loc.String()}, nil
}
