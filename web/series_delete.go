package web

import (
	"net/http"

	"tropa"
	"tropa/desk"
)

func (s *Server) seriesDelete(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if !sess.Staff.Role.Can(tropa.PermStats) {
		return tropa.UserError(tropa.EFORBIDDEN, "ErrRoleForbidden", nil)
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.Desk.DeleteSeries(r.Context(), sess, r.PostForm.Get("name")); err != nil {
		return s.refuse(w, r, sess, err, func(p *page, status int) error {
			return s.showSeries(w, r, sess, p, seriesData{}, status)
		})
	}
	http.Redirect(w, r, s.newPage(r).URL("/staff/stats/series?done=deleted"), http.StatusSeeOther)
	return nil
}
