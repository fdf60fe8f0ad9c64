package htmlcheck

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// testHTML nests a div inside another div under the footer so that
// "body > div span" can only match by backtracking past the nearest div.
const testHTML = `<!DOCTYPE html>
<html><body>
<div id="main" class="page wide">
  <form action="/search" method="get">
    <input id="q" type="text" name="q" class="big" value="hello world">
    <input id="go" type="submit" class="big primary" value="Go">
    <input id="exact" type="checkbox" name="exact" checked>
  </form>
  <p id="note" class="note">First <b id="bold">bold</b> note</p>
  <ul>
    <li id="li1"><a id="a" href="/a" data-kind="Nav Link">A</a></li>
    <li id="li2"><a id="b" href="https://example.com/b">B</a></li>
  </ul>
</div>
<div class="footer"><div class="inner"><p id="foot">Footer <span id="x">x</span></p></div></div>
<svg><foreignObject id="fo"></foreignObject></svg>
</body></html>`

// ids identifies matches by id so that expectations stay readable.
func ids(nodes []*html.Node) []string {
	var out []string
	for _, n := range nodes {
		id, _ := Attr(n, "id")
		out = append(out, id)
	}
	return out
}

func TestQuery(t *testing.T) {
	doc := Parse(t, testHTML)
	for name, tc := range map[string]struct {
		selector string
		want     []string
	}{
		"type":                       {"input", []string{"q", "go", "exact"}},
		"type case-insensitive":      {"INPUT", []string{"q", "go", "exact"}},
		"type svg camel case":        {"foreignobject", []string{"fo"}},
		"type no match":              {"table", nil},
		"universal":                  {"ul *", []string{"li1", "a", "li2", "b"}},
		"id":                         {"#main", []string{"main"}},
		"id is case-sensitive":       {"#MAIN", nil},
		"class":                      {".big", []string{"q", "go"}},
		"class among several":        {".wide", []string{"main"}},
		"class is whole word":        {".bi", nil},
		"multiple classes":           {".big.primary", []string{"go"}},
		"attr exists":                {"[checked]", []string{"exact"}},
		"attr equals":                {"[type=submit]", []string{"go"}},
		"attr name case-insensitive": {"[TYPE=submit]", []string{"go"}},
		"attr value case-sensitive":  {"[method=GET]", nil},
		"attr double-quoted":         {`[data-kind="Nav Link"]`, []string{"a"}},
		"attr single-quoted":         {`[data-kind='Nav Link']`, []string{"a"}},
		"attr inner spaces":          {`[ type = "submit" ]`, []string{"go"}},
		"attr prefix":                {"[href^=https]", []string{"b"}},
		"attr contains":              {"[href*=example]", []string{"b"}},
		"attr empty prefix":          {`[href^=""]`, nil},
		"attr empty contains":        {`[href*=""]`, nil},
		"attr unquoted digits":       {"[value=Go]", []string{"go"}},
		"compound":                   {"input.big[type=submit]", []string{"go"}},
		"compound id and class":      {"div#main.wide", []string{"main"}},
		"compound mismatch":          {"p.big", nil},
		"descendant":                 {"div p", []string{"note", "foot"}},
		"descendant deep":            {"body a", []string{"a", "b"}},
		"descendant chain":           {"div ul li a", []string{"a", "b"}},
		"child":                      {"#main > p", []string{"note"}},
		"child no spaces":            {"form>input", []string{"q", "go", "exact"}},
		"child extra spaces":         {"form  >\n input", []string{"q", "go", "exact"}},
		"child not grandchild":       {"div > b", nil},
		"child then descendant":      {"body > div span", []string{"x"}},
		"descendant then child":      {"body p > b", []string{"bold"}},
		"surrounding whitespace":     {"  form input  ", []string{"q", "go", "exact"}},
		"list":                       {"#q, #go", []string{"q", "go"}},
		"list in document order":     {"#go,#q", []string{"q", "go"}},
		"list without duplicates":    {"input, .big", []string{"q", "go", "exact"}},
		"list of complex":            {"form > .primary, p b", []string{"go", "bold"}},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Query(doc, tc.selector)
			if err != nil {
				t.Fatalf("Query(%q): %v", tc.selector, err)
			}
			if !slices.Equal(ids(got), tc.want) {
				t.Errorf("Query(%q) = %q, want %q", tc.selector, ids(got), tc.want)
			}
		})
	}
}

