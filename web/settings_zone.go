package web

import (
	"net/http"

	"tropa/desk"
)

// orgZoneSet sets the organization's time zone: that of its staff who chose
// none, and the one its applicants read times in.
func (s *Server) orgZoneSet(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.settingsAction(w, r, sess, "zone", "zone", "zone", func() error {
		return s.Desk.SetOrganizationZone(r.Context(), sess, r.PostForm.Get("zone"))
	})
}
