package web

import (
	"net/http"
	"time"

	"tropa"
	"tropa/admission"
	"tropa/desk"
)

// Tries at one account, from wherever they come: someone who mistypes has
// five at once and one more every 20 seconds; a guesser on as many networks
// or Tor circuits as he likes gets three a minute at one account, and each
// try is in the audit log. Only a wrong password or code uses a try up: a
// login that succeeds, or that could not be checked, gives it back. While
// someone guesses, the owner competes with him for each try; a minute and
// a half after he stops, the owner has them all back, with no one to ask.
// A staff site that only staff can reach (--staff-addr on a private
// interface, or an onion service with client authorization) keeps the
// guesser away altogether.
const (
	accountEvery = 20 * time.Second
	accountBurst = 5
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
	err := s.accountTry(r, name, func() error {
		var err error
		sess, err = s.Desk.Login(r.Context(), name, r.PostForm.Get("password"), r.PostForm.Get("code"))
		return err
	})
	if err != nil {
		err = admission.BusyRetry(err, "ErrPasswordBusy")
		setRetryAfter(w, err)
		p := s.newPage(r)
		p.Error = p.Explain(err)
		p.Data = loginData{Name: name}
		s.render(w, s.errorStatus(r, err), "login", p)
		return nil
	}
	return s.startSession(w, r, sess)
}

// startSession gives the browser the session a login or an enrolment
// started, and sends it on to what the session is for. A session the
// browser already held is ended, not left behind: its cookie is replaced,
// and whoever planted or copied it keeps nothing.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if old, err := s.session(r); err == nil {
		if err := s.Desk.Logout(r.Context(), old); err != nil {
			return err
		}
	}
	s.setSession(w, sess)
	http.Redirect(w, r, stageHome(sess.Stage), http.StatusSeeOther)
	return nil
}

// accountTry runs try, a login or an enrolment as the account name, if
// neither the account's tries nor the client's logins are spent. A refusal
// (EUNAUTHORIZED or EINVALID) uses up one of the account's tries.
func (s *Server) accountTry(r *http.Request, name string, try func() error) error {
	now := s.Now()
	mine, wait := s.accounts.Reserve([]byte(name), now)
	if wait > 0 {
		return admission.RetryLater(tropa.ERATELIMIT, "ErrTooManyRequests", wait)
	}
	if !s.logins.Allow(clientKey(r), now) {
		mine.CancelAt(now)
		return errTooMany
	}
	err := try()
	if !tropa.IsCode(err, tropa.EUNAUTHORIZED) && !tropa.IsCode(err, tropa.EINVALID) {
		mine.CancelAt(now)
	}
	return err
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
