package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tropa"
	"tropa/desk"
	"tropa/locale"
	"tropa/stats"
)

// settingsData is the organization's settings as an administrator edits
// them.
type settingsData struct {
	// Hours is what the wanted-clock field shows.
	Hours    string
	MinHours int
	MaxHours int
	Lists    []termListView
	MaxName  int
	// Retention is the retention policy's form.
	Retention retentionView
	// Proof is when the applicant form asks for a proof of work, and
	// Saturated whether this node's intake turned people away lately.
	Proof     desk.ProofMode
	Saturated bool
	// Zone is the organization's time zone as its field shows it, and Now
	// the time on its clocks.
	Zone, Now string
	// Identity is the organization's name and promises.
	Identity identityView
	// Figures is the figures policy's form.
	Figures figuresView
}

// figuresView is the figures policy as its form shows it: the threshold
// as typed when the form was refused.
type figuresView struct {
	Threshold string
	Exact     bool
	Min, Max  int
}

// retentionView is the retention policy as its form shows it: each rule in
// days, as typed when the form was refused, and the policy as it was when
// the page was made, which the form sends back so that a change made
// meanwhile by someone else is not silently undone.
type retentionView struct {
	ClosedAfter, ContactAfter, SpamAfter string
	Was                                  string
	Max                                  int
}

// termListView is one of the vocabulary's lists: its terms, each with a form
// to rename it, and a form to add one.
type termListView struct {
	List  tropa.TermList
	Title string
	Terms []termView
	// Add holds the inputs of the form that adds a term.
	Add []nameInput
}

// termView is one term: its name as the page's language shows it, and an
// input per language for the organization's own names.
type termView struct {
	Key    string
	Name   string
	Custom bool
	Inputs []nameInput
}

// nameInput is a term's name in one language.
type nameInput struct {
	Lang, LangName, Value string
}

// settingsNotices are the notices the settings page shows after a change.
var settingsNotices = map[string]string{"wanted": "NoticeWantedSet", "renamed": "NoticeTermRenamed",
	"added": "NoticeTermAdded", "retention": "NoticeRetentionSet", "proof": "NoticeProofSet",
	"zone": "NoticeZoneSet", "identity": "NoticeIdentitySet", "figures": "NoticeFiguresSet"}

// errSettingsForbidden refuses the settings to roles that may not change
// them, before anything is read.
var errSettingsForbidden = tropa.UserError(tropa.EFORBIDDEN, "ErrRoleForbidden", nil)

func (s *Server) settingsShow(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	if id, ok := settingsNotices[r.URL.Query().Get("done")]; ok {
		p.Notice = p.T(id)
	}
	return s.showSettings(r.Context(), w, sess, p, "", nil, http.StatusOK)
}

// showSettings renders the settings; posted names the form whose input,
// typed in form, is shown again.
func (s *Server) showSettings(ctx context.Context, w http.ResponseWriter, sess *desk.Session, p *page, posted string,
	form url.Values, status int) error {
	if !sess.Staff.Role.Can(tropa.PermSettings) {
		return errSettingsForbidden
	}
	policy, err := s.Desk.Retention(ctx)
	if err != nil {
		return err
	}
	proof, err := s.Desk.Proof(ctx)
	if err != nil {
		return err
	}
	zone, err := s.Desk.OrganizationZone(ctx)
	if err != nil {
		return err
	}
	orgLoc, err := s.Desk.OrganizationLocation(ctx)
	if err != nil {
		return err
	}
	org, err := s.Desk.OrgIdentity(ctx)
	if err != nil {
		return err
	}
	figures, err := s.Desk.FiguresPolicy(ctx)
	if err != nil {
		return err
	}
	value := func(formName, field, current string) string {
		if formName == posted {
			return form.Get(field)
		}
		return current
	}
	inputs := func(formName string, names map[string]string) []nameInput {
		var in []nameInput
		for _, l := range p.Languages() {
			in = append(in, nameInput{Lang: l.Code, LangName: l.Name, Value: value(formName, "name_"+l.Code, names[l.Code])})
		}
		return in
	}
	v := p.Vocab()
	lists := []struct {
		list  tropa.TermList
		title string
		terms []tropa.Term
	}{
		{tropa.ListStages, p.T("SettingsStages"), v.Stages},
		{tropa.ListOutcomes, p.T("SettingsOutcomes"), v.Outcomes},
		{tropa.ListDocuments, p.T("SettingsDocuments"), v.Documents},
	}
	data := settingsData{Hours: value("wanted", "hours", strconv.Itoa(int(v.WantedAfter.Hours()))),
		MinHours: desk.MinWantedHours, MaxHours: desk.MaxWantedHours, MaxName: tropa.MaxTermNameLen,
		Retention: retentionView{ClosedAfter: value("retention", "closed_after", strconv.Itoa(policy.ClosedAfter)),
			ContactAfter: value("retention", "contact_after", strconv.Itoa(policy.ContactAfter)),
			SpamAfter:    value("retention", "spam_after", strconv.Itoa(policy.SpamAfter)),
			Was:          policy.Marshal(), Max: tropa.MaxRetentionDays},
		Proof: proof, Saturated: s.intake.Saturated(),
		Zone: value("zone", "zone", zone), Now: clockIn(p.now, orgLoc),
		Figures: figuresView{Threshold: value("figures", "threshold", strconv.Itoa(figures.Threshold)),
			Exact: figures.Exact, Min: stats.MinThreshold, Max: stats.MaxThreshold}}
	if posted == "figures" {
		data.Figures.Exact = form.Get("exact") == "on"
	}
	if posted == "identity" {
		data.Identity = s.identityForm(p, org, form)
	} else {
		data.Identity = s.identityForm(p, org, nil)
	}
	for _, l := range lists {
		lv := termListView{List: l.list, Title: l.title, Add: inputs(addForm(l.list), nil)}
		for _, t := range l.terms {
			lv.Terms = append(lv.Terms, termView{Key: t.Key, Name: p.TermName(l.list, t.Key), Custom: t.Custom(),
				Inputs: inputs(renameForm(l.list, t.Key), t.Names)})
		}
		data.Lists = append(data.Lists, lv)
	}
	// The language links lead to the page, not to where a form posted.
	p.Path = "/staff/settings"
	p.Data = data
	s.render(w, status, "settings", p)
	return nil
}

