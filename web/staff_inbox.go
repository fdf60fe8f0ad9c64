package web

import (
	"net/http"

	"tropa/desk"
)

func (s *Server) inbox(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	list, err := s.Desk.Inbox(r.Context(), sess)
	if err != nil {
		return err
	}
	p := s.staffPage(r, sess)
	p.Data = list
	s.render(w, http.StatusOK, "inbox", p)
	return nil
}
