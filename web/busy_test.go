package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"tropa/internal/htmlcheck"
)

// An applicant whose network has sent too much is told, in his language,
// that nothing was sent and in how many minutes to come back, with his text
// still in the form; programs get the same code and a Retry-After.
func TestIntakeBusyPages(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.browser(remoteAddr)
	for i := range 5 {
		b.submit(t, requestForm("message", "early "+string(rune('a'+i))))
	}
	message := "Меня призвали, повестка на завтра."
	tests := []struct {
		name, acceptLanguage string
		advance              time.Duration
		wantRetryAfter       string
		wantError            string
	}{
		{"at once, in Russian", "", 0, "60", "Пожалуйста, попробуйте ещё раз через 1 мин."},
		{"half a minute later, in English", "en", 30 * time.Second, "30", "Your message was not sent. Please try again in 1 min."},
		{"in Ukrainian", "uk", 0, "30", "Будь ласка, спробуйте ще раз через 1 хв."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts.clock.Advance(tt.advance)
			b.header.Set("Accept-Language", tt.acceptLanguage)
			resp := b.post(t, "/", requestForm("message", message))
			if resp.status != http.StatusTooManyRequests {
				t.Fatalf("6th submission = %d, want 429", resp.status)
			}
			if got := resp.header.Get("Retry-After"); got != tt.wantRetryAfter {
				t.Errorf("Retry-After = %q, want %q", got, tt.wantRetryAfter)
			}
			doc := resp.doc(t)
			htmlcheck.HasText(t, doc, "p.error", tt.wantError)
			htmlcheck.HasNone(t, doc, "p.receipt")
			if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "textarea#message")); got != message {
				t.Errorf("the form keeps %q, want %q", got, message)
			}
		})
	}

	req := newRequest(t, http.MethodPost, "/api/v1/requests",
		strings.NewReader(`{"kind":"legal","situation":"front","message":"hi"}`))
	req.Header.Set("Content-Type", "application/json")
	resp := b.do(t, req, false)
	if resp.status != http.StatusTooManyRequests || !strings.Contains(resp.body, `"code":"rate_limited"`) {
		t.Errorf("API submission = %d %s, want 429 rate_limited", resp.status, resp.body)
	}
	if got := resp.header.Get("Retry-After"); got != "30" {
		t.Errorf("API Retry-After = %q, want 30", got)
	}

	ts.clock.Advance(30 * time.Second)
	b.submit(t, requestForm("message", message))
	if n := len(ts.storedRequests(t)); n != 6 {
		t.Errorf("stored requests = %d, want 6", n)
	}
}
