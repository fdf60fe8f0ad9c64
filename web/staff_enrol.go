package web

import (
	"net/http"

	"tropa/admission"
	"tropa/desk"
)

// enrolData is the first-login form of someone added on the web or whose
// password was reset: their name, kept after a mistake, never what else
// they typed.
type enrolData struct {
	Name        string
	MinPassword int
}

func (s *Server) enrolForm(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r)
	p.Data = enrolData{MinPassword: desk.MinPasswordLen}
	s.render(w, http.StatusOK, "enrol", p)
	return nil
}

// enrol lets a staff member choose their own password with the enrolment
// code they were given, then sends them on to set up their authenticator.
// A wrong code uses up one of the account's tries, as a wrong password at
// the login does.
func (s *Server) enrol(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	name, password := r.PostForm.Get("name"), r.PostForm.Get("password")
	var sess *desk.Session
	var err error
	if password != r.PostForm.Get("repeat") {
		err = errPasswordMismatch
	} else {
		err = s.accountTry(r, name, func() error {
			var err error
			sess, err = s.Desk.Enrol(r.Context(), name, r.PostForm.Get("enrol_code"), password)
			return err
		})
	}
	if err != nil {
		err = admission.BusyRetry(err, "ErrPasswordBusy")
		setRetryAfter(w, err)
		p := s.newPage(r)
		p.Error = p.Explain(err)
		p.Data = enrolData{Name: name, MinPassword: desk.MinPasswordLen}
		s.render(w, s.errorStatus(r, err), "enrol", p)
		return nil
	}
	return s.startSession(w, r, sess)
}
