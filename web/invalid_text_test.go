package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tropa/internal/htmlcheck"
)

// Text no field takes, with the explanation the page gives, and whether it
// can be shown back as typed.
var invalidInputs = []struct {
	name, v, wantError string
	showable           bool
}{
	{"invalid UTF-8", "повестка \xff\xfe пришла", "не удаётся прочитать", false},
	{"overlong encoding", "\xc0\xbcscript\xc0\xbe alert", "не удаётся прочитать", false},
	{"lone surrogate", "часть \xed\xa0\x80 ушёл", "не удаётся прочитать", false},
	{"bidi override", "Курск \u202eавонеп границы", "управляющие символы", true},
	{"bidi isolate", "\u2067Белгород\u2069 вторник", "управляющие символы", true},
	{"NUL", "до\x00 границы", "управляющие символы", false},
	{"terminal escape", "\x1b[2J\x1b[31mкрасный", "управляющие символы", false},
}

// Text that is not UTF-8, or that hides control characters, is refused in
// every field with an explanation in the user's language; nothing is
// stored, and what was typed comes back where it can be shown.
func TestInvalidTextRefusedEverywhere(t *testing.T) {
	t.Parallel()
	s := newHostileSite(t)
	for _, f := range hostileFields() {
		t.Run(f.name, func(t *testing.T) {
			for _, in := range invalidInputs {
				// The history of reads is allowed to grow; nothing else.
				before := s.ts.fingerprint(t, "audit_log", "audit_head")
				_, _, resp := f.put(t, s, in.v)
				if resp.status != http.StatusUnprocessableEntity {
					t.Errorf("%s: status %d, want 422; body:\n%s", in.name, resp.status, resp.body)
					continue
				}
				if after := s.ts.fingerprint(t, "audit_log", "audit_head"); after != before {
					t.Errorf("%s: the database changed", in.name)
				}
				if !strings.HasPrefix(resp.body, "<") {
					// The API explains in JSON, in the caller's language too.
					if !strings.Contains(resp.body, in.wantError) && !strings.Contains(resp.body, "UTF-8") {
						t.Errorf("%s: API answer %s, want it explained", in.name, resp.body)
					}
					continue
				}
				doc := resp.doc(t)
				htmlcheck.HasOne(t, doc, "html[lang=ru]")
				htmlcheck.HasText(t, doc, "p.error", in.wantError)
				htmlcheck.HasNone(t, doc, "p.receipt")
				if !in.showable || f.kept == "" {
					continue
				}
				if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, f.kept)); got != in.v {
					t.Errorf("%s: %s shows %q, want what was typed, %q", in.name, f.kept, got, in.v)
				}
			}
		})
	}
}

