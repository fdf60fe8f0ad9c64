package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// A refused form comes back with everything that was typed, and an
// explanation in the applicant's language; nothing is stored.
func TestSubmitBadInputKeepsText(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	message := "Я уже неделю вне части, нужна помощь с документами."
	tests := []struct {
		name      string
		form      url.Values
		wantError string
		// keepsText says whether the message comes back in the text box:
		// not when it cannot be shown as typed.
		keepsText bool
	}{
		{"missing kind", requestForm("kind", "", "message", message), "Выберите, с чем вам нужна помощь", true},
		{"unknown kind", requestForm("kind", "holiday", "message", message), "Выберите, с чем вам нужна помощь", true},
		{"missing situation", requestForm("situation", "", "message", message), "Выберите", true},
		{"empty message", requestForm("message", ""), "Сообщение", false},
		{"message one character too long", requestForm("message", strings.Repeat("я", tropa.MaxMessageLen+1)),
			"Максимум символов: 10000", false},
		{"contact too long", requestForm("message", message, "contact", strings.Repeat("@", tropa.MaxContactLen+1)),
			"Максимум символов: 1000", true},
		{"invalid UTF-8 in the message", requestForm("message", "повестка \xff\xfe"), "не удаётся прочитать", false},
		{"invalid UTF-8 in the contact", requestForm("message", message, "contact", "\xc3\x28"), "не удаётся прочитать", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.browser(loopback).post(t, "/", tt.form)
			if resp.status != http.StatusUnprocessableEntity {
				t.Fatalf("POST / = %d, want 422", resp.status)
			}
			doc := resp.doc(t)
			htmlcheck.HasOne(t, doc, "html[lang=ru]")
			htmlcheck.HasText(t, doc, "p.error", tt.wantError)
			htmlcheck.HasOne(t, doc, "form.request")
			htmlcheck.HasNone(t, doc, "p.receipt")
			if tt.keepsText {
				if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "textarea#message")); got != message {
					t.Errorf("textarea#message = %q, want what was typed, %q", got, message)
				}
			}
			if k := tt.form.Get("situation"); k != "" {
				if got := attr(t, doc, "input[name=situation][checked]", "value"); got != k {
					t.Errorf("checked situation = %q, want %q", got, k)
				}
			}
			if n := len(ts.storedRequests(t)); n != 0 {
				t.Errorf("stored requests = %d, want 0", n)
			}
		})
	}
}

// The longest message allowed, in characters of four bytes, is accepted:
// the body limit leaves room for it even percent-encoded.
func TestSubmitLongestMessage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	message := strings.Repeat("😀", tropa.MaxMessageLen)
	receipt := ts.browser(loopback).submit(t, requestForm("message", message))
	if !receiptPattern.MatchString(receipt) {
		t.Fatalf("receipt %q, want 7 groups of 4 digits", receipt)
	}
	doc := ts.browser(loopback).post(t, "/check", url.Values{"receipt": {receipt}}).doc(t)
	if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, ".message .body")); got != message {
		t.Errorf("message read back has %d characters, want %d", len([]rune(got)), tropa.MaxMessageLen)
	}
}

// A browser counts a line break as one character against maxlength but
// sends it as CRLF: a message at the limit with line breaks must be taken.
func TestSubmitLineBreaksCountOnce(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	message := strings.Repeat("a\r\n", tropa.MaxMessageLen/2)
	receipt := ts.browser(loopback).submit(t, requestForm("message", message))
	doc := ts.browser(loopback).post(t, "/check", url.Values{"receipt": {receipt}}).doc(t)
	if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, ".message .body")); strings.Count(got, "a") != tropa.MaxMessageLen/2 {
		t.Errorf("message read back has %d lines, want %d", strings.Count(got, "a"), tropa.MaxMessageLen/2)
	}
}

func TestSubmitBodyTooLarge(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	body := requestForm("message", strings.Repeat("a", 129<<10)).Encode()
	tests := []struct {
		name, path, acceptLanguage, wantLang, wantError string
	}{
		{"Russian by default", "/", "", "ru", "Отправленный текст слишком длинный"},
		{"English from Accept-Language", "/", "en", "en", "What you sent is too large"},
		{"Ukrainian from ?lang", "/?lang=uk", "", "uk", "Надісланий текст задовгий"},
		{"receipt check", "/check", "en", "en", "What you sent is too large"},
		{"reply", "/check/reply", "en", "en", "What you sent is too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := ts.browser(loopback)
			if tt.acceptLanguage != "" {
				b.header.Set("Accept-Language", tt.acceptLanguage)
			}
			resp := b.postRaw(t, tt.path, body, true)
			if resp.status != http.StatusRequestEntityTooLarge {
				t.Fatalf("POST %s with %d bytes = %d, want 413", tt.path, len(body), resp.status)
			}
			doc := resp.doc(t)
			htmlcheck.HasOne(t, doc, "html[lang="+tt.wantLang+"]")
			htmlcheck.HasText(t, doc, "p.error", tt.wantError)
			if n := len(ts.storedRequests(t)); n != 0 {
				t.Errorf("stored requests = %d, want 0", n)
			}
		})
	}
}

// Submissions from one network are limited; the one refused is not stored
// and comes back as typed, with the reason.
func TestSubmitRateLimit(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.browser(remoteAddr)
	for i := range 5 {
		if resp := b.post(t, "/", requestForm()); resp.status != http.StatusOK {
			t.Fatalf("submission %d = %d, want 200", i+1, resp.status)
		}
	}
	message := "Шестое сообщение, оно не должно потеряться."
	resp := b.post(t, "/", requestForm("message", message))
	if resp.status != http.StatusTooManyRequests {
		t.Fatalf("6th submission = %d, want 429", resp.status)
	}
	doc := resp.doc(t)
	htmlcheck.HasText(t, doc, "p.error", "Слишком много попыток")
	htmlcheck.HasNone(t, doc, "p.receipt")
	if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "textarea#message")); got != message {
		t.Errorf("textarea#message = %q, want %q", got, message)
	}
	if n := len(ts.storedRequests(t)); n != 5 {
		t.Errorf("stored requests = %d, want 5", n)
	}
	if resp := ts.browser(otherRemote).post(t, "/", requestForm()); resp.status != http.StatusOK {
		t.Errorf("a submission from another network = %d, want 200", resp.status)
	}
}
