package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tropa/internal/htmlcheck"
	"tropa/internal/pow"
)

// A submission the intake limits turn away keeps its challenge unspent:
// sent again once the limit allows, the same page gets its receipt. A
// challenge spent before the limits would let a flood that no limit
// counted fill the set of spent challenges and shut out everyone.
func TestProofSpentOnlyWhenAdmitted(t *testing.T) {
	t.Parallel()
	ts, _ := proofServer(t, "on")
	b := ts.browser(remoteAddr)
	b.header.Set("Accept-Language", "en")
	solved := func() url.Values {
		token := attr(t, b.get(t, "/").doc(t), "form.request input[name=pow_token]", "value")
		return requestForm("pow_token", token, "pow_solution", pow.Solve(token, testProofBits))
	}
	for i := range 5 {
		if resp := b.post(t, "/", solved()); count(t, resp.doc(t), "p.receipt") != 1 {
			t.Fatalf("submission %d of the network's five = %d, want a receipt", i+1, resp.status)
		}
	}
	form := solved()
	resp := b.post(t, "/", form)
	if resp.status != http.StatusTooManyRequests {
		t.Fatalf("the sixth submission in a minute = %d, want 429", resp.status)
	}
	htmlcheck.HasText(t, resp.doc(t), "p.error", "Too many attempts")

	ts.clock.Advance(time.Minute)
	resp = b.post(t, "/", form)
	if count(t, resp.doc(t), "p.receipt") != 1 {
		t.Errorf("the refused page sent again a minute later = %d, want a receipt; body:\n%.400s", resp.status, resp.body)
	}
}

// Challenges let through unsolved, by waiting, meet a small limit of their
// own: a flood through that path is told to come back, with his text kept,
// while those whose browsers solve are still let in, and after a moment
// the next person without JavaScript is too.
func TestProofUnsolvedLimit(t *testing.T) {
	t.Parallel()
	ts, _ := proofServer(t, "on")
	b := ts.browser(loopback)
	b.header.Set("Accept-Language", "en")
	challenge := func() string {
		return attr(t, b.get(t, "/").doc(t), "form.request input[name=pow_token]", "value")
	}
	const burst = 15
	var forms []url.Values
	for i := range burst + 1 {
		forms = append(forms, requestForm("pow_token", challenge(), "message", "Without JavaScript "+strings.Repeat("!", i)))
	}
	solved := challenge()
	ts.clock.Advance(10 * time.Second)

	for i, form := range forms[:burst] {
		if resp := b.post(t, "/", form); count(t, resp.doc(t), "p.receipt") != 1 {
			t.Fatalf("unsolved submission %d of %d = %d, want a receipt", i+1, burst, resp.status)
		}
	}
	last := forms[burst]
	resp := b.post(t, "/", last)
	if resp.status != http.StatusServiceUnavailable {
		t.Fatalf("unsolved submission %d = %d, want 503", burst+1, resp.status)
	}
	doc := resp.doc(t)
	htmlcheck.HasText(t, doc, "p.error", "Please try again in 1 min.")
	if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "textarea#message")); got != last.Get("message") {
		t.Errorf("the busy page keeps %q, want %q", got, last.Get("message"))
	}
	if resp.header.Get("Retry-After") == "" {
		t.Error("the busy page has no Retry-After")
	}
	if resp := b.post(t, "/", requestForm("pow_token", solved, "pow_solution", pow.Solve(solved, testProofBits))); count(t, resp.doc(t), "p.receipt") != 1 {
		t.Errorf("a solved submission meanwhile = %d, want a receipt", resp.status)
	}

	ts.clock.Advance(time.Second)
	if resp := b.post(t, "/", last); count(t, resp.doc(t), "p.receipt") != 1 {
		t.Errorf("the refused submission a second later = %d, want a receipt", resp.status)
	}
}

// In automatic mode a node asks for the proof once its intake has turned
// someone away for want of capacity, and stops a quarter of an hour later.
func TestProofAutomaticUnderFlood(t *testing.T) {
	t.Parallel()
	ts, admin := proofServer(t, "auto")
	b := ts.browser(loopback)
	b.header.Set("Accept-Language", "en")
	if hasChallenge(t, b) {
		t.Fatal("automatic mode asks for a proof before any flood")
	}
	// Loopback, where Tor delivers everyone, meets only the global limit.
	var refused *response
	for i := 0; i < 500 && refused == nil; i++ {
		if resp := b.post(t, "/", requestForm("message", "flood "+strconv.Itoa(i))); resp.status != http.StatusOK {
			refused = resp
		}
	}
	if refused == nil {
		t.Fatal("500 submissions at one instant were all taken")
	}
	if refused.status != http.StatusServiceUnavailable {
		t.Errorf("saturated intake = %d, want 503", refused.status)
	}
	doc := refused.doc(t)
	htmlcheck.HasText(t, doc, "p.error", "Your message was not sent. Please try again in 1 min.")
	if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "textarea#message")); !strings.HasPrefix(got, "flood ") {
		t.Errorf("the busy page keeps %q, want his message", got)
	}
	if ra := refused.header.Get("Retry-After"); ra != "1" {
		t.Errorf("Retry-After = %q, want 1 (second)", ra)
	}

	if !hasChallenge(t, b) {
		t.Error("automatic mode asks for no proof right after the intake was saturated")
	}
	htmlcheck.HasOne(t, admin.get(t, "/staff/settings").doc(t), "#proof p.warning")
	ts.clock.Advance(14 * time.Minute)
	if !hasChallenge(t, b) {
		t.Error("automatic mode stopped asking 14 minutes after the flood")
	}
	ts.clock.Advance(2 * time.Minute)
	if hasChallenge(t, b) {
		t.Error("automatic mode still asks 16 minutes after the flood")
	}
	htmlcheck.HasNone(t, admin.get(t, "/staff/settings").doc(t), "#proof p.warning")
}
