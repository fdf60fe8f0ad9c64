package web

import (
	"net/http"

	"tropa/desk"
)

// caseKeepClosed answers the flag of a message the applicant wrote to a
// closed case by leaving the case closed.
func (s *Server) caseKeepClosed(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "flag", "saved", func(id string) error {
		return s.Desk.KeepClosed(r.Context(), sess, id)
	})
}
