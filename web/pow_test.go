package web_test

import (
	"crypto/sha256"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"tropa"
	"tropa/internal/htmlcheck"
	"tropa/internal/pow"
	"tropa/scrub/scrubtest"
	"tropa/web"
)

// testProofBits keeps solving instant for the tests' own client.
const testProofBits = 4

func withProofBits(bits int) func(*web.Config) {
	return func(c *web.Config) { c.ProofBits = bits }
}

// proofServer is a test server whose administrator, logged in on the
// browser returned, has set the proof of work to mode.
func proofServer(t *testing.T, mode string) (*testServer, *browser) {
	t.Helper()
	ts := newTestServer(t, withProofBits(testProofBits))
	ts.addMember(t, danaName, tropa.RoleAdmin, danaPassword)
	admin := ts.staffBrowser(t, danaName, danaPassword)
	setProof(t, admin, mode)
	return ts, admin
}

func setProof(t *testing.T, admin *browser, mode string) {
	t.Helper()
	loc, resp := admin.postSeeOther(t, "/staff/settings/proof", url.Values{"mode": {mode}})
	if loc != "/staff/settings?done=proof#proof" {
		t.Errorf("setting the proof of work leads to %q", loc)
	}
	if got := attr(t, resp.doc(t), "input[name=mode][checked]", "value"); got != mode {
		t.Fatalf("after choosing %q the settings page shows %q", mode, got)
	}
}

// hiddenFields is what a page's form sends without anyone typing: its
// hidden inputs. On the wait page that is the whole form.
func hiddenFields(t *testing.T, doc *html.Node) url.Values {
	t.Helper()
	v := url.Values{}
	for _, n := range htmlcheck.MustQuery(t, doc, "form.request input[type=hidden]") {
		name, _ := htmlcheck.Attr(n, "name")
		value, _ := htmlcheck.Attr(n, "value")
		v.Set(name, value)
	}
	return v
}

// hasChallenge reports whether the applicant form asks for a proof of work:
// a challenge, and the script that solves it.
func hasChallenge(t *testing.T, b *browser) bool {
	t.Helper()
	doc := b.get(t, "/").doc(t)
	tokens := count(t, doc, "form.request input[name=pow_token]")
	scripts := count(t, doc, `script[src="/static/pow.js"]`)
	if tokens != scripts || count(t, doc, "script") != scripts {
		t.Fatalf("form with %d challenges and %d scripts, want one of each or neither", tokens, scripts)
	}
	return tokens == 1
}

// A browser without JavaScript sends the form unsolved: he is asked to wait
// a few seconds, his text carried on in the page, and then gets his receipt.
func TestProofWaitPageWithoutJavaScript(t *testing.T) {
	t.Parallel()
	ts, _ := proofServer(t, "on")
	b := ts.browser(loopback)
	doc := b.get(t, "/?lang=uk").doc(t)
	token := attr(t, doc, "form.request input[name=pow_token]", "value")
	message := "Мене призвали.\nПовістка на завтра."
	sent := requestForm("message", message, "lang", "uk", "pow_token", token)

	resp := b.post(t, "/", sent)
	if resp.status != http.StatusOK {
		t.Fatalf("unsolved form = %d, want 200 and the wait page; body:\n%s", resp.status, resp.body)
	}
	doc = resp.doc(t)
	htmlcheck.HasOne(t, doc, "html[lang=uk]")
	htmlcheck.HasText(t, doc, "p.wait", "зачекайте 10 с")
	htmlcheck.HasNone(t, doc, "p.error")
	kept := hiddenFields(t, doc)
	for _, field := range []string{"kind", "situation", "contact", "message", "lang", "pow_token"} {
		if kept.Get(field) != sent.Get(field) {
			t.Errorf("the wait page carries %s = %q, want %q", field, kept.Get(field), sent.Get(field))
		}
	}
	if n := len(ts.storedRequests(t)); n != 0 {
		t.Fatalf("stored requests before the wait = %d, want 0", n)
	}

	ts.clock.Advance(4 * time.Second)
	resp = b.post(t, "/", kept)
	htmlcheck.HasText(t, resp.doc(t), "p.wait", "зачекайте 6 с")
	if again := hiddenFields(t, resp.doc(t)); again.Get("pow_token") != token || again.Get("message") != message {
		t.Errorf("pressed too early, the page carries token %q and message %q, want the same as before",
			again.Get("pow_token"), again.Get("message"))
	}

	ts.clock.Advance(6 * time.Second)
	receipt := htmlcheck.Text(htmlcheck.HasOne(t, b.post(t, "/", kept).doc(t), "p.receipt"))
	if !receiptPattern.MatchString(receipt) {
		t.Fatalf("after the wait got receipt %q", receipt)
	}
	check := b.post(t, "/check", url.Values{"receipt": {receipt}})
	htmlcheck.HasText(t, check.doc(t), ".message .body", "Повістка на завтра")

	// The same page sent once more is refused: its challenge is spent.
	resp = b.post(t, "/", kept)
	if resp.status != http.StatusForbidden {
		t.Errorf("the wait page sent twice = %d, want 403", resp.status)
	}
	htmlcheck.HasText(t, resp.doc(t), "p.error", "Цю перевірку вже використано")
	if n := len(ts.storedRequests(t)); n != 1 {
		t.Errorf("stored requests = %d, want 1", n)
	}
}

