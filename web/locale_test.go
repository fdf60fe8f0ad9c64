package web

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"tropa"
	"tropa/desk"
	"tropa/official"
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
	loc, err := loadLocales()
	if err != nil {
		t.Fatal(err)
	}
	cs := readCatalogs(t)
	for _, lang := range catalogLangs {
		tr := loc.translator(lang)
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

var (
	templateIDRe     = regexp.MustCompile(`\.T\s+"([^"]*)"`)
	templatePrefixRe = regexp.MustCompile(`\.T\s+\(\s*printf\s+"([^"%]*)%[sv]"`)
	literalIDRe      = regexp.MustCompile(`^(Err[A-Z]\w*|Notice\w+)$`)
)

// dynamicPrefixes are the id prefixes that templates and Go code complete at
// run time; TestCatalogDynamicIDs checks every completion.
var dynamicPrefixes = []string{"Kind_", "Situation_", "Role_", "Channel_", "Err_", "Field_",
	"Access_", "DeadlineKind_", "Disposition_", "DocStatus_", "Type_", "StaffKind_", "Caller_",
	"StayState_", "History_stay_", "StatsStays_",
	"Procedure_", "Decision_", "LegalStep_",
	"MeetingState_", "MeetingTo_", "MeetingDetail_", "ChannelKind_",
	"Delivery_"}

// templateIDs returns the message ids the templates name literally, each with
// the file it was first found in, and the prefixes they complete with printf.
func templateIDs(t *testing.T) (ids map[string]string, prefixes map[string]string) {
	t.Helper()
	ids, prefixes = make(map[string]string), make(map[string]string)
	n := 0
	err := filepath.WalkDir("templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".html" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		for _, m := range templateIDRe.FindAllStringSubmatch(string(data), -1) {
			if _, ok := ids[m[1]]; !ok {
				ids[m[1]] = p
			}
		}
		for _, m := range templatePrefixRe.FindAllStringSubmatch(string(data), -1) {
			if _, ok := prefixes[m[1]]; !ok {
				prefixes[m[1]] = p
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || len(ids) == 0 {
		t.Fatalf("found %d templates and %d message ids under templates/: the walk is broken", n, len(ids))
	}
	return ids, prefixes
}

// goSources lists the module's non-test Go files, from the module root one
// level up.
func goSources(t *testing.T) []string {
	t.Helper()
	root := ".."
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root: %v", err)
	}
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); p != root && err == nil {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// goIDs are the catalog ids that Go code names.
type goIDs struct {
	ids    map[string]string // id → where it was first seen
	fields map[string]string // {{.Field}} values → where
}

func (g *goIDs) add(m map[string]string, id string, pos token.Position) {
	if _, ok := m[id]; !ok {
		m[id] = pos.String()
	}
}

// scanGo finds the catalog ids in the module's Go code: string literals that
// look like ids (Err…, Notice…), literal ids passed to T, Tmap and UserError
// or set as MessageID, and the literal field names given to ValidateText or
// put under "Field" in an error's data.
func scanGo(t *testing.T) goIDs {
	t.Helper()
	g := goIDs{ids: make(map[string]string), fields: make(map[string]string)}
	fset := token.NewFileSet()
	files := goSources(t)
	if len(files) == 0 {
		t.Fatal("no Go files found in the module")
	}
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Errorf("parse: %v", err)
			continue
		}
		lit := func(e ast.Expr) (string, bool) {
			bl, ok := e.(*ast.BasicLit)
			if !ok || bl.Kind != token.STRING {
				return "", false
			}
			s, err := strconv.Unquote(bl.Value)
			return s, err == nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if s, ok := lit(n); ok && literalIDRe.MatchString(s) {
					g.add(g.ids, s, fset.Position(n.Pos()))
				}
			case *ast.CallExpr:
				var fn string
				switch f := n.Fun.(type) {
				case *ast.Ident:
					fn = f.Name
				case *ast.SelectorExpr:
					fn = f.Sel.Name
				}
				arg := func(i int) (string, bool) {
					if i >= len(n.Args) {
						return "", false
					}
					return lit(n.Args[i])
				}
				switch fn {
				case "T", "Tmap":
					if s, ok := arg(0); ok {
						g.add(g.ids, s, fset.Position(n.Pos()))
					}
				case "UserError":
					if s, ok := arg(1); ok {
						g.add(g.ids, s, fset.Position(n.Pos()))
					}
				case "ValidateText":
					if s, ok := arg(1); ok {
						g.add(g.fields, s, fset.Position(n.Pos()))
					}
				}
			case *ast.KeyValueExpr:
				s, ok := lit(n.Value)
				if !ok {
					break
				}
				// The struct field tropa.Error.MessageID, and the map key
				// "Field" of an error's data (not a struct field Field, such
				// as seal.AAD's, which names a column).
				if id, ok := n.Key.(*ast.Ident); ok && id.Name == "MessageID" {
					g.add(g.ids, s, fset.Position(n.Pos()))
				}
				if k, ok := lit(n.Key); ok && k == "Field" {
					g.add(g.fields, s, fset.Position(n.Pos()))
				}
			}
			return true
		})
	}
	return g
}

