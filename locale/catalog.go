package locale

import (
	"errors"
	"fmt"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"tropa"
)

// Catalog renders catalog messages in one language.
type Catalog struct {
	lang string
	loc  *i18n.Localizer
}

// New loads the catalogs in lang, or in English when tropa does not speak
// lang, for a command line, which has no page to pick a language for it.
func New(lang string) (*Catalog, error) {
	cs, err := Load()
	if err != nil {
		return nil, err
	}
	if !Speaks(lang) {
		lang = "en"
	}
	return cs.In(lang), nil
}

// Lang is the catalog's language code.
func (c *Catalog) Lang() string { return c.lang }

// T renders a message; data are alternating keys and values for its
// placeholders. A missing message shows its id, which the catalog tests
// forbid, rather than failing the page.
func (c *Catalog) T(id string, data ...any) string {
	var td map[string]any
	if len(data) > 0 {
		td = make(map[string]any, len(data)/2)
		for i := 0; i+1 < len(data); i += 2 {
			td[fmt.Sprint(data[i])] = data[i+1]
		}
	}
	return c.Text(id, td)
}

// Text renders message id with a map of placeholder values; a missing
// message reads as its id.
func (c *Catalog) Text(id string, data map[string]any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if n, ok := data["Count"]; ok {
		cfg.PluralCount = n
	}
	s, err := c.loc.Localize(cfg)
	if err != nil {
		return id
	}
	return s
}

// Tn renders the form of the message id that suits the count n, which
// fills its {{.N}}: the catalogs hold each such message as id_one, id_few
// and id_many, plain strings as every message is.
func (c *Catalog) Tn(id string, n int) string {
	return c.T(id+"_"+PluralForm(c.lang, n), "N", n)
}

// PluralForm is the form a noun takes after the count n in lang. Russian
// and Ukrainian have three: one for 1, 21, 101 (but not 11), few for 2–4,
// 22–24 (but not 12–14), many for the rest (5–20, 25, 0); English has one
// for 1 and many for the rest.
func PluralForm(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	if lang != "ru" && lang != "uk" {
		if n == 1 {
			return "one"
		}
		return "many"
	}
	switch n10, n100 := n%10, n%100; {
	case n10 == 1 && n100 != 11:
		return "one"
	case n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14):
		return "few"
	}
	return "many"
}

// Explain says what err means to a user, in c's language: the catalog
// message an *tropa.Error names, with a field named in the user's words,
// else the generic message of its code. It never shows err.Error().
func (c *Catalog) Explain(err error) string {
	var e *tropa.Error
	if errors.As(err, &e) && e.MessageID != "" {
		data := make(map[string]any, len(e.Data))
		for k, v := range e.Data {
			data[k] = v
		}
		if f, ok := data["Field"].(string); ok {
			data["Field"] = c.T("Field_" + f)
		}
		return c.Text(e.MessageID, data)
	}
	return c.T("Err_" + tropa.ErrorCode(err))
}

// ErrorText explains err in lang from the message catalogs, as the web
// pages do, for tropa's command line.
func ErrorText(err error, lang string) (string, error) {
	cs, lerr := Load()
	if lerr != nil {
		return "", lerr
	}
	return cs.In(lang).Explain(err), nil
}