// Photos cannot ride in hidden fields: the wait page offers the photo
// field again and says so, and the photos chosen there arrive with the
// request.
func TestProofWaitPageAsksForPhotosAgain(t *testing.T) {
	t.Parallel()
	ts, _ := proofServer(t, "on")
	staff := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	b := ts.browser(loopback)
	token := attr(t, b.get(t, "/?lang=en").doc(t), "form.request input[name=pow_token]", "value")
	page := photo{"summons.jpg", scrubtest.JPEG(t, 8, 8)}

	resp := b.postPhotos(t, "/", requestForm("message", "A summons came today.", "lang", "en", "pow_token", token), page)
	doc := resp.doc(t)
	htmlcheck.HasText(t, doc, "p.wait", "wait 10 seconds")
	htmlcheck.HasOne(t, doc, `form.request[enctype="multipart/form-data"] input[type=file][name=photos]`)
	htmlcheck.HasText(t, doc, "p#photos-again", "choose the photos again")

	ts.clock.Advance(10 * time.Second)
	resp = b.postPhotos(t, "/", hiddenFields(t, doc), page)
	if !receiptPattern.MatchString(htmlcheck.Text(htmlcheck.HasOne(t, resp.doc(t), "p.receipt"))) {
		t.Fatalf("after the wait with the photo chosen again, no receipt; body:\n%s", resp.body)
	}
	if _, names := attachmentLinks(t, staff.get(t, caseLink(t, staff)).doc(t)); len(names) != 1 || names[0] != page.name {
		t.Errorf("the case lists photos %q, want [%s]", names, page.name)
	}
}

// Every refused proof gets a page that says why, keeps his text, and gives
// a new challenge to wait for; nothing is stored.
func TestProofRefused(t *testing.T) {
	t.Parallel()
	ts, _ := proofServer(t, "on")
	easier := ts.node(t, withProofBits(testProofBits-2))
	b := ts.browser(loopback)
	b.header.Set("Accept-Language", "en")
	challenge := func(site *testServer) string {
		return attr(t, site.browser(loopback).get(t, "/").doc(t), "form.request input[name=pow_token]", "value")
	}
	solved := func(token string, bits int) url.Values {
		return requestForm("pow_token", token, "pow_solution", pow.Solve(token, bits))
	}

	used := solved(challenge(ts), testProofBits)
	htmlcheck.HasOne(t, b.post(t, "/", used).doc(t), "p.receipt")

	tests := []struct {
		name      string
		form      func() url.Values
		wantError string
	}{
		{"replayed", func() url.Values { return used }, "This check was already used"},
		{"forged", func() url.Values {
			token := []byte(challenge(ts))
			token[5] ^= 1
			return solved(string(token), testProofBits)
		}, "was not accepted"},
		{"of a lower difficulty", func() url.Values {
			return solved(challenge(easier), testProofBits-2)
		}, "was not accepted"},
		{"wrongly solved", func() url.Values {
			return requestForm("pow_token", challenge(ts), "pow_solution", "1,2,3,4,5,6,7,8")
		}, "was wrong"},
		{"expired", func() url.Values {
			form := solved(challenge(ts), testProofBits)
			ts.clock.Advance(61 * time.Minute)
			return form
		}, "has expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := tt.form()
			form.Set("message", "Refused proof: "+tt.name)
			resp := b.post(t, "/", form)
			if resp.status != http.StatusForbidden {
				t.Errorf("status %d, want 403", resp.status)
			}
			doc := resp.doc(t)
			htmlcheck.HasText(t, doc, "p.error", tt.wantError)
			htmlcheck.HasText(t, doc, "p.wait", "wait 10 seconds")
			kept := hiddenFields(t, doc)
			if kept.Get("message") != form.Get("message") || kept.Get("contact") != form.Get("contact") {
				t.Errorf("the page keeps message %q and contact %q, want his", kept.Get("message"), kept.Get("contact"))
			}
			if kept.Get("pow_token") == "" || kept.Get("pow_token") == form.Get("pow_token") {
				t.Errorf("the page gives challenge %q, want a new one", kept.Get("pow_token"))
			}
		})
	}
	if n := len(ts.storedRequests(t)); n != 1 {
		t.Errorf("stored requests = %d, want only the first", n)
	}
}

