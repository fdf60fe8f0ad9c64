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
	// EnrolCode is the code just made for the person the notice names,
	// shown this once.
	EnrolCode string
	// Notices is how notices are going, and who gets none; NoticeError
	// says in words what kind of failure the last was.
	Notices     *desk.NoticeHealth
	NoticeError string
	viewer      tropa.Staff
	// Add is the form that adds someone, as typed when it was refused;
	// Roles are the roles it offers.
	Add   personForm
	Roles []tropa.Role
	// Regrants counts, by person, the cases still to re-grant them after
	// a password reset; RegrantLink leads to the one just reset.
	Regrants    map[string]int
	RegrantLink string
}

// noticeErrors name the kinds of failure a notice channel reports.
var noticeErrors = map[string]string{"connect": "NoticeErrorConnect", "timeout": "NoticeErrorTimeout",
	"tls": "NoticeErrorTLS", "auth": "NoticeErrorAuth", "rejected": "NoticeErrorRejected",
	"address": "NoticeErrorAddress", "config": "NoticeErrorConfig", "other": "NoticeErrorOther"}

// noticeError says in words what kind of failure class is.
func noticeError(p *page, class string) string {
	if id, ok := noticeErrors[class]; ok {
		return p.T(id)
	}
	return p.T("NoticeErrorOther")
}

// GetsNoNotice reports whether st works cases but is told of nothing.
func (d peopleData) GetsNoNotice(st tropa.Staff) bool {
	return st.Active && st.Role.Can(tropa.PermQueue) && d.Notices.People[st.ID].Channel == ""
}

// CanResetPassword reports whether the page offers st a new enrolment code
// for a forgotten password.
func (d peopleData) CanResetPassword(st tropa.Staff) bool { return st.Active && d.manages(st) }

// manages reports whether the viewer may deactivate st or reset their
// TOTP: never themselves, and only roles theirs manages.
func (d peopleData) manages(st tropa.Staff) bool {
	return st.ID != d.viewer.ID && d.viewer.Role.Manages(st.Role)
}

// CanDeactivate reports whether the page offers to deactivate st.
func (d peopleData) CanDeactivate(st tropa.Staff) bool { return st.Active && d.manages(st) }

// CanResetTOTP reports whether the page offers to reset st's TOTP, or to
// mark them as possibly compromised: not before they have chosen a
// password, when they have neither.
func (d peopleData) CanResetTOTP(st tropa.Staff) bool {
	return st.Active && st.Keyed() && d.manages(st)
}

func (s *Server) peopleList(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	return s.showPeople(w, r, sess, p, http.StatusOK, enrolShown{})
}

// enrolShown is an enrolment code just made for the staff member who, to
// be shown once.
type enrolShown struct {
	who, code string
	// why is what made the code: "" a TOTP reset, "added" a new person,
	// "password" a forgotten password, which left cases to re-grant.
	why   string
	cases int64
	// typed is the add form as posted, when it was refused.
	typed url.Values
}

func (s *Server) showPeople(w http.ResponseWriter, r *http.Request, sess *desk.Session, p *page, status int, shown enrolShown) error {
	people, err := s.Desk.People(r.Context(), sess)
	if err != nil {
		return err
	}
	health, err := s.Desk.NoticeHealth(r.Context(), sess)
	if err != nil {
		return err
	}
	if r.Method == http.MethodGet {
		p.Notice = peopleNotice(p, r.URL.Query(), people)
	}
	data := peopleData{People: people, EnrolCode: shown.code, viewer: sess.Staff, Add: newPersonForm(shown.typed),
		Roles: tropa.Roles, Notices: health, NoticeError: noticeError(p, health.LastError)}
	if shown.code != "" {
		p.Notice = p.T("NoticeTOTPReset", "Name", staffName(people, shown.who))
		if shown.why != "" {
			p.Notice = p.T(enrolNotices[shown.why], "Name", staffName(people, shown.who), "Cases", shown.cases)
		}
		if shown.cases > 0 && sess.Staff.Role.Can(tropa.PermAssign) {
			data.RegrantLink = p.URL("/staff/people/" + shown.who + "/regrant")
		}
	}
	if data.Regrants, err = s.Desk.RegrantCounts(r.Context(), sess); err != nil {
		return err
	}
	// The language links lead to the page, not to where a form posted.
	p.Path = "/staff/people"
	p.Data = data
	s.render(w, status, "people", p)
	return nil
}

// peopleNotice says what the last change did, to the person it named.
func peopleNotice(p *page, q url.Values, people []tropa.Staff) string {
	name := staffName(people, q.Get("who"))
	if name == "" {
		return ""
	}
	switch q.Get("done") {
	case "deactivated":
		keys, err := strconv.ParseInt(q.Get("keys"), 10, 64)
		if err != nil || keys < 0 {
			return ""
		}
		notice := p.T("NoticeDeactivated", "Name", name, "Keys", keys)
		handed, herr := strconv.Atoi(q.Get("handed"))
		left, lerr := strconv.Atoi(q.Get("left"))
		if herr == nil && lerr == nil && handed >= 0 && left >= 0 && handed+left > 0 {
			notice += " " + p.T("NoticeHandedOver", "Handed", handed, "Left", left)
		}
		return notice
	case "suspect":
		return p.T("NoticeSuspect", "Name", name)
	}
	return ""
}

// staffName is the name of the staff member with id, or "".
func staffName(people []tropa.Staff, id string) string {
	for _, st := range people {
		if st.ID == id {
			return st.Name
		}
	}
	return ""
}

// personResetTOTP makes a staff member who lost their phone enrol again,
// and shows the new enrolment code once: in this answer, not behind a
// redirect whose address a browser's history would keep.
func (s *Server) personResetTOTP(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	code, err := s.Desk.ResetTOTP(r.Context(), sess, r.PathValue("id"))
	if err != nil {
		return s.peopleRefused(w, r, sess, err)
	}
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	return s.showPeople(w, r, sess, p, http.StatusOK, enrolShown{who: r.PathValue("id"), code: code})
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
		return s.showPeople(w, r, sess, p, status, enrolShown{})
	})
}
