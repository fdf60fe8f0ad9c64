package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/internal/htmlcheck"
)

// enrolOnWeb is the first login of someone added on the web or whose
// password was reset: name and enrolment code with a password of their
// own, then the authenticator, without typing the code again. It returns
// the authenticator's secret.
func (b *browser) enrolOnWeb(tb testing.TB, name, code, password string) string {
	tb.Helper()
	resp := b.post(tb, "/staff/enrol", url.Values{"name": {name}, "enrol_code": {code}, "password": {password},
		"repeat": {password}})
	if resp.status != http.StatusOK || resp.path != "/staff/totp" {
		tb.Fatalf("enrolment of %s: %d at %s, want 200 at /staff/totp; body:\n%s", name, resp.status, resp.path, resp.body)
	}
	doc := resp.doc(tb)
	htmlcheck.HasNone(tb, doc, "input#enrol_code")
	secret := htmlcheck.Text(htmlcheck.HasOne(tb, doc, "code.secret"))
	resp = b.post(tb, "/staff/totp", url.Values{"code": {totpCode(tb, secret, b.ts.deskClock.Now())}})
	if resp.status != http.StatusOK || !strings.HasPrefix(resp.path, "/staff/") || resp.path == "/staff/totp" {
		tb.Fatalf("TOTP enrolment of %s: %d at %s", name, resp.status, resp.path)
	}
	return secret
}

// loginEnrolled logs in someone enrolled, with the code their app shows a
// time step later.
func (ts *testServer) loginEnrolled(tb testing.TB, name, password, secret string) *browser {
	tb.Helper()
	ts.deskClock.Advance(30 * time.Second)
	b := ts.browser(loopback)
	resp := b.post(tb, "/staff/login", url.Values{"name": {name}, "password": {password},
		"code": {totpCode(tb, secret, ts.deskClock.Now())}})
	if resp.status != http.StatusOK || resp.path == "/staff/login" {
		tb.Fatalf("login of %s: %d at %s", name, resp.status, resp.path)
	}
	return b
}

// addOnWeb adds someone as the admin b and returns the enrolment code the
// page shows once.
func addOnWeb(tb testing.TB, b *browser, name string, role tropa.Role) string {
	tb.Helper()
	resp := b.post(tb, "/staff/people", url.Values{"name": {name}, "role": {string(role)}, "intake": {"auto"}})
	if resp.status != http.StatusOK || resp.path != "/staff/people" {
		tb.Fatalf("adding %s: %d at %s", name, resp.status, resp.path)
	}
	if cc := resp.header.Get("Cache-Control"); cc != "no-store" {
		tb.Errorf("the page with the enrolment code has Cache-Control %q, want no-store", cc)
	}
	doc := resp.doc(tb)
	htmlcheck.HasText(tb, doc, "p.notice", name)
	return htmlcheck.Text(htmlcheck.HasOne(tb, doc, "code.enrol-code"))
}

// An administrator adds someone on the web, without a shell and without
// knowing their password: the person chooses it with the enrolment code,
// which works once and not after it expires.
func TestPeopleAddedOnTheWeb(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, adminName, tropa.RoleAdmin, false)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, false)
	admin := ts.staffBrowser(t, adminName, staffPassword)
	marta := ts.staffBrowser(t, coordinatorName, staffPassword)

	htmlcheck.HasOne(t, admin.get(t, "/staff/people").doc(t), "form.add-person")
	htmlcheck.HasNone(t, marta.get(t, "/staff/people").doc(t), "form.add-person")
	if resp := marta.post(t, "/staff/people", url.Values{"name": {"Petro"}, "role": {"caseworker"}}); resp.status != http.StatusForbidden {
		t.Errorf("a coordinator adds someone: %d, want 403", resp.status)
	}
	resp := admin.post(t, "/staff/people", url.Values{"name": {"Petro"}, "role": {"king"}, "intake": {"auto"}})
	if resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("adding with an unknown role: %d, want 422", resp.status)
	}
	htmlcheck.HasOne(t, resp.doc(t), "p.error")
	if got := attr(t, resp.doc(t), "input#add-name", "value"); got != "Petro" {
		t.Errorf("the refused form keeps the name as %q, want Petro", got)
	}

	code := addOnWeb(t, admin, "Petro", tropa.RoleCaseworker)
	petroID := ts.staffID(t, "Petro")
	var audited bool
	if err := ts.store.AuditEntries(context.Background(), func(e *tropa.AuditEntry) error {
		audited = audited || (e.Action == tropa.ActionStaffAdd && e.Actor == ts.staffID(t, adminName))
		return nil
	}); err != nil || !audited {
		t.Errorf("the addition is not audited as the admin's (%v)", err)
	}
	if resp := ts.browser(loopback).post(t, "/staff/login", url.Values{"name": {"Petro"}, "password": {staffPassword}}); resp.status != http.StatusUnauthorized {
		t.Errorf("logging in before choosing a password: %d, want 401", resp.status)
	}
	petro := ts.browser(loopback)
	resp = petro.post(t, "/staff/enrol", url.Values{"name": {"Petro"}, "enrol_code": {code}, "password": {"petro's own long password"},
		"repeat": {"petro's own long passw0rd"}})
	if resp.status != http.StatusUnprocessableEntity || attr(t, resp.doc(t), "input#name", "value") != "Petro" {
		t.Errorf("passwords typed differently: %d; want 422 with the name kept", resp.status)
	}
	const password = "petro's own long password"
	secret := petro.enrolOnWeb(t, "Petro", code, password)
	if resp := ts.browser(loopback).post(t, "/staff/enrol", url.Values{"name": {"Petro"}, "enrol_code": {code},
		"password": {"someone else's password"}, "repeat": {"someone else's password"}}); resp.status != http.StatusUnprocessableEntity {
		t.Errorf("the code used again: %d, want 422", resp.status)
	}
	ts.loginEnrolled(t, "Petro", password, secret)
	people := admin.get(t, "/staff/people?lang=en").doc(t)
	htmlcheck.HasText(t, people, "tr#person-"+petroID+" td.totp", "set up")

	late := addOnWeb(t, admin, "Late", tropa.RoleOperator)
	ts.deskClock.Advance(desk.EnrolCodeLifetime)
	if resp := ts.browser(loopback).post(t, "/staff/enrol", url.Values{"name": {"Late"}, "enrol_code": {late},
		"password": {password}, "repeat": {password}}); resp.status != http.StatusUnprocessableEntity {
		t.Errorf("an expired code: %d, want 422", resp.status)
	}
}