// The administrators' three choices: never, always, and automatically,
// which is off while the intake keeps up.
func TestProofModes(t *testing.T) {
	t.Parallel()
	ts, admin := proofServer(t, "off")
	b := ts.browser(loopback)
	tests := []struct {
		mode          string
		wantChallenge bool
	}{
		{"on", true},
		{"off", false},
		{"auto", false},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			setProof(t, admin, tt.mode)
			if got := hasChallenge(t, b); got != tt.wantChallenge {
				t.Errorf("form asks for a proof = %v, want %v", got, tt.wantChallenge)
			}
			resp := b.post(t, "/", requestForm())
			if got := count(t, resp.doc(t), "p.receipt") == 0; got != tt.wantChallenge {
				t.Errorf("unsolved form held back = %v, want %v; page:\n%.300s", got, tt.wantChallenge, resp.body)
			}
		})
	}
	resp := admin.post(t, "/staff/settings/proof", url.Values{"mode": {"sometimes"}})
	if resp.status != http.StatusUnprocessableEntity {
		t.Errorf("an unknown mode = %d, want 422", resp.status)
	}
	htmlcheck.HasOne(t, resp.doc(t), "p.error")
	caseworker := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	if resp := caseworker.post(t, "/staff/settings/proof", url.Values{"mode": {"off"}}); resp.status != http.StatusForbidden {
		t.Errorf("a caseworker setting the proof = %d, want 403", resp.status)
	}
	if got := attr(t, admin.get(t, "/staff/settings").doc(t), "input[name=mode][checked]", "value"); got != "auto" {
		t.Errorf("after the refused changes the setting is %q, want auto as before", got)
	}
}

// A program solves a challenge from the API and sends it in a header.
func TestProofAPI(t *testing.T) {
	t.Parallel()
	ts, admin := proofServer(t, "on")
	b := ts.browser(loopback)
	// submit returns the status, and whether the answer is the API's
	// proof_required error.
	submit := func(proof string) (int, bool) {
		t.Helper()
		req := newRequest(t, http.MethodPost, "/api/v1/requests",
			strings.NewReader(`{"kind":"legal","situation":"front","message":"hi"}`))
		req.Header.Set("Content-Type", "application/json")
		if proof != "" {
			req.Header.Set("Tropa-Proof", proof)
		}
		resp := b.do(t, req, false)
		return resp.status, strings.Contains(resp.body, `"code":"proof_required"`)
	}
	challenge := func() (string, float64, bool) {
		t.Helper()
		out := b.json(t, "GET", "/api/v1/challenge", "", "")
		token, _ := out["token"].(string)
		bits, _ := out["bits"].(float64)
		required, _ := out["required"].(bool)
		if parts, _ := out["parts"].(float64); parts != pow.Parts {
			t.Errorf("challenge has %v parts, want %d", parts, pow.Parts)
		}
		return token, bits, required
	}

	if status, refused := submit(""); status != http.StatusForbidden || !refused {
		t.Errorf("without a proof = %d (proof_required %v), want 403 proof_required", status, refused)
	}
	token, bits, required := challenge()
	if !required || bits != testProofBits {
		t.Errorf("challenge required %v with %v bits, want true and %d", required, bits, testProofBits)
	}
	proof := token + ":" + solveAsDocumented(token, int(bits))
	if status, _ := submit(proof); status != http.StatusCreated {
		t.Fatalf("with a solved challenge = %d, want 201", status)
	}
	if status, refused := submit(proof); status != http.StatusForbidden || !refused {
		t.Errorf("the same proof again = %d (proof_required %v), want 403 proof_required", status, refused)
	}
	token, _, _ = challenge()
	if status, _ := submit(token); status != http.StatusForbidden {
		t.Errorf("a challenge without a solution = %d, want 403: programs get no wait", status)
	}

	setProof(t, admin, "off")
	if _, _, required := challenge(); required {
		t.Error("with the proof off the challenge says it is required")
	}
	if status, _ := submit(""); status != http.StatusCreated {
		t.Errorf("with the proof off, a submission without one = %d, want 201", status)
	}
	if n := len(ts.storedRequests(t)); n != 2 {
		t.Errorf("stored requests = %d, want 2", n)
	}
}

// solveAsDocumented solves a challenge by the recipe of docs/api.md, not by
// the server's own code, so that the two cannot drift apart unseen.
func solveAsDocumented(token string, bits int) string {
	var counters []string
	for i := range pow.Parts {
		prefix := token + ":" + strconv.Itoa(i) + ":"
		prefix += strings.Repeat(".", 64-len(prefix))
		for c := 0; ; c++ {
			sum := sha256.Sum256([]byte(prefix + strconv.Itoa(c)))
			if new(big.Int).SetBytes(sum[:]).BitLen() <= 256-bits {
				counters = append(counters, strconv.Itoa(c))
				break
			}
		}
	}
	return strings.Join(counters, ",")
}

// The one script the site has comes from itself; no other may run.
func TestProofScriptPolicy(t *testing.T) {
	t.Parallel()
	ts, _ := proofServer(t, "on")
	resp := ts.browser(loopback).get(t, "/")
	csp := resp.header.Get("Content-Security-Policy")
	if strings.Count(csp, "script-src") != 1 || !strings.Contains(csp, "script-src 'self';") {
		t.Errorf("Content-Security-Policy %q, want script-src 'self' and nothing more", csp)
	}
	js := ts.browser(loopback).get(t, "/static/pow.js")
	if ct := js.header.Get("Content-Type"); js.status != http.StatusOK || !strings.Contains(ct, "javascript") {
		t.Errorf("GET /static/pow.js = %d %q, want 200 JavaScript", js.status, ct)
	}
}
