package locale

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// catalogLangs are the catalogs under locales/, English first: it is the
// reference every other catalog is compared with.
var catalogLangs = []string{"en", "ru", "uk"}

// catalog is one parsed message file: its ids in file order and their texts.
type catalog struct {
	keys []string
	msgs map[string]string
}

// readCatalog parses a language's message files (see catalogFiles)
// strictly, as one catalog: each file one JSON object whose values are all
// strings, with no id twice in all of them (encoding/json would silently
// keep the last of two equal ids).
func readCatalog(t *testing.T, lang string) catalog {
	t.Helper()
	names, err := catalogFiles(os.DirFS("."), lang)
	if err != nil {
		t.Fatal(err)
	}
	c := catalog{msgs: make(map[string]string)}
	for _, name := range names {
		readCatalogFile(t, name, &c)
	}
	return c
}

// readCatalogFile adds the messages of the file name to c.
func readCatalogFile(t *testing.T, name string, c *catalog) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		t.Fatalf("%s: want a JSON object, got %v (%v)", name, tok, err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		key := tok.(string) // object keys are always strings
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %q: %v", name, key, err)
		}
		s, ok := v.(string)
		switch {
		case !ok:
			t.Errorf("%s: %q: value is %T, want a string", name, key, v)
			continue
		case strings.TrimSpace(s) == "":
			t.Errorf("%s: %q: empty text", name, key)
		}
		if _, dup := c.msgs[key]; dup {
			t.Errorf("%s: %q appears twice", name, key)
			continue
		}
		c.keys = append(c.keys, key)
		c.msgs[key] = s
	}
	if _, err := dec.Token(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if _, err := dec.Token(); err == nil {
		t.Fatalf("%s: data after the object", name)
	}
}

func readCatalogs(t *testing.T) map[string]catalog {
	t.Helper()
	cs := make(map[string]catalog, len(catalogLangs))
	for _, lang := range catalogLangs {
		cs[lang] = readCatalog(t, lang)
	}
	return cs
}

