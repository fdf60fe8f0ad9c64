package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"tropa"
	"tropa/desk"
)

// errNotConfirmed refuses a deactivation whose box was not ticked.
var errNotConfirmed = tropa.UserError(tropa.EINVALID, "ErrConfirmDeactivate", nil)

// handoverData is the page that asks who takes the cases of someone being
// deactivated, before anything is done.
type handoverData struct {
	Person tropa.Staff
	Cases  []desk.HandoverCase
	// Takers are who may be given a case.
	Takers     []tropa.Staff
	StaffNames map[string]string
	Form       url.Values
}

// Taker is the taker the form chose for the case requestID, as typed.
func (d handoverData) Taker(requestID string) string { return d.Form.Get("to_" + requestID) }

// CanGiveAny reports whether the viewer can hand over any of the cases:
// an admin, who holds no case keys, cannot.
func (d handoverData) CanGiveAny() bool {
	return slices.ContainsFunc(d.Cases, func(c desk.HandoverCase) bool { return c.CanGive })
}

// personDeactivate removes a staff member at once. The form carries a
// checkbox that must be ticked, so that one click cannot do it by mistake.
// Someone who holds open cases that would be left without anyone is not
// deactivated from the people page: the cases are shown first (references
// and stages only), with the question of who takes them, and the answer
// posted from there hands them over and then deactivates.
func (s *Server) personDeactivate(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if r.PostForm.Get("confirm") != "yes" {
		return s.peopleRefused(w, r, sess, errNotConfirmed)
	}
	if r.PostForm.Get("handover") != "yes" {
		cases, err := s.Desk.Handovers(r.Context(), sess, id)
		if err != nil {
			return s.peopleRefused(w, r, sess, err)
		}
		if len(cases) > 0 {
			p, err := s.staffPage(r, sess)
			if err != nil {
				return err
			}
			return s.showHandover(w, r, sess, p, id, http.StatusOK)
		}
	}
	dep, err := s.Desk.DeactivateWith(r.Context(), sess, id, handoverForm(r.PostForm))
	if err != nil {
		return s.refuse(w, r, sess, err, func(p *page, status int) error {
			return s.showHandover(w, r, sess, p, id, status)
		})
	}
	q := url.Values{"done": {"deactivated"}, "who": {id}, "keys": {strconv.FormatInt(dep.Keys, 10)},
		"handed": {strconv.Itoa(dep.HandedOver)}, "left": {strconv.Itoa(len(dep.Unowned))}}
	http.Redirect(w, r, s.newPage(r).URL("/staff/people?"+q.Encode()), http.StatusSeeOther)
	return nil
}

// showHandover shows the cases of the staff member id, and who may take
// them, with what the form chose so far.
func (s *Server) showHandover(w http.ResponseWriter, r *http.Request, sess *desk.Session, p *page, id string, status int) error {
	ctx := r.Context()
	cases, err := s.Desk.Handovers(ctx, sess, id)
	if err != nil {
		return err
	}
	people, err := s.Desk.People(ctx, sess)
	if err != nil {
		return err
	}
	data := handoverData{Cases: cases, StaffNames: map[string]string{}, Form: r.PostForm}
	for _, st := range people {
		data.StaffNames[st.ID] = st.Name
		switch {
		case st.ID == id:
			data.Person = st
		case st.Active && (st.Role == tropa.RoleCaseworker || st.Role == tropa.RoleCoordinator):
			data.Takers = append(data.Takers, st)
		}
	}
	p.Path = "/staff/people"
	p.Data = data
	s.render(w, status, "handover", p)
	return nil
}

// handoverForm reads who takes which case: to_all for every case, and
// to_<case id> for one. A value that names no one who could be is kept
// as it is, for the desk to refuse; fields of any other name are ignored.
func handoverForm(form url.Values) desk.Handover {
	h := desk.Handover{All: form.Get("to_all"), Each: map[string]string{}}
	for k, v := range form {
		id, ok := strings.CutPrefix(k, "to_")
		if !ok || !tropa.ValidID(id) || len(v) == 0 || v[0] == "" {
			continue
		}
		h.Each[id] = v[0]
	}
	return h
}
