package web

import (
	"net/http"
	"strconv"
	"time"

	"tropa"
	"tropa/desk"
)

func (s *Server) caseTriage(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "triage", "saved", func(id string) error {
		return s.Desk.Triage(r.Context(), sess, id, desk.Triage{Version: formVersion(r),
			Disposition: tropa.Disposition(r.PostForm.Get("disposition")), Urgency: formUrgency(r),
			Reason: textField(r, "reason"), DuplicateOf: r.PostForm.Get("duplicate_of")})
	})
}

func (s *Server) caseChange(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "stage", "saved", func(id string) error {
		return s.Desk.ChangeCase(r.Context(), sess, id, desk.CaseChange{Version: formVersion(r),
			Stage: tropa.Stage(r.PostForm.Get("stage")), Urgency: formUrgency(r),
			Outcome: tropa.Outcome(r.PostForm.Get("outcome"))})
	})
}

// caseDetails saves the document checklist and the route: one select per
// document named doc_<key>, and the route and destination as text.
func (s *Server) caseDetails(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "details", "saved", func(id string) error {
		v, err := s.Desk.Vocabulary(r.Context())
		if err != nil {
			return err
		}
		det := tropa.CaseDetails{Documents: map[string]tropa.DocumentStatus{}, Route: textField(r, "route"),
			Destination: textField(r, "destination")}
		for _, doc := range v.Documents {
			if st := r.PostForm.Get("doc_" + doc.Key); st != "" {
				det.Documents[doc.Key] = tropa.DocumentStatus(st)
			}
		}
		return s.Desk.SaveDetails(r.Context(), sess, id, formVersion(r), det)
	})
}

func (s *Server) caseLeftUnit(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "deadlines", "saved", func(id string) error {
		at, err := s.formTime(r, sess, "left_at")
		if err != nil {
			return err
		}
		return s.Desk.RecordLeftUnit(r.Context(), sess, id, at)
	})
}

func (s *Server) deadlineAdd(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "deadlines", "saved", func(id string) error {
		due, err := s.formTime(r, sess, "due_at")
		if err != nil {
			return err
		}
		return s.Desk.AddDeadline(r.Context(), sess, id, tropa.DeadlineKind(r.PostForm.Get("kind")), due,
			textField(r, "label"))
	})
}

func (s *Server) deadlineDone(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "deadlines", "saved", func(id string) error {
		return s.Desk.CompleteDeadline(r.Context(), sess, id, r.PathValue("deadline"))
	})
}

func (s *Server) caseAssign(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "people", "saved", func(id string) error {
		return s.Desk.Assign(r.Context(), sess, id, r.PostForm.Get("staff"))
	})
}

func (s *Server) caseRefer(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "people", "saved", func(id string) error {
		return s.Desk.Refer(r.Context(), sess, id, r.PostForm.Get("staff"))
	})
}

func (s *Server) holderRemove(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "people", "saved", func(id string) error {
		return s.Desk.RemoveAccess(r.Context(), sess, id, r.PathValue("staff"))
	})
}

func (s *Server) caseLink(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "links", "saved", func(id string) error {
		return s.Desk.Link(r.Context(), sess, id, r.PostForm.Get("ref"))
	})
}

// formVersion is the version of the case the form was shown with; a form
// without one is refused as made on a stale page.
func formVersion(r *http.Request) int {
	v, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || v < 1 {
		return -1
	}
	return v
}

func formUrgency(r *http.Request) tropa.Urgency {
	if r.PostForm.Get("urgency") == "high" {
		return tropa.UrgencyHigh
	}
	return tropa.UrgencyNormal
}

// formTime reads a time typed in field on the clocks of the staff member's
// zone.
func (s *Server) formTime(r *http.Request, sess *desk.Session, field string) (time.Time, error) {
	loc, err := s.Desk.StaffLocation(r.Context(), sess.Staff.ID)
	if err != nil {
		return time.Time{}, err
	}
	return parseLocalTime(r.PostForm.Get(field), loc)
}
