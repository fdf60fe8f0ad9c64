package web

import (
	"net/http"

	"tropa"
	"tropa/desk"
)

// requestData is a request as a caseworker sees it.
type requestData struct {
	Thread     *tropa.Thread
	StaffNames map[string]string
	Draft      string
	MaxMessage int
}

func (s *Server) requestShow(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	p := s.staffPage(r, sess)
	if r.URL.Query().Get("sent") == "1" {
		p.Notice = p.T("NoticeReplySent")
	}
	return s.showRequest(w, r, sess, p, "", http.StatusOK)
}

func (s *Server) showRequest(w http.ResponseWriter, r *http.Request, sess *desk.Session, p *page, draft string, status int) error {
	t, err := s.Desk.OpenRequest(r.Context(), sess, r.PathValue("id"))
	if err != nil {
		return err
	}
	names, err := s.Desk.StaffNames(r.Context(), sess)
	if err != nil {
		return err
	}
	p.Data = requestData{Thread: t, StaffNames: names, Draft: draft, MaxMessage: tropa.MaxMessageLen}
	s.render(w, status, "request", p)
	return nil
}

// requestReply sends a staff reply and comes back to the request
// (post/redirect/get); a reply that is refused is shown again, as typed.
func (s *Server) requestReply(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id, body := r.PathValue("id"), textField(r, "message")
	if err := s.Desk.Reply(r.Context(), sess, id, body); err != nil {
		if !tropa.IsCode(err, tropa.EINVALID) {
			return err
		}
		p := s.staffPage(r, sess)
		p.Error = p.explain(err)
		return s.showRequest(w, r, sess, p, body, s.errorStatus(r, err))
	}
	p := s.newPage(r)
	http.Redirect(w, r, p.URL("/staff/requests/"+id+"?sent=1"), http.StatusSeeOther)
	return nil
}