func TestQueryExcludesRoot(t *testing.T) {
	doc := Parse(t, testHTML)
	main := HasOne(t, doc, "#main")
	// The root is excluded but combinators may still reach above it, as
	// with querySelectorAll.
	if got := ids(MustQuery(t, main, "div")); len(got) != 0 {
		t.Errorf("Query(#main, div) = %q, want none", got)
	}
	if got := ids(MustQuery(t, main, "body p")); !slices.Equal(got, []string{"note"}) {
		t.Errorf("Query(#main, body p) = %q, want [note]", got)
	}
}

func TestQuerySyntaxError(t *testing.T) {
	doc := Parse(t, testHTML)
	for name, tc := range map[string]struct {
		selector string
		wantErr  string
	}{
		"empty":                  {"", "unexpected end"},
		"blank":                  {"  ", "unexpected end"},
		"open bracket":           {"[", "unexpected end"},
		"unclosed attr":          {"[a", "unexpected end"},
		"missing value":          {"[a=]", `unexpected ']'`},
		"missing attr name":      {"[=b]", `unexpected '='`},
		"unterminated string":    {`[a="b]`, "unterminated string"},
		"escape in string":       {`[a="b\"c"]`, "not supported"},
		"newline in string":      {"[a=\"b\nc\"]", "not supported"},
		"attr flag":              {"[a=b i]", `unexpected 'i'`},
		"suffix operator":        {"[a$=b]", `"$=" is not supported`},
		"word operator":          {"[a~=b]", `"~=" is not supported`},
		"dash operator":          {"[a|=b]", `"|=" is not supported`},
		"trailing child":         {"a >", "unexpected end"},
		"trailing child in list": {"a > , b", `unexpected ','`},
		"leading child":          {"> a", `unexpected '>'`},
		"double child":           {"a > > b", `unexpected '>'`},
		"trailing comma":         {"a,", "unexpected end"},
		"leading comma":          {",a", `unexpected ','`},
		"double comma":           {"a,,b", `unexpected ','`},
		"pseudo-element":         {"::before", "pseudo"},
		"pseudo-class":           {"a:hover", "pseudo"},
		"adjacent sibling":       {"a + b", `'+' is not supported`},
		"general sibling":        {"a ~ b", `'~' is not supported`},
		"bare hash":              {"#", "unexpected end"},
		"bare dot":               {"a.", "unexpected end"},
		"double dot":             {"a..b", `unexpected '.'`},
		"star after type":        {"a*", `unexpected '*'`},
		"type after star":        {"*a", `unexpected 'a'`},
		"stray paren":            {"a)", `unexpected ')'`},
		"escape":                 {`#\31 23`, "escapes are not supported"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Query(doc, tc.selector)
			if err == nil {
				t.Fatalf("Query(%q) = %q, want error", tc.selector, ids(got))
			}
			if !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "htmlcheck: selector") {
				t.Errorf("Query(%q) error = %q, want it to contain %q", tc.selector, err, tc.wantErr)
			}
		})
	}
}

func FuzzQuery(f *testing.F) {
	doc := Parse(f, testHTML)
	f.Fuzz(func(t *testing.T, selector string) {
		found, err := Query(doc, selector)
		if err != nil {
			if found != nil {
				t.Errorf("Query(%q) returned matches with error %v", selector, err)
			}
			return
		}
		seen := map[*html.Node]bool{}
		for _, n := range found {
			if n.Type != html.ElementNode || seen[n] {
				t.Fatalf("Query(%q) returned a non-element or duplicate: %+v", selector, n)
			}
			seen[n] = true
		}
	})
}
