package web

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"path"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var localeFiles embed.FS

// languages are the languages tropa speaks, the applicants' first language
// first: it is the answer when a browser asks for none of them.
var languages = []language.Tag{language.Russian, language.Ukrainian, language.English}

var languageMatcher = language.NewMatcher(languages)

// locales holds the message catalogs.
type locales struct {
	bundle *i18n.Bundle
}

func loadLocales() (*locales, error) {
	b := i18n.NewBundle(language.Russian)
	for _, tag := range languages {
		names, err := catalogFiles(localeFiles, tag.String())
		if err != nil {
			return nil, fmt.Errorf("web: catalog: %w", err)
		}
		for _, name := range names {
			data, err := localeFiles.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("web: catalog: %w", err)
			}
			if _, err := b.ParseMessageFileBytes(data, name); err != nil {
				return nil, fmt.Errorf("web: catalog %s: %w", name, err)
			}
		}
	}
	return &locales{bundle: b}, nil
}

// catalogFiles names a language's message files in fsys: locales/<lang>.json,
// then one locales/<part>.<lang>.json for each part of tropa whose messages
// are kept apart, in the order of their names.
func catalogFiles(fsys fs.FS, lang string) ([]string, error) {
	parts, err := fs.Glob(fsys, path.Join("locales", "*."+lang+".json"))
	if err != nil {
		return nil, err
	}
	return append([]string{path.Join("locales", lang+".json")}, parts...), nil
}

// pickLanguage chooses the page language: an explicit ?lang= (carried in
// links and forms, because the applicant site sets no cookie that would
// show on his phone that he was here), else the browser's Accept-Language,
// else Russian.
func pickLanguage(r *http.Request) string {
	if l := explicitLanguage(r); l != "" {
		return l
	}
	prefs, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(prefs) == 0 {
		return languages[0].String()
	}
	_, i, confidence := languageMatcher.Match(prefs...)
	if confidence == language.No {
		return languages[0].String()
	}
	return languages[i].String()
}

// explicitLanguage is the ?lang= a user chose, or "". A form with photos
// is read only by its handler, within the photos' budget: when it has not
// been, its lang field is not looked for.
func explicitLanguage(r *http.Request) string {
	l := r.URL.Query().Get("lang")
	if l == "" && r.Method == http.MethodPost && (r.PostForm != nil || !isMultipart(r)) {
		l = r.PostFormValue("lang")
	}
	for _, tag := range languages {
		if l == tag.String() {
			return l
		}
	}
	return ""
}

// translator renders catalog messages in one language.
type translator struct {
	lang string
	loc  *i18n.Localizer
}

func (l *locales) translator(lang string) *translator {
	return &translator{lang: lang, loc: i18n.NewLocalizer(l.bundle, lang)}
}

// T renders a message; data are alternating keys and values for its
// placeholders. A missing message shows its id, which the catalog tests
// forbid, rather than failing the page.
func (t *translator) T(id string, data ...any) string {
	var td map[string]any
	if len(data) > 0 {
		td = make(map[string]any, len(data)/2)
		for i := 0; i+1 < len(data); i += 2 {
			td[fmt.Sprint(data[i])] = data[i+1]
		}
	}
	return t.Tmap(id, td)
}

// Tmap renders a message with a map of placeholder values.
func (t *translator) Tmap(id string, data map[string]any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if n, ok := data["Count"]; ok {
		cfg.PluralCount = n
	}
	s, err := t.loc.Localize(cfg)
	if err != nil {
		return id
	}
	return s
}

// ErrorText explains err in lang from the message catalogs, as the web
// pages do, for tropa's command line.
func ErrorText(err error, lang string) (string, error) {
	loc, lerr := loadLocales()
	if lerr != nil {
		return "", lerr
	}
	return loc.translator(lang).explain(err), nil
}
