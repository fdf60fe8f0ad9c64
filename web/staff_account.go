package web

import (
	"net/http"
	"strconv"
	"time"

	"tropa"
	"tropa/admission"
	"tropa/desk"
)

// accountData is a staff member's own account: their sessions, newest
// first.
type accountData struct {
	Sessions []sessionView
	// MinPassword is the shortest new password accepted.
	MinPassword int
	// Zone is the staff member's own time zone as its field shows it, ""
	// for the organization's, which is OrgZone ("" for UTC).
	Zone, OrgZone string
}

// sessionView is one session as its owner sees it. Nothing but times is
// kept of a session: no address, no browser.
type sessionView struct {
	// ID goes into the form that ends the session; Short, a few letters
	// of it, is what the page shows.
	ID         string
	Short      string
	Current    bool
	Enrolling  bool
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// shortID is as much of a session id as the page shows: enough to tell
// one's sessions apart.
const shortID = 6

// accountNotices are the notices the account page shows after a change.
var accountNotices = map[string]string{"password": "NoticePasswordChanged", "ended": "NoticeSessionEnded",
	"keys": "NoticeKeysRotated",
	"zone": "NoticeZoneSet"}

func (s *Server) accountShow(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if id, ok := accountNotices[q.Get("done")]; ok {
		p.Notice = p.T(id)
	} else if n, err := strconv.ParseInt(q.Get("ended"), 10, 64); err == nil && n >= 0 && q.Get("done") == "others" {
		p.Notice = p.T("NoticeOtherSessionsEnded", "Sessions", n)
	}
	return s.showAccount(w, r, sess, p, http.StatusOK)
}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request, sess *desk.Session, p *page, status int) error {
	recs, err := s.Desk.Sessions(r.Context(), sess)
	if err != nil {
		return err
	}
	views := make([]sessionView, len(recs))
	for i, rec := range recs {
		views[i] = sessionView{ID: rec.ID, Short: rec.ID[:min(shortID, len(rec.ID))], Current: rec.ID == sess.ID,
			Enrolling: rec.Stage == tropa.SessionEnroll, CreatedAt: rec.CreatedAt, LastSeenAt: rec.LastSeenAt}
	}
	zone, err := s.Desk.OwnZone(r.Context(), sess)
	if err != nil {
		return err
	}
	if typed, ok := r.PostForm["zone"]; ok {
		zone = typed[0]
	}
	orgZone, err := s.Desk.OrganizationZone(r.Context())
	if err != nil {
		return err
	}
	// The language links lead to the page, not to where a form posted.
	p.Path = "/staff/account"
	p.Data = accountData{Sessions: views, MinPassword: desk.MinPasswordLen, Zone: zone, OrgZone: orgZone}
	s.render(w, status, "account", p)
	return nil
}

// errPasswordMismatch refuses a new password typed differently twice.
var errPasswordMismatch = tropa.UserError(tropa.EINVALID, "ErrPasswordMismatch", nil)

// passwordChange gives the staff member a new key pair under a new
// password. The passwords typed are never shown again, not even after a
// mistake.
func (s *Server) passwordChange(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	next := r.PostForm.Get("new")
	var err error
	switch {
	case next != r.PostForm.Get("repeat"):
		err = errPasswordMismatch
	case !s.logins.Allow(clientKey(r), s.Now()):
		// Each try costs two password derivations, and a wrong current
		// password is a guess at it.
		err = errTooMany
	default:
		err = admission.BusyRetry(s.Desk.ChangePassword(r.Context(), sess, r.PostForm.Get("current"), next), "ErrPasswordBusy")
	}
	if err != nil {
		return s.accountRefused(w, r, sess, err)
	}
	http.Redirect(w, r, s.newPage(r).URL("/staff/account?done=password"), http.StatusSeeOther)
	return nil
}

// keysRotate gives the staff member a new key pair under the same password,
// for one who fears their computer was seen; the password is asked again.
func (s *Server) keysRotate(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var err error
	if !s.logins.Allow(clientKey(r), s.Now()) {
		// A wrong password here is a guess at it, as at the login.
		err = errTooMany
	} else {
		err = admission.BusyRetry(s.Desk.RotateKeys(r.Context(), sess, r.PostForm.Get("password")), "ErrPasswordBusy")
	}
	if err != nil {
		return s.accountRefused(w, r, sess, err)
	}
	http.Redirect(w, r, s.newPage(r).URL("/staff/account?done=keys"), http.StatusSeeOther)
	return nil
}

// sessionEnd ends one of the staff member's sessions; ending the one in use
// is logging out.
func (s *Server) sessionEnd(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.Desk.EndSession(r.Context(), sess, id); err != nil {
		return s.accountRefused(w, r, sess, err)
	}
	if id == sess.ID {
		s.clearSession(w)
		http.Redirect(w, r, s.newPage(r).URL("/staff/login"), http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, s.newPage(r).URL("/staff/account?done=ended"), http.StatusSeeOther)
	return nil
}

// sessionsEndOthers logs the staff member out everywhere but here.
func (s *Server) sessionsEndOthers(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	n, err := s.Desk.EndOtherSessions(r.Context(), sess)
	if err != nil {
		return s.accountRefused(w, r, sess, err)
	}
	http.Redirect(w, r, s.newPage(r).URL("/staff/account?done=others&ended="+strconv.FormatInt(n, 10)), http.StatusSeeOther)
	return nil
}

func (s *Server) accountRefused(w http.ResponseWriter, r *http.Request, sess *desk.Session, err error) error {
	return s.refuse(w, r, sess, err, func(p *page, status int) error {
		return s.showAccount(w, r, sess, p, status)
	})
}