func TestCatalogHasUsedIDs(t *testing.T) {
	en := readCatalog(t, "en")
	ids, prefixes := templateIDs(t)
	for _, id := range sortedKeys(ids) {
		if _, ok := en.msgs[id]; !ok {
			t.Errorf("%s uses %q, which en.json lacks", ids[id], id)
		}
	}
	for _, p := range sortedKeys(prefixes) {
		if !slices.Contains(dynamicPrefixes, p) {
			t.Errorf("%s builds ids %q+…, which no test checks: add it to dynamicPrefixes and TestCatalogDynamicIDs", prefixes[p], p)
		}
	}
	g := scanGo(t)
	if len(g.ids) == 0 {
		t.Fatal("found no catalog ids in the Go code: the scan is broken")
	}
	for _, id := range sortedKeys(g.ids) {
		if _, ok := en.msgs[id]; !ok {
			t.Errorf("%s uses %q, which en.json lacks", g.ids[id], id)
		}
	}
}

// errorCodes reads the error code constants from ../error.go.
func errorCodes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "error.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, "E") || i >= len(vs.Values) {
					continue
				}
				if bl, ok := vs.Values[i].(*ast.BasicLit); ok && bl.Kind == token.STRING {
					s, err := strconv.Unquote(bl.Value)
					if err == nil {
						codes = append(codes, s)
					}
				}
			}
		}
	}
	return codes
}

func TestCatalogDynamicIDs(t *testing.T) {
	en := readCatalog(t, "en")
	want := make(map[string]string) // id → why
	for _, k := range tropa.Kinds {
		want["Kind_"+string(k)] = "tropa.Kinds"
		want["StaffKind_"+string(k)] = "tropa.Kinds, as staff read them"
	}
	for _, s := range tropa.Situations {
		want["Situation_"+string(s)] = "tropa.Situations"
	}
	for _, r := range tropa.Roles {
		want["Role_"+string(r)] = "tropa.Roles"
	}
	for _, c := range tropa.Channels {
		want["Channel_"+string(c)] = "tropa.Channels"
	}
	for _, a := range []string{tropa.AccessIntake, tropa.AccessOwner, tropa.AccessReferral, tropa.AccessEntered, tropa.AccessCall} {
		want["Access_"+a] = "tropa access reasons"
	}
	for _, k := range []tropa.DeadlineKind{tropa.DeadlineWanted, tropa.DeadlineTask, tropa.DeadlineMeeting} {
		want["DeadlineKind_"+string(k)] = "tropa deadline kinds"
	}
	for _, c := range tropa.Callers {
		want["Caller_"+string(c)] = "tropa.Callers"
	}
	for _, d := range tropa.Dispositions {
		want["Disposition_"+string(d)] = "tropa.Dispositions"
	}
	want["DeadlineKind_"+string(tropa.DeadlineLegal)] = "tropa deadline kinds"
	for _, p := range tropa.Procedures {
		want["Procedure_"+string(p)] = "tropa.Procedures"
	}
	for _, d := range tropa.Decisions {
		want["Decision_"+string(d)] = "tropa.Decisions"
	}
	for _, k := range tropa.StepKinds {
		want["LegalStep_"+string(k)] = "tropa.StepKinds"
	}
	for _, k := range official.Kinds {
		want["ChannelKind_"+string(k)] = "official.Kinds"
	}
	for _, d := range []tropa.Delivery{tropa.DeliveryPending, tropa.DeliverySent, tropa.DeliveryBlocked} {
		want["Delivery_"+string(d)] = "tropa delivery states but none"
	}
	for _, st := range tropa.MeetingStates {
		want["MeetingState_"+string(st)] = "tropa.MeetingStates"
		if st != tropa.MeetingProposed {
			want["MeetingTo_"+string(st)] = "tropa.MeetingStates"
		}
	}
	for _, d := range tropa.MeetingDetails {
		want["MeetingDetail_"+string(d)] = "tropa.MeetingDetails"
	}
	for _, st := range tropa.DocumentStatuses {
		want["DocStatus_"+string(st)] = "tropa.DocumentStatuses"
	}
	for _, typ := range tropa.AttachmentTypes {
		want["Type_"+typ] = "tropa.AttachmentTypes"
	}
	for _, st := range []tropa.StayState{tropa.StayBooked, tropa.StayEnded, tropa.StayCancelled} {
		want["StayState_"+string(st)] = "tropa stay states"
	}
	for _, c := range []string{string(tropa.StayBooked), string(desk.StayExtend), string(desk.StayEndToday), string(desk.StayCancel)} {
		want["History_stay_"+c] = "stay changes in a case's history"
	}
	for _, k := range []string{"begun", "nights"} {
		want["StatsStays_"+k] = "stay figures"
	}
	// Built-in terms are named by the catalogs unless renamed.
	def := tropa.DefaultVocabulary()
	for prefix, terms := range map[string][]tropa.Term{"Stage_": def.Stages, "Outcome_": def.Outcomes, "Document_": def.Documents} {
		for _, term := range terms {
			want[prefix+term.Key] = "tropa.DefaultVocabulary"
		}
	}
	codes := errorCodes(t)
	for _, c := range []string{tropa.ECONFLICT, tropa.EFORBIDDEN, tropa.EINTERNAL, tropa.EINVALID, tropa.ENOTFOUND,
		tropa.ETOOLARGE, tropa.EUNAUTHORIZED, tropa.EBUSY, tropa.ERATELIMIT, tropa.EUNAVAILABLE} {
		if !slices.Contains(codes, c) {
			t.Errorf("error code %q not found among the constants of error.go %v: the parse is broken", c, codes)
		}
	}
	for _, c := range codes {
		want["Err_"+c] = "error code in error.go"
	}
	for _, f := range []string{"contact", "message", "name"} {
		want["Field_"+f] = "field name"
	}
	g := scanGo(t)
	for f, where := range g.fields {
		want["Field_"+f] = "field name at " + where
	}
	for _, id := range sortedKeys(want) {
		if _, ok := en.msgs[id]; !ok {
			t.Errorf("en.json lacks %q (%s)", id, want[id])
		}
	}
}

