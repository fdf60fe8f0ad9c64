package web

import (
	"net/http"
	"net/url"
	"strings"

	"tropa"
	"tropa/desk"
)

// enrolNotices say what made an enrolment code shown on the people page.
var enrolNotices = map[string]string{"added": "NoticePersonAdded", "password": "NoticePasswordReset"}

// personForm is the form that adds someone: what was typed, or nothing.
type personForm struct {
	Name, Role, Intake string
}

func newPersonForm(typed url.Values) personForm {
	if typed == nil {
		return personForm{Intake: "auto"}
	}
	return personForm{Name: typed.Get("name"), Role: typed.Get("role"), Intake: typed.Get("intake")}
}

// errIntakeChoice refuses an intake that is none of auto, yes and no.
var errIntakeChoice = tropa.UserError(tropa.EINVALID, "ErrIntakeChoice", nil)

// parseNewPerson reads the form that adds someone: a name, a role, and
// whether they receive every new request (auto: as their role usually
// does).
func parseNewPerson(form url.Values) (tropa.Staff, error) {
	st := tropa.Staff{Name: strings.TrimSpace(form.Get("name")), Role: tropa.Role(form.Get("role"))}
	if !st.Role.Valid() {
		return st, tropa.UserError(tropa.EINVALID, "ErrRoleInvalid", nil)
	}
	switch form.Get("intake") {
	case "auto", "":
		st.Intake = st.Role.JoinsIntakeByDefault()
	case "yes":
		st.Intake = true
	case "no":
	default:
		return st, errIntakeChoice
	}
	return st, st.Validate()
}

// personAdd adds someone and shows their enrolment code once, in this
// answer: not behind a redirect whose address a browser's history would
// keep. Nobody but the new person will know their password.
func (s *Server) personAdd(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	st, err := parseNewPerson(r.PostForm)
	var added *desk.AddedStaff
	if err == nil {
		added, err = s.Desk.AddPerson(r.Context(), sess, st)
	}
	if err != nil {
		return s.refuse(w, r, sess, err, func(p *page, status int) error {
			return s.showPeople(w, r, sess, p, status, enrolShown{typed: r.PostForm})
		})
	}
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	return s.showPeople(w, r, sess, p, http.StatusOK, enrolShown{who: added.ID, code: added.EnrolCode, why: "added"})
}
