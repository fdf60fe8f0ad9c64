package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tropa"
	"tropa/desk"
)

// sheltersData is the list of shelters one holds the key to, with the
// forms that add one and grant one.
type sheltersData struct {
	Shelters []desk.ShelterView
	// Colleagues may be granted a shelter's key.
	Colleagues []tropa.Staff
	// Posted names the form that was refused, Form what was typed into it.
	Posted string
	Form   url.Values
}

// Value is what a field of a form shows: what was typed, if that form was
// just refused.
func (d sheltersData) Value(form, field string) string {
	if d.Posted == form {
		return d.Form.Get(field)
	}
	return ""
}

// Days are the dates free beds are shown for, as their columns' heads.
func (d sheltersData) Days() []time.Time {
	if len(d.Shelters) == 0 {
		return nil
	}
	days := make([]time.Time, desk.FreeBedsDays)
	for i := range days {
		days[i] = d.Shelters[0].First.AddDate(0, 0, i)
	}
	return days
}

var shelterNotices = map[string]string{"added": "NoticeShelterAdded", "granted": "NoticeShelterGranted"}

func (s *Server) shelterList(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	if id, ok := shelterNotices[r.URL.Query().Get("done")]; ok {
		p.Notice = p.T(id)
	}
	return s.showShelters(w, r, sess, p, "", http.StatusOK)
}

func (s *Server) showShelters(w http.ResponseWriter, r *http.Request, sess *desk.Session, p *page, posted string, status int) error {
	ctx := r.Context()
	list, err := s.Desk.Shelters(ctx, sess)
	if err != nil {
		return err
	}
	data := sheltersData{Shelters: list, Posted: posted, Form: r.PostForm}
	if sess.Staff.Role.Can(tropa.PermShelters) {
		all, err := s.Desk.Colleagues(ctx, sess)
		if err != nil {
			return err
		}
		for _, st := range all {
			if st.Role.Can(tropa.PermPlace) && st.ID != sess.Staff.ID {
				data.Colleagues = append(data.Colleagues, st)
			}
		}
	}
	p.Path = "/staff/shelters"
	p.Data = data
	s.render(w, status, "shelters", p)
	return nil
}

// shelterAction runs act on a posted shelters form; a refusal shows the
// list again with what was typed.
func (s *Server) shelterAction(w http.ResponseWriter, r *http.Request, sess *desk.Session, form, notice string, act func() error) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if err := act(); err != nil {
		return s.refuse(w, r, sess, err, func(p *page, status int) error {
			return s.showShelters(w, r, sess, p, form, status)
		})
	}
	http.Redirect(w, r, s.newPage(r).URL("/staff/shelters?done="+notice), http.StatusSeeOther)
	return nil
}

// parseShelter reads the form that adds a shelter.
func parseShelter(form url.Values) (desk.ShelterInput, error) {
	in := desk.ShelterInput{Name: form.Get("name"), Address: strings.ReplaceAll(form.Get("address"), "\r\n", "\n"),
		Contact: form.Get("contact")}
	beds, err := strconv.Atoi(strings.TrimSpace(form.Get("beds")))
	if err != nil || beds < 1 || beds > tropa.MaxShelterBeds {
		return in, tropa.UserError(tropa.EINVALID, "ErrShelterBeds", map[string]any{"Max": tropa.MaxShelterBeds})
	}
	in.Beds = beds
	return in, nil
}

func (s *Server) shelterAdd(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.shelterAction(w, r, sess, "add", "added", func() error {
		in, err := parseShelter(r.PostForm)
		if err != nil {
			return err
		}
		_, err = s.Desk.AddShelter(r.Context(), sess, in)
		return err
	})
}

func (s *Server) shelterGrant(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.shelterAction(w, r, sess, "grant", "granted", func() error {
		return s.Desk.GrantShelter(r.Context(), sess, r.PathValue("id"), r.PostForm.Get("staff"))
	})
}