func TestLocaleLoad(t *testing.T) {
	loc, err := loadLocales()
	if err != nil {
		t.Fatal(err)
	}
	got := make(map[string]string)
	for _, lang := range catalogLangs {
		got[lang] = loc.translator(lang).T("RequestTitle")
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
	if s := loc.translator("ru").T("RequestRef", "Ref", "R-7"); !strings.Contains(s, "R-7") {
		t.Errorf("ru RequestRef = %q, want the reference in it", s)
	}
	// An unknown id shows itself rather than failing.
	if s := loc.translator("uk").T("NoSuchMessage"); s != "NoSuchMessage" {
		t.Errorf("unknown id renders as %q", s)
	}
}

func TestPickLanguage(t *testing.T) {
	tests := []struct {
		name, method, target, accept, form, want string
	}{
		{"no Accept-Language", "GET", "/", "", "", "ru"},
		{"English", "GET", "/", "en-US,en;q=0.5", "", "en"},
		{"Ukrainian", "GET", "/", "uk-UA", "", "uk"},
		{"Russian", "GET", "/", "ru-RU,ru;q=0.9", "", "ru"},
		{"unsupported German", "GET", "/", "de-DE", "", "ru"},
		{"garbage header", "GET", "/", ";;;=", "", "ru"},
		{"?lang=uk over Accept-Language", "GET", "/?lang=uk", "en-US,en;q=0.5", "", "uk"},
		{"?lang=en over Accept-Language", "GET", "/check?lang=en", "ru-RU", "", "en"},
		{"unknown ?lang ignored", "GET", "/?lang=de", "uk-UA", "", "uk"},
		{"form lang on POST", "POST", "/", "en-US", "lang=uk", "uk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r = httptest.NewRequest(tt.method, tt.target, nil)
			if tt.form != "" {
				r = httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.form))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if tt.accept != "" {
				r.Header.Set("Accept-Language", tt.accept)
			}
			if got := pickLanguage(r); got != tt.want {
				t.Errorf("pickLanguage(%s %s, Accept-Language %q) = %q, want %q", tt.method, tt.target, tt.accept, got, tt.want)
			}
		})
	}
	// Every language the switch offers is one pickLanguage accepts.
	for _, tag := range languages {
		r := httptest.NewRequest("GET", "/?lang="+url.QueryEscape(tag.String()), nil)
		if got := pickLanguage(r); got != tag.String() {
			t.Errorf("?lang=%s picks %q", tag, got)
		}
	}
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
