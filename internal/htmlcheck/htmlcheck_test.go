package htmlcheck

import (
	"fmt"
	"strings"
	"testing"
)

// fakeTB records Fatalf instead of stopping the test, so the failure paths
// of the helpers can be asserted on. The embedded nil TB makes any other
// method call panic, flagging helpers that report through an unexpected
// channel.
type fakeTB struct {
	testing.TB
	fatals []string
}

func (*fakeTB) Helper() {}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatals = append(f.fatals, fmt.Sprintf(format, args...))
}

func TestText(t *testing.T) {
	for name, tc := range map[string]struct {
		body string
		want string
	}{
		"empty":             {"", ""},
		"plain":             {"hello", "hello"},
		"collapse and trim": {"  a \n\t b\r\n  c  ", "a b c"},
		"nested":            {"<p>First <b>bold</b> note</p>", "First bold note"},
		"adjacent elements": {"<p>a</p><p>b</p>", "ab"},
		"space between":     {"<p>a</p>\n<p>b</p>", "a b"},
		"entities":          {"a &amp; b", "a & b"},
		"nbsp kept":         {"a&nbsp;b", "a\u00a0b"},
		"comments skipped":  {"a<!-- hidden -->b", "ab"},
	} {
		t.Run(name, func(t *testing.T) {
			body := HasOne(t, Parse(t, "<body>"+tc.body+"</body>"), "body")
			if got := Text(body); got != tc.want {
				t.Errorf("Text(%q) = %q, want %q", tc.body, got, tc.want)
			}
		})
	}
}

func TestTextOfTextNode(t *testing.T) {
	p := HasOne(t, Parse(t, "<p>  lone\ntext </p>"), "p")
	if got := Text(p.FirstChild); got != "lone text" {
		t.Errorf("Text(text node) = %q, want %q", got, "lone text")
	}
}

func TestAttr(t *testing.T) {
	doc := Parse(t, testHTML)
	for name, tc := range map[string]struct {
		selector, attr string
		want           string
		wantOK         bool
	}{
		"present":          {"#go", "value", "Go", true},
		"absent":           {"#go", "name", "", false},
		"boolean":          {"#exact", "checked", "", true},
		"case-insensitive": {"#go", "VALUE", "Go", true},
	} {
		t.Run(name, func(t *testing.T) {
			got, ok := Attr(HasOne(t, doc, tc.selector), tc.attr)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("Attr(%s, %q) = %q, %v; want %q, %v", tc.selector, tc.attr, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestHasOneReturnsMatch(t *testing.T) {
	doc := Parse(t, testHTML)
	if got, _ := Attr(HasOne(t, doc, "input.primary"), "id"); got != "go" {
		t.Errorf("HasOne(input.primary) has id %q, want go", got)
	}
}

func TestHelpers(t *testing.T) {
	doc := Parse(t, testHTML)
	for name, tc := range map[string]struct {
		check func(tb testing.TB)
		// wantFatal lists substrings of the single expected Fatalf message;
		// nil means the check must pass.
		wantFatal []string
	}{
		"MustQuery ok": {
			check: func(tb testing.TB) { MustQuery(tb, doc, "input") },
		},
		"MustQuery syntax error": {
			check:     func(tb testing.TB) { MustQuery(tb, doc, "a >") },
			wantFatal: []string{`selector "a >"`, "unexpected end"},
		},
		"HasOne one": {
			check: func(tb testing.TB) { HasOne(tb, doc, "#go") },
		},
		"HasOne zero": {
			check:     func(tb testing.TB) { HasOne(tb, doc, "table") },
			wantFatal: []string{`HasOne("table"): no element matches`},
		},
		"HasOne two": {
			check:     func(tb testing.TB) { HasOne(tb, doc, ".big") },
			wantFatal: []string{`HasOne(".big"): want 1 match, found 2: `, `<input id="q"`, `id="go"`},
		},
		"HasOne shows text": {
			check:     func(tb testing.TB) { HasOne(tb, doc, "a") },
			wantFatal: []string{`href="/a"`, `> "A"`, `> "B"`},
		},
		"HasOne syntax error": {
			check:     func(tb testing.TB) { HasOne(tb, doc, "::before") },
			wantFatal: []string{`selector "::before"`, "pseudo"},
		},
		"HasNone ok": {
			check: func(tb testing.TB) { HasNone(tb, doc, "table") },
		},
		"HasNone fails": {
			check:     func(tb testing.TB) { HasNone(tb, doc, "#main > p") },
			wantFatal: []string{`HasNone("#main > p"): want no match, found 1: `, `"First bold note"`},
		},
		"HasNone syntax error": {
			check:     func(tb testing.TB) { HasNone(tb, doc, "[") },
			wantFatal: []string{`selector "["`},
		},
		"HasText ok": {
			check: func(tb testing.TB) { HasText(tb, doc, "p", "bold note") },
		},
		"HasText later match": {
			check: func(tb testing.TB) { HasText(tb, doc, "p", "Footer") },
		},
		"HasText missing": {
			check:     func(tb testing.TB) { HasText(tb, doc, "p", "absent") },
			wantFatal: []string{`HasText("p", "absent"): no match contains it; texts: "First bold note", "Footer x"`},
		},
		"HasText no match": {
			check:     func(tb testing.TB) { HasText(tb, doc, "table", "x") },
			wantFatal: []string{`HasText("table", "x"): no element matches`},
		},
		"HasText syntax error": {
			check:     func(tb testing.TB) { HasText(tb, doc, "a + b", "x") },
			wantFatal: []string{`selector "a + b"`},
		},
	} {
		t.Run(name, func(t *testing.T) {
			tb := &fakeTB{}
			tc.check(tb)
			if tc.wantFatal == nil {
				if len(tb.fatals) != 0 {
					t.Fatalf("unexpected Fatalf: %q", tb.fatals)
				}
				return
			}
			if len(tb.fatals) != 1 {
				t.Fatalf("got %d Fatalf calls %q, want 1", len(tb.fatals), tb.fatals)
			}
			for _, want := range tc.wantFatal {
				if !strings.Contains(tb.fatals[0], want) {
					t.Errorf("Fatalf message %q does not contain %q", tb.fatals[0], want)
				}
			}
		})
	}
}

// A selector matching the whole page must not flood the failure output.
func TestFailureTruncated(t *testing.T) {
	tb := &fakeTB{}
	HasNone(tb, Parse(t, testHTML), "*")
	if len(tb.fatals) != 1 {
		t.Fatalf("got %d Fatalf calls, want 1", len(tb.fatals))
	}
	msg := tb.fatals[0]
	if !strings.HasSuffix(msg, "…") || len(msg) > maxMsg+50 {
		t.Errorf("message not truncated (%d bytes): %q", len(msg), msg)
	}
}
