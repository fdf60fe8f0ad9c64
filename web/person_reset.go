package web

import (
	"net/http"

	"tropa"
	"tropa/desk"
)

// errResetNotConfirmed refuses a reset whose box was not ticked: it
// destroys keys, and one click must not do it by mistake.
var errResetNotConfirmed = tropa.UserError(tropa.EINVALID, "ErrConfirmReset", nil)

// personResetPassword is for someone who forgot their password: their keys
// are destroyed at once and a new enrolment code is shown, this once, with
// how many cases are to be re-granted to them.
func (s *Server) personResetPassword(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if r.PostForm.Get("confirm") != "yes" {
		return s.peopleRefused(w, r, sess, errResetNotConfirmed)
	}
	reset, err := s.Desk.ResetPassword(r.Context(), sess, id)
	if err != nil {
		return s.peopleRefused(w, r, sess, err)
	}
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	return s.showPeople(w, r, sess, p, http.StatusOK, enrolShown{who: id, code: reset.EnrolCode, why: "password",
		cases: reset.Cases})
}
