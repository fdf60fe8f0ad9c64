package web

import (
	"net/http"
	"net/url"
	"strconv"

	"tropa"
	"tropa/desk"
)

// maxRegrantCases bounds the cases one re-grant form names: more than
// anyone holds, far fewer than a body could carry.
const maxRegrantCases = 5000

// parseRegrant reads the cases ticked on the re-grant page: request ids,
// each once; anything that could not be one is left out.
func parseRegrant(form url.Values) []string {
	var ids []string
	seen := map[string]bool{}
	for _, id := range form["case"] {
		if tropa.ValidID(id) && !seen[id] && len(ids) < maxRegrantCases {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// regrantSave wraps to the person's new key each ticked case the viewer
// can open.
func (s *Server) regrantSave(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	n, err := s.Desk.Regrant(r.Context(), sess, id, parseRegrant(r.PostForm))
	if err != nil {
		return s.refuse(w, r, sess, err, func(p *page, status int) error {
			return s.showRegrants(w, r, sess, p, status)
		})
	}
	http.Redirect(w, r, s.newPage(r).URL("/staff/people/"+id+"/regrant?regranted="+strconv.Itoa(n)), http.StatusSeeOther)
	return nil
}
