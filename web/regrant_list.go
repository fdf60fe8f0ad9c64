package web

import (
	"net/http"
	"strconv"

	"tropa/desk"
)

// regrantData is what a password reset left to re-grant to one person, as
// a coordinator sees it: references, never content.
type regrantData struct {
	List *desk.RegrantList
	// Open counts the cases the viewer can re-grant.
	Open int
}

func (s *Server) regrantList(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("regranted")); err == nil && n >= 0 {
		p.Notice = p.T("NoticeRegranted", "Cases", n)
	}
	return s.showRegrants(w, r, sess, p, http.StatusOK)
}

func (s *Server) showRegrants(w http.ResponseWriter, r *http.Request, sess *desk.Session, p *page, status int) error {
	list, err := s.Desk.Regrants(r.Context(), sess, r.PathValue("id"))
	if err != nil {
		return err
	}
	data := regrantData{List: list}
	for _, it := range list.Items {
		if it.CanOpen {
			data.Open++
		}
	}
	p.Path = "/staff/people/" + list.Staff.ID + "/regrant"
	p.Data = data
	s.render(w, status, "regrant", p)
	return nil
}