// A forgotten password: the admin gives a new code and the person's keys go
// at once; the coordinator gives back, from a page of references, the cases
// she can open, and the person reads them again with the new password.
func TestForgottenPasswordOnTheWeb(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, adminName, tropa.RoleAdmin, false)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, true)
	admin := ts.staffBrowser(t, adminName, staffPassword)
	marta := ts.staffBrowser(t, coordinatorName, staffPassword)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	cases := []string{ts.newCase(t, requestForm()), ts.newCase(t, requestForm())}
	olenaID := ts.staffID(t, caseworkerName)

	if resp := admin.post(t, "/staff/people/"+olenaID+"/reset-password", nil); resp.status != http.StatusUnprocessableEntity {
		t.Errorf("a reset without the box ticked: %d, want 422", resp.status)
	}
	resp := admin.post(t, "/staff/people/"+olenaID+"/reset-password", url.Values{"confirm": {"yes"}})
	if resp.status != http.StatusOK {
		t.Fatalf("reset: %d", resp.status)
	}
	doc := resp.doc(t)
	code := htmlcheck.Text(htmlcheck.HasOne(t, doc, "code.enrol-code"))
	htmlcheck.HasText(t, doc, "p.notice", "2")
	if resp := olena.do(t, newRequest(t, http.MethodGet, cases[0], nil), false); resp.status != http.StatusSeeOther {
		t.Errorf("olena's session after the reset opens a case: %d, want a redirect to log in", resp.status)
	}
	if resp := ts.browser(loopback).post(t, "/staff/login", url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}}); resp.status != http.StatusUnauthorized {
		t.Errorf("the old password after the reset: %d, want 401", resp.status)
	}

	regrant := "/staff/people/" + olenaID + "/regrant"
	if resp := admin.get(t, regrant); resp.status != http.StatusForbidden {
		t.Errorf("the admin, who opens no case, sees the cases to re-grant: %d, want 403", resp.status)
	}
	doc = marta.get(t, regrant).doc(t)
	if n := count(t, doc, "table.regrants tr.can input[name=case]"); n != 2 {
		t.Fatalf("the coordinator can give back %d cases, want 2", n)
	}
	htmlcheck.HasOne(t, doc, "p.waiting")
	if resp := marta.post(t, regrant, url.Values{"case": {caseID(cases[0])}}); resp.status != http.StatusConflict {
		t.Errorf("giving back before she has keys: %d, want 409", resp.status)
	}

	const password = "olena's new password, not forgotten"
	secret := ts.browser(loopback).enrolOnWeb(t, caseworkerName, code, password)
	resp = marta.post(t, regrant, url.Values{"case": {caseID(cases[0]), caseID(cases[1])}})
	if resp.status != http.StatusOK || !strings.HasPrefix(resp.path, regrant) {
		t.Fatalf("giving back: %d at %s", resp.status, resp.path)
	}
	htmlcheck.HasOne(t, resp.doc(t), "p.empty")
	again := ts.loginEnrolled(t, caseworkerName, password, secret)
	for _, c := range cases {
		if resp := again.get(t, c); resp.status != http.StatusOK {
			t.Errorf("olena opens %s after the re-grant: %d", c, resp.status)
		}
	}
}

func caseID(caseURL string) string { return strings.TrimPrefix(caseURL, "/staff/requests/") }
