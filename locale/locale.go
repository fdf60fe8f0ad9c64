// Package locale holds tropa's message catalogs and the languages it
// speaks, shared by every channel (the web pages, the Telegram bot) and by
// the command line, so that none of them reaches into another for words.
package locale

import (
	"embed"
	"fmt"
	"io/fs"
	"path"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var localeFiles embed.FS

// languages are the languages tropa speaks, the applicants' first language
// first: it is the answer when a user asks for none of them.
var languages = []language.Tag{language.Russian, language.Ukrainian, language.English}

var languageMatcher = language.NewMatcher(languages)

// Languages lists the codes of the languages tropa speaks, the applicants'
// first language first.
func Languages() []string {
	codes := make([]string, len(languages))
	for i, tag := range languages {
		codes[i] = tag.String()
	}
	return codes
}

// Speaks reports whether lang is one of tropa's languages.
func Speaks(lang string) bool {
	for _, tag := range languages {
		if tag.String() == lang {
			return true
		}
	}
	return false
}

// Match chooses tropa's language for a list of preferences in the form of
// an Accept-Language header ("uk-UA,en;q=0.5", or a single "en-US"): the
// best one tropa speaks, else Russian.
func Match(prefs string) string {
	tags, _, err := language.ParseAcceptLanguage(prefs)
	if err != nil || len(tags) == 0 {
		return languages[0].String()
	}
	_, i, confidence := languageMatcher.Match(tags...)
	if confidence == language.No {
		return languages[0].String()
	}
	return languages[i].String()
}

// Catalogs holds the message catalogs of every language tropa speaks.
type Catalogs struct {
	bundle *i18n.Bundle
}

// Load reads the embedded message catalogs.
func Load() (*Catalogs, error) {
	b := i18n.NewBundle(language.Russian)
	for _, tag := range languages {
		names, err := catalogFiles(localeFiles, tag.String())
		if err != nil {
			return nil, fmt.Errorf("locale: catalog: %w", err)
		}
		for _, name := range names {
			data, err := localeFiles.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("locale: catalog: %w", err)
			}
			if _, err := b.ParseMessageFileBytes(data, name); err != nil {
				return nil, fmt.Errorf("locale: catalog %s: %w", name, err)
			}
		}
	}
	return &Catalogs{bundle: b}, nil
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

// In is the catalog of lang. A language tropa does not speak reads as
// Russian, the catalogs' default.
func (c *Catalogs) In(lang string) *Catalog {
	return &Catalog{lang: lang, loc: i18n.NewLocalizer(c.bundle, lang)}
}
