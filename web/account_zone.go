package web

import (
	"net/http"

	"tropa/desk"
)

// ownZoneSet sets the time zone in which the staff member types and reads
// times; blank leaves them in the organization's.
func (s *Server) ownZoneSet(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.Desk.SetOwnZone(r.Context(), sess, r.PostForm.Get("zone")); err != nil {
		return s.accountRefused(w, r, sess, err)
	}
	http.Redirect(w, r, s.newPage(r).URL("/staff/account?done=zone")+"#zone", http.StatusSeeOther)
	return nil
}
