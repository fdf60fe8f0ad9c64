package web

import (
	"net/http"
	"net/url"
	"strconv"

	"tropa"
	"tropa/desk"
)

// peopleData is the staff list as someone who manages staff sees it.
type peopleData struct {
	People []tropa.Staff
	viewer tropa.Staff
}

// manages reports whether the viewer may deactivate st or reset their
// TOTP: never themselves, and only roles theirs manages.
func (d peopleData) manages(st tropa.Staff) bool {
	return st.ID != d.viewer.ID && d.viewer.Role.Manages(st.Role)
}

// CanDeactivate reports whether the page offers to deactivate st.
func (d peopleData) CanDeactivate(st tropa.Staff) bool { return st.Active && d.manages(st) }

// CanResetTOTP reports whether the page offers to reset st's TOTP, or to
// mark them as possibly compromised.
func (d peopleData) CanResetTOTP(st tropa.Staff) bool { return st.Active && d.manages(st) }

func (s *Server) peopleList(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	return s.showPeople(w, r, sess, p, http.StatusOK)
}

func (s *Server) showPeople(w http.ResponseWriter, r *http.Request, sess *desk.Session, p *page, status int) error {
	people, err := s.Desk.People(r.Context(), sess)
	if err != nil {
		return err
	}
	if r.Method == http.MethodGet {
		p.Notice = peopleNotice(p, r.URL.Query(), people)
	}
	// The language links lead to the page, not to where a form posted.
	p.Path = "/staff/people"
	p.Data = peopleData{People: people, viewer: sess.Staff}
	s.render(w, status, "people", p)
	return nil
}

// peopleNotice says what the last change did, to the person it named.
func peopleNotice(p *page, q url.Values, people []tropa.Staff) string {
	name := ""
	for _, st := range people {
		if st.ID == q.Get("who") {
			name = st.Name
		}
	}
	if name == "" {
		return ""
	}
	switch q.Get("done") {
	case "deactivated":
		keys, err := strconv.ParseInt(q.Get("keys"), 10, 64)
		if err != nil || keys < 0 {
			return ""
		}
		return p.T("NoticeDeactivated", "Name", name, "Keys", keys)
	case "totp":
		return p.T("NoticeTOTPReset", "Name", name)
	case "suspect":
		return p.T("NoticeSuspect", "Name", name)
	}
	return ""
}

// errNotConfirmed refuses a deactivation whose box was not ticked.
var errNotConfirmed = tropa.UserError(tropa.EINVALID, "ErrConfirmDeactivate", nil)

// personDeactivate removes a staff member at once. The form carries a
// checkbox that must be ticked, so that one click cannot do it by mistake.
func (s *Server) personDeactivate(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if r.PostForm.Get("confirm") != "yes" {
		return s.peopleRefused(w, r, sess, errNotConfirmed)
	}
	keys, err := s.Desk.Deactivate(r.Context(), sess, id)
	if err != nil {
		return s.peopleRefused(w, r, sess, err)
	}
	q := url.Values{"done": {"deactivated"}, "who": {id}, "keys": {strconv.FormatInt(keys, 10)}}
	http.Redirect(w, r, s.newPage(r).URL("/staff/people?"+q.Encode()), http.StatusSeeOther)
	return nil
}

// personResetTOTP makes a staff member who lost their phone enrol again.
func (s *Server) personResetTOTP(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.Desk.ResetTOTP(r.Context(), sess, id); err != nil {
		return s.peopleRefused(w, r, sess, err)
	}
	q := url.Values{"done": {"totp"}, "who": {id}}
	http.Redirect(w, r, s.newPage(r).URL("/staff/people?"+q.Encode()), http.StatusSeeOther)
	return nil
}

// personSuspect ends the sessions of a staff member whose password or
// computer may be in the adversary's hands, and makes their next login
// replace their key pair.
func (s *Server) personSuspect(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.Desk.SuspectCompromise(r.Context(), sess, id); err != nil {
		return s.peopleRefused(w, r, sess, err)
	}
	q := url.Values{"done": {"suspect"}, "who": {id}}
	http.Redirect(w, r, s.newPage(r).URL("/staff/people?"+q.Encode()), http.StatusSeeOther)
	return nil
}

func (s *Server) peopleRefused(w http.ResponseWriter, r *http.Request, sess *desk.Session, err error) error {
	return s.refuse(w, r, sess, err, func(p *page, status int) error {
		return s.showPeople(w, r, sess, p, status)
	})
}
