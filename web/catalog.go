package web

// Catalog speaks one of tropa's languages from the message catalogs, for
// tropa's command line, which has no page to render.
type Catalog struct {
	t *translator
}

// NewCatalog loads the catalogs in lang, or in English when tropa does not
// speak lang.
func NewCatalog(lang string) (*Catalog, error) {
	loc, err := loadLocales()
	if err != nil {
		return nil, err
	}
	if !Speaks(lang) {
		lang = "en"
	}
	return &Catalog{t: loc.translator(lang)}, nil
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

// Lang is the catalog's language.
func (c *Catalog) Lang() string { return c.t.lang }

// Text renders message id with data; a missing message reads as its id.
func (c *Catalog) Text(id string, data map[string]any) string { return c.t.Tmap(id, data) }

// Explain says what err means to a user, as the web pages do.
func (c *Catalog) Explain(err error) string { return c.t.explain(err) }