// Forms of very many fields, or of one field repeated, within the size cap
// get an answer, never a server error.
func TestManyFields(t *testing.T) {
	t.Parallel()
	s := newHostileSite(t)
	const budget = 120 << 10 // within the body cap
	fill := func(field func(i int) string) string {
		var b strings.Builder
		b.WriteString(requestForm().Encode())
		for i := 0; b.Len() < budget; i++ {
			b.WriteString("&" + field(i))
		}
		return b.String()
	}
	bodies := map[string]string{
		"one key repeated":        fill(func(int) string { return "a=" }),
		"distinct keys":           fill(func(i int) string { return "k" + strconv.Itoa(i) + "=1" }),
		"the message repeated":    fill(func(int) string { return "message=x" }),
		"empty pairs":             fill(func(int) string { return "&" }),
		"ampersands and equals":   fill(func(int) string { return "==&" }),
		"percent-escapes":         fill(func(int) string { return "%41%42=%43" }),
		"language repeated wrong": fill(func(int) string { return "lang=xx" }),
	}
	paths := []struct {
		name string
		b    *browser
		path string
		want []int
	}{
		{"applicant form", s.applicant, "/", []int{http.StatusOK, http.StatusUnprocessableEntity}},
		{"applicant reply", s.applicant, "/check/reply", []int{http.StatusOK, http.StatusUnprocessableEntity}},
		{"staff login", s.applicant, "/staff/login", []int{http.StatusUnauthorized, http.StatusUnprocessableEntity}},
		{"hotline form", s.operator, "/staff/calls", []int{http.StatusOK, http.StatusUnprocessableEntity}},
		{"case note", s.coordinator, s.caseURL + "/note", []int{http.StatusSeeOther, http.StatusUnprocessableEntity}},
		{"case details", s.coordinator, s.caseURL + "/details", []int{http.StatusConflict, http.StatusUnprocessableEntity}},
	}
	for _, p := range paths {
		for name, body := range bodies {
			t.Run(p.name+" "+name, func(t *testing.T) {
				body := body
				if p.path == "/check/reply" {
					body = url.Values{"receipt": {s.receipt}}.Encode() + "&" + body
				}
				resp := p.b.postRaw(t, p.path, body, false)
				ok := false
				for _, w := range p.want {
					ok = ok || resp.status == w
				}
				if !ok {
					t.Fatalf("POST %s with %d bytes of %s = %d, want one of %v", p.path, len(body), name, resp.status, p.want)
				}
				if resp.status != http.StatusSeeOther {
					doc := resp.doc(t)
					if len(htmlcheck.MustQuery(t, doc, "p.error, p.receipt, p.notice, li.message")) == 0 {
						t.Errorf("POST %s with %s: a page that explains nothing", p.path, name)
					}
				}
			})
		}
	}
	t.Run("API", func(t *testing.T) {
		bodies := map[string]string{
			"many unknown keys": `{"kind":"legal","situation":"front","message":"m"` + strings.Repeat(`,"x":1`, 20000) + `}`,
			"message repeated":  `{"kind":"legal","situation":"front"` + strings.Repeat(`,"message":"m"`, 9000) + `}`,
			"nested deep":       strings.Repeat("[", 60000) + strings.Repeat("]", 60000),
			"object nested":     strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000),
		}
		for name, body := range bodies {
			status, out := s.applicant.api(t, apiCall{method: "POST", path: "/api/v1/requests", body: body})
			if status != http.StatusCreated && status != http.StatusUnprocessableEntity {
				t.Errorf("API with %s = %d %v, want 201 or 422", name, status, out)
			}
		}
	})
}

// A JSON escape of half a UTF-16 pair is refused, as bytes that are not
// UTF-8 are, instead of being stored as a replacement character; whole
// pairs, and a backslash escaped before a "u", are text like any other.
func TestAPISurrogateEscapes(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct {
		name, escaped, stored string
	}{
		{"lone high half", `повестка \ud800 пришла`, ""},
		{"lone low half", `\udc00`, ""},
		{"high half then another letter", `\ud800\u0041`, ""},
		{"two high halves", `\ud83d\ud83d`, ""},
		{"high half at the very end", `x\ud83d`, ""},
		{"a whole pair", `ушёл \ud83d\ude00`, "ушёл 😀"},
		{"an escaped backslash before u", `\\ud800`, `\ud800`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := ts.browser(loopback)
			status, out := b.api(t, apiCall{method: "POST", path: "/api/v1/requests",
				body: `{"kind":"legal","situation":"front","message":"` + tt.escaped + `"}`})
			if tt.stored == "" {
				if status != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out), "UTF-8") {
					t.Errorf("= %d %v, want 422 saying the text must be UTF-8", status, out)
				}
				return
			}
			if status != http.StatusCreated {
				t.Fatalf("= %d %v, want 201", status, out)
			}
			receipt, _ := out["receipt"].(string)
			doc := b.post(t, "/check", url.Values{"receipt": {receipt}}).doc(t)
			htmlcheck.HasText(t, doc, "li.message.applicant .body", tt.stored)
		})
	}
}
