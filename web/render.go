package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/locale"
)

//go:embed templates
var templateFiles embed.FS

// page is what every template receives.
type page struct {
	*locale.Catalog
	// Path is the page's own path, for the language links.
	Path string
	// HideLanguages leaves out the language links on a page that must not be
	// left by accident, such as the one showing a receipt once.
	HideLanguages bool
	explicitLang  string
	Staff         *desk.Session
	// Error explains, in the page's language, what to correct.
	Error  string
	Notice string
	Data   any
	// now is the page's clock; vocab the organization's stages, outcomes
	// and documents, loaded for staff pages.
	now   time.Time
	vocab tropa.Vocabulary
	// loc is the zone times are shown in: the staff member's on staff
	// pages, the organization's on the applicant's; nil is UTC.
	loc *time.Location
	// org is how the organization presents itself.
	org tropa.OrgIdentity
}

// Can reports whether the logged-in staff member's role allows p.
func (p *page) Can(perm string) bool {
	return p.Staff != nil && p.Staff.Staff.Role.Can(tropa.Permission(perm))
}

// Vocab is the organization's stages, outcomes and documents.
func (p *page) Vocab() tropa.Vocabulary { return p.vocab }

// StageName names a stage in the page's language.
func (p *page) StageName(key tropa.Stage) string {
	return p.termName("Stage_", p.vocab.Stages, string(key))
}

// OutcomeName names an outcome in the page's language.
func (p *page) OutcomeName(key tropa.Outcome) string {
	return p.termName("Outcome_", p.vocab.Outcomes, string(key))
}

// TermName names the term keyed key of one of the vocabulary's lists.
func (p *page) TermName(list tropa.TermList, key string) string {
	switch list {
	case tropa.ListStages:
		return p.StageName(tropa.Stage(key))
	case tropa.ListOutcomes:
		return p.OutcomeName(tropa.Outcome(key))
	}
	return p.DocumentName(key)
}

// DocumentName names a document in the page's language.
func (p *page) DocumentName(key string) string {
	return p.termName("Document_", p.vocab.Documents, key)
}

// termName is the organization's own name for a term in the page's
// language, else the catalogs' name of a built-in term, else the term's
// name in any language it has, else its key.
func (p *page) termName(prefix string, ts []tropa.Term, key string) string {
	for _, t := range ts {
		if t.Key != key {
			continue
		}
		if n := t.Name(p.Lang()); n != "" {
			return n
		}
		if !t.Custom() {
			return p.T(prefix + key)
		}
		for _, lang := range []string{"ru", "en", "uk"} {
			if n := t.Name(lang); n != "" {
				return n
			}
		}
	}
	if key == "" {
		return ""
	}
	if id := prefix + key; p.T(id) != id {
		return p.T(id)
	}
	return key
}

// TimeLeft says how long until t, or how long ago it passed: in hours and
// minutes within two days, and beyond in days and hours, where "504 h"
// would have to be worked out.
func (p *page) TimeLeft(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := t.Sub(p.now)
	id := "TimeLeft"
	if d <= 0 {
		id, d = "TimeOverdue", -d
	}
	d = d.Round(time.Minute)
	if d >= 48*time.Hour {
		days := int(d / (24 * time.Hour))
		return p.T(id+"Days_"+locale.PluralForm(p.Lang(), days), "N", days, "Hours", int(d%(24*time.Hour)/time.Hour))
	}
	return p.T(id, "Hours", int(d/time.Hour), "Minutes", int(d%time.Hour/time.Minute))
}

// DueState says how close t is, for the page to make it stand out.
func (p *page) DueState(t time.Time) string {
	return string(tropa.DueStateAt(t, p.now))
}

// URL adds the chosen language, if one was chosen, to a link within the site.
func (p *page) URL(path string) string {
	if p.explicitLang == "" {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "lang=" + url.QueryEscape(p.explicitLang)
}

// LangURL is this page in another language.
func (p *page) LangURL(lang string) string {
	return p.Path + "?lang=" + url.QueryEscape(lang)
}

// ExplicitLang is the chosen language, for hidden form fields.
func (p *page) ExplicitLang() string { return p.explicitLang }

// Languages lists the language switch, each in its own name.
func (p *page) Languages() []struct{ Code, Name string } {
	return []struct{ Code, Name string }{{"ru", "Русский"}, {"uk", "Українська"}, {"en", "English"}}
}

// Date formats a time for people, in the page's zone, which it names (see
// Clock). A time known only to the day, as the store keeps what the viewer
// cannot open, is shown as its UTC date.
func (p *page) Date(t time.Time) string {
	if tropa.IsDay(t) {
		return t.UTC().Format("2006-01-02")
	}
	return p.Clock(t)
}

// templates holds one parsed template set per page.
type templates map[string]*template.Template

func parseTemplates() (templates, error) {
	pages, err := fs.Glob(templateFiles, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	ts := make(templates, len(pages))
	for _, p := range pages {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/pages/"), ".html")
		t, err := template.New(name).ParseFS(templateFiles, "templates/layout.html", p)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		ts[name] = t
	}
	return ts, nil
}

// newPage prepares the data for a page in the request's language.
func (s *Server) newPage(r *http.Request) *page {
	return &page{Catalog: s.locales.In(pickLanguage(r)), Path: r.URL.Path, explicitLang: explicitLanguage(r),
		now: s.Now().UTC(), org: s.orgIdentity(r)}
}

// render writes a page whole or not at all: it is executed into a buffer
// first, so that a failing template cannot send half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, p *page) {
	t, ok := s.templates[name]
	var buf bytes.Buffer
	if !ok {
		s.Logger.Error("render: no such template", "template", name)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.Logger.Error("render", "template", name, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// handler is an HTTP handler that returns its error for one place to show.
type handler func(w http.ResponseWriter, r *http.Request) error

func (s *Server) page(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

// renderError shows an error page in the user's language. Only internal
// errors are logged: the rest say nothing about the system, and their text
// may repeat what the user typed.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.apiError(w, r, err)
		return
	}
	p := s.newPage(r)
	p.Error = p.Explain(err)
	setRetryAfter(w, err)
	s.render(w, s.errorStatus(r, err), "error", p)
}

func (s *Server) errorStatus(r *http.Request, err error) int {
	code := tropa.ErrorCode(err)
	if code == tropa.EINTERNAL || code == tropa.EUNAVAILABLE {
		s.Logger.Error("request failed", "pattern", r.Pattern, "err", err)
	}
	return statusOf(code)
}

func statusOf(code string) int {
	switch code {
	case tropa.EINVALID:
		return http.StatusUnprocessableEntity
	case tropa.ENOTFOUND:
		return http.StatusNotFound
	case tropa.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case tropa.EFORBIDDEN, tropa.EPROOF:
		return http.StatusForbidden
	case tropa.ECONFLICT:
		return http.StatusConflict
	case tropa.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case tropa.ERATELIMIT:
		return http.StatusTooManyRequests
	case tropa.EBUSY, tropa.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}
