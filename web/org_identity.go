package web

import (
	"net/http"
	"net/url"
	"strings"

	"tropa"
	"tropa/desk"
	"tropa/locale"
)

// orgIdentity is how the organization presents itself. A page is not to
// fail over its name: when it cannot be read the catalogs' texts stand in,
// and the failure is logged.
func (s *Server) orgIdentity(r *http.Request) tropa.OrgIdentity {
	o, err := s.Desk.OrgIdentity(r.Context())
	if err != nil {
		s.Logger.Error("organization identity", "err", err)
	}
	return o
}

// SiteName is the organization's name in the page's language, else the
// product's.
func (p *page) SiteName() string {
	if n := p.org.Name(p.Lang()); n != "" {
		return n
	}
	return p.T("SiteName")
}

// Promise is what the organization promises an applicant about its answer,
// in the page's language, else the catalog's.
func (p *page) Promise() string {
	if t := p.org.Promise(p.Lang()); t != "" {
		return t
	}
	return p.T("Promise")
}

// identityView is the organization's identity as its form shows it: per
// language, the name and promise set, or as typed when refused, with the
// catalog's text as the placeholder.
type identityView struct {
	Langs      []identityLang
	MaxName    int
	MaxPromise int
}

type identityLang struct {
	Lang, LangName              string
	Name, Promise               string
	DefaultName, DefaultPromise string
}

// identityForm builds the identity form for p: from form when it was
// posted and refused, else from o.
func (s *Server) identityForm(p *page, o tropa.OrgIdentity, form url.Values) identityView {
	v := identityView{MaxName: tropa.MaxOrgNameLen, MaxPromise: tropa.MaxPromiseLen}
	for _, l := range p.Languages() {
		t := s.locales.In(l.Code)
		il := identityLang{Lang: l.Code, LangName: l.Name, Name: o.Name(l.Code), Promise: o.Promise(l.Code),
			DefaultName: t.T("SiteName"), DefaultPromise: t.T("Promise")}
		if form != nil {
			il.Name, il.Promise = form.Get("name_"+l.Code), form.Get("promise_"+l.Code)
		}
		v.Langs = append(v.Langs, il)
	}
	return v
}

// parseOrgIdentity reads the identity form: a name and a promise per
// language tropa speaks; anything else posted is ignored.
func parseOrgIdentity(form url.Values) (tropa.OrgIdentity, error) {
	names := make(map[string]string)
	promises := make(map[string]string)
	for _, l := range locale.Languages() {
		names[l] = form.Get("name_" + l)
		promises[l] = strings.ReplaceAll(form.Get("promise_"+l), "\r\n", "\n")
	}
	return tropa.NewOrgIdentity(names, promises)
}

// identitySet sets the organization's name and promises.
func (s *Server) identitySet(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.settingsAction(w, r, sess, "identity", "identity", "identity", func() error {
		o, err := parseOrgIdentity(r.PostForm)
		if err != nil {
			return err
		}
		return s.Desk.SetOrgIdentity(r.Context(), sess, o)
	})
}