// The catalogs embedded for the server are exactly the ones tested here.
func TestCatalogFilesMatchLanguages(t *testing.T) {
	var want []string
	for _, tag := range languages {
		want = append(want, tag.String())
	}
	names, err := fs.Glob(localeFiles, "locales/*.json")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range names {
		if lang := strings.TrimSuffix(filepath.Base(n), ".json"); !strings.Contains(lang, ".") {
			got = append(got, lang)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	tested := slices.Clone(catalogLangs)
	slices.Sort(tested)
	if !slices.Equal(got, want) || !slices.Equal(got, tested) {
		t.Errorf("catalog files %v, languages %v, tested %v: want the same three", got, want, tested)
	}
}

func TestCatalogKeys(t *testing.T) {
	cs := readCatalogs(t)
	en := cs["en"]
	for _, lang := range catalogLangs[1:] {
		c := cs[lang]
		var missing, extra []string
		for _, k := range en.keys {
			if _, ok := c.msgs[k]; !ok {
				missing = append(missing, k)
			}
		}
		for _, k := range c.keys {
			if _, ok := en.msgs[k]; !ok {
				extra = append(extra, k)
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s.json lacks ids that en.json has: %s", lang, strings.Join(missing, ", "))
		}
		if len(extra) > 0 {
			t.Errorf("%s.json has ids that en.json lacks: %s", lang, strings.Join(extra, ", "))
		}
		if len(missing) == 0 && len(extra) == 0 {
			for i, k := range en.keys {
				if c.keys[i] != k {
					t.Errorf("%s.json: id %d is %q, en.json has %q there: keep the order of en.json", lang, i+1, c.keys[i], k)
					break
				}
			}
		}
	}
}

var (
	placeholderRe = regexp.MustCompile(`\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)
	actionRe      = regexp.MustCompile(`\{\{.*?\}\}`)
)

// placeholders returns the sorted distinct {{.X}} names in s, and any
// template action that is not such a plain placeholder.
func placeholders(s string) (names, other []string) {
	for _, m := range placeholderRe.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	for _, a := range actionRe.FindAllString(s, -1) {
		if !placeholderRe.MatchString(a) {
			other = append(other, a)
		}
	}
	if n := strings.Count(s, "{{"); n != strings.Count(s, "}}") {
		other = append(other, "unbalanced {{ }}")
	}
	slices.Sort(names)
	return names, other
}

func TestCatalogPlaceholders(t *testing.T) {
	cs := readCatalogs(t)
	en := cs["en"]
	for _, lang := range catalogLangs {
		for _, k := range cs[lang].keys {
			if _, other := placeholders(cs[lang].msgs[k]); len(other) > 0 {
				t.Errorf("%s.json %q: only plain {{.Name}} placeholders are allowed, found %q", lang, k, other)
			}
		}
	}
	for _, k := range en.keys {
		want, _ := placeholders(en.msgs[k])
		for _, lang := range catalogLangs[1:] {
			s, ok := cs[lang].msgs[k]
			if !ok {
				continue // TestCatalogKeys reports it
			}
			if got, _ := placeholders(s); !slices.Equal(got, want) {
				t.Errorf("%s.json %q has placeholders %v, en.json has %v", lang, k, got, want)
			}
		}
	}
}

// Every message renders in every language through go-i18n itself, with each
// placeholder filled, and without falling back to another language.
func TestCatalogRenders(t *testing.T) {
	loc, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	cs := readCatalogs(t)
	for _, lang := range catalogLangs {
		tr := loc.In(lang)
		for _, k := range cs[lang].keys {
			names, _ := placeholders(cs["en"].msgs[k])
			data := make(map[string]any, len(names))
			for _, n := range names {
				data[n] = "‹" + n + "›"
			}
			s, err := tr.loc.Localize(&i18n.LocalizeConfig{MessageID: k, TemplateData: data})
			if err != nil {
				t.Errorf("%s %q: %v", lang, k, err)
				continue
			}
			if strings.Contains(s, "<no value>") || strings.Contains(s, "{{") {
				t.Errorf("%s %q renders as %q", lang, k, s)
			}
			for _, n := range names {
				if !strings.Contains(s, "‹"+n+"›") {
					t.Errorf("%s %q does not show {{.%s}}: %q", lang, k, n, s)
				}
			}
		}
	}
}

// untranslated lists the ids whose text may be the same as in English.
var untranslated = map[string]bool{
	"Channel_telegram": true, // a product name
}

// ru.json and uk.json must not be left as copies of English.
func TestCatalogTranslated(t *testing.T) {
	cs := readCatalogs(t)
	en := cs["en"]
	for _, lang := range catalogLangs[1:] {
		var same []string
		for _, k := range cs[lang].keys {
			if e, ok := en.msgs[k]; ok && e == cs[lang].msgs[k] && !untranslated[k] {
				same = append(same, k)
			}
		}
		if len(same) > 0 {
			t.Errorf("%s.json has English text for: %s", lang, strings.Join(same, ", "))
		}
	}
}

func TestLocaleLoad(t *testing.T) {
	loc, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	got := make(map[string]string)
	for _, lang := range catalogLangs {
		got[lang] = loc.In(lang).T("RequestTitle")
		if got[lang] == "RequestTitle" || got[lang] == "" {
			t.Errorf("%s: RequestTitle renders as %q", lang, got[lang])
		}
	}
	if got["ru"] == got["en"] {
		t.Errorf("ru and en render RequestTitle the same: %q", got["ru"])
	}
	if got["uk"] == got["en"] || got["uk"] == got["ru"] {
		t.Errorf("uk renders RequestTitle as %q, ru %q, en %q", got["uk"], got["ru"], got["en"])
	}
	// A message with a placeholder, through T's key/value arguments.
	if s := loc.In("ru").T("RequestRef", "Ref", "R-7"); !strings.Contains(s, "R-7") {
		t.Errorf("ru RequestRef = %q, want the reference in it", s)
	}
	// An unknown id shows itself rather than failing.
	if s := loc.In("uk").T("NoSuchMessage"); s != "NoSuchMessage" {
		t.Errorf("unknown id renders as %q", s)
	}
}