func addForm(l tropa.TermList) string              { return "add/" + string(l) }
func renameForm(l tropa.TermList, k string) string { return "rename/" + string(l) + "/" + k }

// wantedSet sets how many hours after leaving his unit a man is likely to be
// declared wanted.
func (s *Server) wantedSet(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.settingsAction(w, r, sess, "wanted", "wanted", "wanted", func() error {
		hours, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("hours")))
		if err != nil {
			return tropa.UserError(tropa.EINVALID, "ErrWantedHours",
				map[string]any{"Min": desk.MinWantedHours, "Max": desk.MaxWantedHours})
		}
		return s.Desk.SetWantedAfter(r.Context(), sess, hours)
	})
}

// retentionSet changes how long closed requests, contacts and spam are kept.
func (s *Server) retentionSet(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.settingsAction(w, r, sess, "retention", "retention", "retention", func() error {
		was, err := tropa.ParseRetention(r.PostForm.Get("was"))
		if err != nil {
			// A form that does not say what it showed may show anything.
			return tropa.UserError(tropa.ECONFLICT, "ErrSettingsChanged", nil)
		}
		var policy tropa.Retention
		for field, days := range map[string]*int{"closed_after": &policy.ClosedAfter,
			"contact_after": &policy.ContactAfter, "spam_after": &policy.SpamAfter} {
			if *days, err = strconv.Atoi(strings.TrimSpace(r.PostForm.Get(field))); err != nil {
				return tropa.UserError(tropa.EINVALID, "ErrRetentionDays", map[string]any{"Max": tropa.MaxRetentionDays})
			}
		}
		return s.Desk.SetRetention(r.Context(), sess, was, policy)
	})
}

// figuresSet changes the threshold of published figures and whether
// staff may view them exact on screen.
func (s *Server) figuresSet(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.settingsAction(w, r, sess, "figures", "figures", "figures", func() error {
		threshold, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("threshold")))
		if err != nil {
			return tropa.UserError(tropa.EINVALID, "ErrFiguresThreshold",
				map[string]any{"Min": stats.MinThreshold, "Max": stats.MaxThreshold})
		}
		return s.Desk.SetFiguresPolicy(r.Context(), sess, desk.FiguresPolicy{Threshold: threshold, Exact: r.PostForm.Get("exact") == "on"})
	})
}

// proofSet chooses when the applicant form asks for a proof of work.
func (s *Server) proofSet(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.settingsAction(w, r, sess, "proof", "proof", "proof", func() error {
		return s.Desk.SetProof(r.Context(), sess, desk.ProofMode(r.PostForm.Get("mode")))
	})
}

// termAdd adds a stage, outcome or document of the organization's own.
func (s *Server) termAdd(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	list := tropa.TermList(r.PathValue("list"))
	return s.settingsAction(w, r, sess, addForm(list), "added", "list-"+string(list), func() error {
		return s.Desk.AddTerm(r.Context(), sess, list, postedNames(r))
	})
}

// termRename gives a term the organization's own names.
func (s *Server) termRename(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	list := tropa.TermList(r.PathValue("list"))
	return s.settingsAction(w, r, sess, renameForm(list, r.PathValue("key")), "renamed", "list-"+string(list), func() error {
		return s.Desk.RenameTerm(r.Context(), sess, list, r.PathValue("key"), postedNames(r))
	})
}

// postedNames are a term's names as typed, by language.
func postedNames(r *http.Request) map[string]string {
	names := make(map[string]string)
	for _, l := range locale.Languages() {
		names[l] = r.PostForm.Get("name_" + l)
	}
	return names
}

// settingsAction runs one change posted from the settings page and comes
// back to it at anchor; a refused change is shown with what was typed.
func (s *Server) settingsAction(w http.ResponseWriter, r *http.Request, sess *desk.Session, form, notice, anchor string,
	act func() error) error {
	if !sess.Staff.Role.Can(tropa.PermSettings) {
		return errSettingsForbidden
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := act(); err != nil {
		// Beaten by someone else's change, the page shows it as it now
		// is, as the error says, rather than what was typed.
		if tropa.IsCode(err, tropa.ECONFLICT) {
			form = ""
		}
		return s.refuse(w, r, sess, err, func(p *page, status int) error {
			return s.showSettings(r.Context(), w, sess, p, form, r.PostForm, status)
		})
	}
	http.Redirect(w, r, s.newPage(r).URL("/staff/settings?done="+notice)+"#"+anchor, http.StatusSeeOther)
	return nil
}
