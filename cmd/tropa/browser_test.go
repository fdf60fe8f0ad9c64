package main

import (
	"context"
	"maps"
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
// on a phone with JavaScript off asks for help in Russian and gets a
// receipt; a caseworker logs in for the first time, enrols TOTP, finds the
// request in the inbox and replies, then logs out; the applicant comes back
// with the receipt, reads the reply and writes again. No page may fetch
// anything from elsewhere or log an error, and every applicant page stays
// under maxPageBytes transferred.
func TestBrowsers(t *testing.T) {
	s := startSite(t)
	const (
		message  = "Я в госпитале после ранения, паспорт забрали. Хочу уехать, что делать?"
		contact  = "signal: @ivan_42"
		reply    = "Здравствуйте. Мы поможем: напишите, в каком вы городе."
		followup = "Я в Ростове, выписывают в пятницу."
	)

	applicant := startChrome(t)
	noScript(t, applicant)
	phone(t, applicant)
	at := record(t, applicant)
	weights := map[string]int{}
	applicantPage := func(name string) {
		t.Helper()
		weights[name] = at.checkPage(t, name, s.origin)
		checkWidth(t, applicant, name)
		screenshot(t, applicant, name)
	}

	do(t, applicant, "open the form", chromedp.Navigate(s.url+"?lang=ru"))
	if h := text(t, applicant, "h1"); !isCyrillic(h) {
		t.Errorf("the form's heading is %q, want Russian", h)
	}
	applicantPage("form")
	do(t, applicant, "fill in the form",
		chromedp.Click(chromedp.CSS(`input[name=kind][value=leave_country]`)),
		chromedp.Click(chromedp.CSS(`input[name=situation][value=hospital]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea#message`), message),
		chromedp.SendKeys(chromedp.CSS(`textarea#contact`), contact),
	)
	follow(t, applicant, `form.request button[type=submit]`)
	receipt := text(t, applicant, "p.receipt")
	if _, err := seal.ParseReceipt(receipt); err != nil {
		t.Fatalf("the receipt page shows %q: %v", receipt, err)
	}
	applicantPage("receipt")

	staff := startChrome(t)
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
	do(t, staff, "type the code", chromedp.SendKeys(chromedp.ID("code"), code))
	follow(t, staff, `form[action="/staff/totp"] button[type=submit]`)
	if loc := location(t, staff); !strings.HasSuffix(loc, "/staff/inbox") {
		t.Fatalf("after TOTP enrolment the caseworker is at %s, want the inbox", loc)
	}
	staffPage("inbox")
	follow(t, staff, "table.inbox td a")
	if got := text(t, staff, ".message.applicant .body"); got != message {
		t.Errorf("the case page shows the message %q, want %q", got, message)
	}
	if got := text(t, staff, ".contact"); got != contact {
		t.Errorf("the case page shows the contact %q, want %q", got, contact)
	}
	do(t, staff, "write a reply", chromedp.SendKeys(chromedp.CSS("form#reply textarea"), reply))
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

	do(t, applicant, "open the check page", chromedp.Navigate(s.url+"check?lang=ru"))
	applicantPage("check")
	do(t, applicant, "type the receipt", chromedp.SendKeys(chromedp.ID("receipt"), receipt))
	follow(t, applicant, `form[action="/check"] button[type=submit]`)
	applicantPage("thread")
	if got := text(t, applicant, ".message.staff .body"); got != reply {
		t.Errorf("the applicant reads the reply %q, want %q", got, reply)
	}
	do(t, applicant, "write again", chromedp.SendKeys(chromedp.CSS("form#reply textarea"), followup))
	follow(t, applicant, "form#reply button[type=submit]")
	if got := text(t, applicant, ".message.applicant:last-child .body"); got != followup {
		t.Errorf("after writing again the thread ends with %q, want %q", got, followup)
	}
	applicantPage("thread-followup")

	for _, name := range slices.Sorted(maps.Keys(weights)) {
		n := weights[name]
		t.Logf("%s: %d bytes transferred in Chromium", name, n)
		if n > maxPageBytes {
			t.Errorf("%s: %d bytes transferred, more than %d", name, n, maxPageBytes)
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
