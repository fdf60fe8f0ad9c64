package web

import (
	"net/http"

	"tropa"
	"tropa/desk"
)

type loginData struct {
	Name string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r)
	p.Data = loginData{}
	s.render(w, http.StatusOK, "login", p)
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	name := r.PostForm.Get("name")
	var sess *desk.Session
	var err error = errTooMany
	if s.logins.allow(r, s.Now()) {
		sess, err = s.Desk.Login(r.Context(), name, r.PostForm.Get("password"), r.PostForm.Get("code"))
	}
	if err != nil {
		err = busyRetry(err, "ErrPasswordBusy")
		setRetryAfter(w, err)
		p := s.newPage(r)
		p.Error = p.explain(err)
		p.Data = loginData{Name: name}
		s.render(w, s.errorStatus(r, err), "login", p)
		return nil
	}
	// A session the browser already held is ended, not left behind: its
	// cookie is replaced, and whoever planted or copied it keeps nothing.
	if old, err := s.session(r); err == nil {
		if err := s.Desk.Logout(r.Context(), old); err != nil {
			return err
		}
	}
	s.setSession(w, sess)
	http.Redirect(w, r, stageHome(sess.Stage), http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := s.Desk.Logout(r.Context(), sess); err != nil {
		return err
	}
	s.clearSession(w)
	http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
	return nil
}

// staffHome sends each role where its work is.
func (s *Server) staffHome(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	home := "/staff/account"
	switch role := sess.Staff.Role; {
	case role.Can(tropa.PermQueue):
		home = "/staff/inbox"
	case role.Can(tropa.PermStaff):
		home = "/staff/people"
	case role.Can(tropa.PermStats):
		home = "/staff/stats"
	}
	http.Redirect(w, r, s.newPage(r).URL(home), http.StatusSeeOther)
	return nil
}
