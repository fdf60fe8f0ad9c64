package main

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"tropa/seal"
)

// maxPageBytes is what an applicant page may cost over a bad connection,
// with everything it loads.
const maxPageBytes = 30 << 10

// TestBrowsers drives the real server with Debian's Chromium: an applicant
// on a phone set up in Russian, with JavaScript off, asks for help and gets a
// receipt; a caseworker logs in for the first time, enrols TOTP, finds the
// request in the inbox and replies, then logs out; the applicant comes back
// with the receipt, mistypes it once, reads the reply and writes again,
// and his browser keeps no cookie of the site. No page may fetch
// anything from elsewhere or log an error, and every applicant page stays
// under maxPageBytes transferred. To keep the screenshots of each page:
//
//	TROPA_TEST_CHROMIUM=/usr/bin/chromium go test -run TestBrowsers -artifacts -outputdir DIR ./cmd/tropa/
func TestBrowsers(t *testing.T) {
	applicant := startChrome(t)
	s := startSite(t)
	const (
		message  = "Я в госпитале после ранения, паспорт забрали. Хочу уехать, что делать?"
		contact  = "signal: @ivan_42"
		reply    = "Здравствуйте. Мы поможем: напишите, в каком вы городе."
		followup = "Я в Ростове, выписывают в пятницу."
	)

	checkRecorder(t, applicant, s.origin)
	noScript(t, applicant)
	speaks(t, applicant, "ru-RU,ru;q=0.9")
	phone(t, applicant)
	at := record(t, applicant)
	weights := map[string]int{}
	applicantPage := func(name string) {
		t.Helper()
		weights[name] = at.checkPage(t, name, s.origin)
		checkWidth(t, applicant, name)
		screenshot(t, applicant, name)
	}

	for _, lang := range []string{"uk", "en"} {
		do(t, applicant, "open the form in "+lang, chromedp.Navigate(s.url+"?lang="+lang))
		applicantPage("form-" + lang)
	}
	resp, err := chromedp.Run(applicant, chromedp.NavigateResponse(s.url+"no/such/page"))
	if err != nil || resp.Status != http.StatusNotFound {
		t.Fatalf("a page that does not exist: %v, %v; want a not-found page", resp, err)
	}
	if msg := text(t, applicant, "p.error"); !isCyrillic(msg) {
		t.Errorf("the not-found page says %q to a browser set up in Russian", msg)
	}
	applicantPage("not-found")

	do(t, applicant, "open the form", chromedp.Navigate(s.url))
	if h := text(t, applicant, "h1"); !isCyrillic(h) {
		t.Errorf("the form's heading is %q, want Russian", h)
	}
	applicantPage("form")
	onFirstScreen(t, applicant, `input[name=kind]`, "the form's first question")
	do(t, applicant, "fill in the form",
		chromedp.Click(chromedp.CSS(`input[name=kind][value=leave_country]`)),
		chromedp.Click(chromedp.CSS(`input[name=situation][value=hospital]`)),
		// Long texts are pasted: typing them key by key takes seconds
		// and shows nothing more than the short fields typed here do.
		chromedp.SetValue(chromedp.CSS(`textarea#message`), message),
		chromedp.SendKeys(chromedp.CSS(`textarea#contact`), contact),
	)
	follow(t, applicant, `form.request button[type=submit]`)
	receipt := text(t, applicant, "p.receipt")
	if _, err := seal.ParseReceipt(receipt); err != nil {
		t.Fatalf("the receipt page shows %q: %v", receipt, err)
	}
	applicantPage("receipt")

	staff := anotherPerson(t, applicant)
	st := record(t, staff)
	staffPage := func(name string) {
		t.Helper()
		st.checkPage(t, name, s.origin)
		screenshot(t, staff, name)
	}
	do(t, staff, "open the login page", chromedp.Navigate(s.url+"staff/login"))
	do(t, staff, "type name and password",
		chromedp.SendKeys(chromedp.ID("name"), s.staff),
		chromedp.SendKeys(chromedp.ID("password"), s.password),
	)
	staffPage("login")
	follow(t, staff, `form.login button[type=submit]`)
	secret := text(t, staff, "code.secret")
	staffPage("totp")
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatalf("the TOTP page shows the secret %q: %v", secret, err)
	}
	do(t, staff, "type the enrolment code and the code", chromedp.SendKeys(chromedp.ID("enrol_code"), s.enrolCode),
		chromedp.SendKeys(chromedp.ID("code"), code))
	follow(t, staff, `form[action="/staff/totp"] button[type=submit]`)
	if loc := location(t, staff); !strings.HasSuffix(loc, "/staff/inbox") {
		t.Fatalf("after TOTP enrolment the caseworker is at %s, want the inbox", loc)
	}
	staffPage("inbox")
	if len(cookies(t, staff, s.url+"staff/inbox")) == 0 {
		t.Fatal("the caseworker's browser holds no session cookie once logged in")
	}
	follow(t, staff, "table.inbox td a")
	if got := text(t, staff, ".message.applicant .body"); got != message {
		t.Errorf("the case page shows the message %q, want %q", got, message)
	}
	if got := text(t, staff, ".contact"); got != contact {
		t.Errorf("the case page shows the contact %q, want %q", got, contact)
	}
	do(t, staff, "write a reply", chromedp.SetValue(chromedp.CSS("form#reply textarea"), reply))
	follow(t, staff, "form#reply button[type=submit]")
	if got := text(t, staff, ".message.staff .body"); got != reply {
		t.Errorf("after replying the case page shows %q, want %q", got, reply)
	}
	staffPage("case")
	follow(t, staff, `form[action="/staff/logout"] button`)
	do(t, staff, "open the inbox after logout", chromedp.Navigate(s.url+"staff/inbox"))
	if loc := location(t, staff); !strings.HasSuffix(loc, "/staff/login") {
		t.Errorf("after logout the inbox leads to %s, want the login page", loc)
	}
	st.take()

	do(t, applicant, "open the check page", chromedp.Navigate(s.url+"check"))
	applicantPage("check")
	last := receipt[len(receipt)-1]
	mistyped := receipt[:len(receipt)-1] + string('0'+(last-'0'+1)%10)
	do(t, applicant, "mistype the receipt", chromedp.SendKeys(chromedp.ID("receipt"), mistyped))
	// The last group's check digit no longer fits: the page names the group.
	followStatus(t, applicant, `form[action="/check"] button[type=submit]`, http.StatusUnprocessableEntity)
	if msg := text(t, applicant, "p.error"); !isCyrillic(msg) || !strings.Contains(msg, "группе 7") {
		t.Errorf("a mistyped receipt shows %q, want an explanation in Russian naming group 7", msg)
	}
	applicantPage("wrong-receipt")
	do(t, applicant, "type the receipt again",
		chromedp.Clear(chromedp.ID("receipt")),
		chromedp.SendKeys(chromedp.ID("receipt"), receipt))
	follow(t, applicant, `form[action="/check"] button[type=submit]`)
	applicantPage("thread")
	if got := text(t, applicant, ".message.staff .body"); got != reply {
		t.Errorf("the applicant reads the reply %q, want %q", got, reply)
	}
	do(t, applicant, "write again", chromedp.SetValue(chromedp.CSS("form#reply textarea"), followup))
	follow(t, applicant, "form#reply button[type=submit]")
	if got := text(t, applicant, ".message.applicant:last-child .body"); got != followup {
		t.Errorf("after writing again the thread ends with %q, want %q", got, followup)
	}
	applicantPage("thread-followup")
	if names := cookies(t, applicant, s.url, s.url+"check", s.url+"check/reply", s.url+"staff/"); len(names) != 0 {
		t.Errorf("the applicant's browser holds cookies %q from the site, want none", names)
	}

	for _, name := range slices.Sorted(maps.Keys(weights)) {
		n := weights[name]
		t.Logf("%s: %d bytes transferred in Chromium", name, n)
		if n > maxPageBytes {
			t.Errorf("%s: %d bytes transferred, more than %d", name, n, maxPageBytes)
		}
	}
}

// checkRecorder shows, in a tab of its own, that what the test relies on
// to see a page misbehave does see it: a request to another address (one
// on the loopback, so nothing leaves the machine) and a script's error.
func checkRecorder(t *testing.T, ctx context.Context, origin string) {
	t.Helper()
	tab := anotherPerson(t, ctx)
	tr := record(t, tab)
	do(t, tab, "open a misbehaving page", chromedp.Navigate(`data:text/html,<img src="http://127.0.0.2:9/pixel.png"><script>console.error("boom")</script>`))
	_, problems := tr.inspect(origin)
	want := []string{"a request left the site: http://127.0.0.2:9/pixel.png", "console: console.error"}
	for _, w := range want {
		if !slices.Contains(problems, w) {
			t.Errorf("the recorder missed %q; it saw %q", w, problems)
		}
	}
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func isCyrillic(s string) bool {
	for _, r := range s {
		if r >= 'А' && r <= 'я' {
			return true
		}
	}
	return false
}
