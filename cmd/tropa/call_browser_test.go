package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"tropa/seal"
)

// TestCallDeskBrowser drives the call desk in Chromium with JavaScript
// off: a caseworker takes a new call from a relative with the keyboard's
// fields only, reads out the receipt, and after "next call" it is gone
// from the screen; the caller rings back, reads out a mistyped receipt,
// then the right one, and the call joins his case.
//
//	TROPA_TEST_CHROMIUM=/usr/bin/chromium go test -run TestCallDeskBrowser ./cmd/tropa/
func TestCallDeskBrowser(t *testing.T) {
	staff := startChrome(t)
	s := startSite(t)
	noScript(t, staff)
	speaks(t, staff, "ru-RU,ru;q=0.9")
	const (
		said     = "Мать звонит: он в госпитале, паспорт забрали."
		callback = "+7 900 000-00-00, после 20:00"
		again    = "Мать снова: выписывают в пятницу."
	)
	staffLogin(t, staff, s)

	do(t, staff, "open the call desk", chromedp.Navigate(s.url+"staff/calls"))
	do(t, staff, "type the call",
		chromedp.Click(chromedp.CSS(`#new-call input[name=caller][value=relative]`)),
		chromedp.Click(chromedp.CSS(`#new-call input[name=kind][value=leave_country]`)),
		chromedp.Click(chromedp.CSS(`#new-call input[name=situation][value=hospital]`)),
		chromedp.Click(chromedp.CSS(`#new-call input[name=urgent]`)),
		chromedp.SendKeys(chromedp.CSS(`#new-call textarea#message`), said),
		chromedp.SendKeys(chromedp.CSS(`#new-call textarea#contact`), callback),
	)
	follow(t, staff, `#new-call button[type=submit]`)
	receipt := text(t, staff, "p.receipt")
	if _, err := seal.ParseReceipt(receipt); err != nil {
		t.Fatalf("the call's receipt page shows %q: %v", receipt, err)
	}
	if loc := location(t, staff); strings.Contains(loc, strings.Fields(receipt)[0]) {
		t.Errorf("the receipt is in the address %s", loc)
	}
	follow(t, staff, "#next-call")
	groups := strings.Fields(receipt)
	if body := text(t, staff, "body"); strings.Contains(body, groups[len(groups)-1]) || strings.Contains(body, receipt) {
		t.Errorf("after the next call the page still shows the receipt %q", receipt)
	}
	if got := text(t, staff, "table.calls tbody"); !strings.Contains(got, "новый") {
		t.Errorf("the calls taken today read %q, want the new call", got)
	}

	mistyped := otherSecretOf(receipt)
	do(t, staff, "read out a mistyped receipt",
		chromedp.SendKeys(chromedp.ID("receipt"), mistyped),
		chromedp.Click(chromedp.CSS(`#returning-call input[name=caller][value=relative]`)),
		chromedp.SendKeys(chromedp.ID("said"), again),
	)
	followStatus(t, staff, `#returning-call button[type=submit]`, 404)
	if msg := text(t, staff, "p.error"); !strings.Contains(msg, "квитанции") {
		t.Errorf("a wrong receipt shows %q, want the message /check shows", msg)
	}
	do(t, staff, "read out the receipt again",
		chromedp.Clear(chromedp.ID("receipt")),
		chromedp.SendKeys(chromedp.ID("receipt"), receipt))
	follow(t, staff, `#returning-call button[type=submit]`)
	if got := text(t, staff, `li[data-action=call]:last-of-type`); !strings.Contains(got, again) || !strings.Contains(got, "родственник") {
		t.Errorf("the case's history shows the returning call as %q", got)
	}
}

// staffLogin logs the site's caseworker in for the first time in ctx,
// enrolling TOTP.
func staffLogin(t *testing.T, ctx context.Context, s *site) {
	t.Helper()
	do(t, ctx, "log in", chromedp.Navigate(s.url+"staff/login"),
		chromedp.SendKeys(chromedp.ID("name"), s.staff),
		chromedp.SendKeys(chromedp.ID("password"), s.password))
	follow(t, ctx, `form.login button[type=submit]`)
	code, err := totp.GenerateCode(text(t, ctx, "code.secret"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "enrol TOTP", chromedp.SendKeys(chromedp.ID("enrol_code"), s.enrolCode),
		chromedp.SendKeys(chromedp.ID("code"), code))
	follow(t, ctx, `form[action="/staff/totp"] button[type=submit]`)
}

// otherSecretOf is receipt with another secret that still reads as one.
func otherSecretOf(receipt string) string {
	r, _ := seal.ParseReceipt(receipt)
	secret := []byte(r.Secret)
	secret[0] = '0' + (secret[0]-'0'+1)%10
	return seal.Receipt{Lookup: r.Lookup, Secret: string(secret)}.String()
}
