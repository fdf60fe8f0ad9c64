// Package htmlcheck helps HTTP handler tests assert on rendered HTML by CSS
// selector, so tests state what a page must contain rather than comparing
// brittle golden markup.
//
// Selectors support type selectors, *, #id, .class, the attribute forms
// [a], [a=v], [a="v"], [a^=v] and [a*=v], compounds of these, the
// descendant and child (>) combinators, and comma-separated lists. Anything
// else is a syntax error rather than being silently misread.
package htmlcheck

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// maxMsg bounds the found-elements part of failure messages so that a
// selector matching a whole page does not bury the failure.
const maxMsg = 300

// Query returns all elements under doc matching a selector.
//
// As with the DOM's querySelectorAll, doc itself is never returned but
// combinators may match its ancestors.
func Query(doc *html.Node, selector string) ([]*html.Node, error) {
	sel, err := parseSelector(selector)
	if err != nil {
		return nil, err
	}
	var found []*html.Node
	for n := range doc.Descendants() {
		if sel.match(n) {
			found = append(found, n)
		}
	}
	return found, nil
}

// Parse parses an HTML document from a string (fails the test via tb.Fatalf on error).
func Parse(tb testing.TB, s string) *html.Node {
	tb.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		tb.Fatalf("htmlcheck.Parse: %v", err)
	}
	return doc
}

// Text returns the concatenated text content of n with whitespace collapsed to single spaces and trimmed.
//
// Like the DOM's textContent, adjacent elements are not separated, so
// <p>a</p><p>b</p> yields "ab". Only ASCII whitespace collapses; U+00A0
// (&nbsp;) is kept because it is significant in rendered output.
func Text(n *html.Node) string {
	var b strings.Builder
	if n.Type == html.TextNode {
		b.WriteString(n.Data)
	}
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.FieldsFunc(b.String(), isSpace), " ")
}

// Attr returns the value of attribute name on n and whether it is present.
// The name is matched case-insensitively, as in HTML.
func Attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, name) {
			return a.Val, true
		}
	}
	return "", false
}

// MustQuery calls Query and tb.Fatalf on a selector syntax error.
func MustQuery(tb testing.TB, doc *html.Node, selector string) []*html.Node {
	tb.Helper()
	found, err := Query(doc, selector)
	if err != nil {
		tb.Fatalf("%v", err)
	}
	return found
}

// HasOne fails the test unless exactly one element matches; returns it.
func HasOne(tb testing.TB, doc *html.Node, selector string) *html.Node {
	tb.Helper()
	found, err := Query(doc, selector)
	switch {
	case err != nil:
		tb.Fatalf("%v", err)
	case len(found) == 0:
		tb.Fatalf("HasOne(%q): no element matches", selector)
	case len(found) > 1:
		tb.Fatalf("HasOne(%q): want 1 match, found %d: %s", selector, len(found), describe(found))
	default:
		return found[0]
	}
	return nil // only reached with a fake TB whose Fatalf returns
}

// HasNone fails the test if any element matches.
func HasNone(tb testing.TB, doc *html.Node, selector string) {
	tb.Helper()
	found, err := Query(doc, selector)
	switch {
	case err != nil:
		tb.Fatalf("%v", err)
	case len(found) > 0:
		tb.Fatalf("HasNone(%q): want no match, found %d: %s", selector, len(found), describe(found))
	}
}

// HasText fails the test unless some element matching selector has Text containing want.
func HasText(tb testing.TB, doc *html.Node, selector, want string) {
	tb.Helper()
	found, err := Query(doc, selector)
	if err != nil {
		tb.Fatalf("%v", err)
		return
	}
	if len(found) == 0 {
		tb.Fatalf("HasText(%q, %q): no element matches", selector, want)
		return
	}
	var texts []string
	for _, n := range found {
		t := Text(n)
		if strings.Contains(t, want) {
			return
		}
		texts = append(texts, fmt.Sprintf("%q", t))
	}
	tb.Fatalf("HasText(%q, %q): no match contains it; texts: %s",
		selector, want, truncate(strings.Join(texts, ", ")))
}

// describe summarises elements as start tags plus text, enough to tell
// matches apart without dumping the subtree.
func describe(nodes []*html.Node) string {
	var b strings.Builder
	for i, n := range nodes {
		if b.Len() > maxMsg {
			break // Text of large subtrees is costly and would be cut anyway
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("<" + n.Data)
		for _, a := range n.Attr {
			fmt.Fprintf(&b, " %s=%q", a.Key, a.Val)
		}
		b.WriteString(">")
		if t := Text(n); t != "" {
			fmt.Fprintf(&b, " %q", t)
		}
	}
	return truncate(b.String())
}

func truncate(s string) string {
	if len(s) <= maxMsg {
		return s
	}
	cut := maxMsg
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
