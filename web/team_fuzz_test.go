package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// FuzzTeamForms posts arbitrary bytes to the forms of the team on the web:
// adding someone and the organization's identity as an admin, the
// first-login form as anyone, and the re-grant form as a coordinator. The
// answer is a page (the people page with a new code, or one that explains
// what to correct) or a redirect, never a server error.
func FuzzTeamForms(f *testing.F) {
	ts := newFuzzServer(f)
	ts.addStaff(f, adminName, tropa.RoleAdmin, false)
	ts.addStaff(f, coordinatorName, tropa.RoleCoordinator, true)
	ts.addStaff(f, volunteerName, tropa.RoleCaseworker, true)
	admin := ts.staffBrowser(f, adminName, staffPassword)
	marta := ts.staffBrowser(f, coordinatorName, staffPassword)
	caseURL := ts.newCase(f, requestForm())
	vasylID := ts.staffID(f, volunteerName)
	reset := admin.post(f, "/staff/people/"+vasylID+"/reset-password", url.Values{"confirm": {"yes"}})
	code := htmlcheck.Text(htmlcheck.HasOne(f, reset.doc(f), "code.enrol-code"))
	ts.browser(loopback).enrolOnWeb(f, volunteerName, code, "vasyl's password after the reset")

	forms := []struct {
		b    *browser
		path string
	}{
		{admin, "/staff/people"},
		{admin, "/staff/settings/identity"},
		{ts.browser(loopback), "/staff/enrol"},
		{marta, "/staff/people/" + vasylID + "/regrant"},
	}
	for i, seed := range []string{
		"name=Petro&role=caseworker&intake=auto",
		"name=%D0%9F%D0%B5%D1%82%D1%80%D0%BE&role=operator&intake=yes",
		"name=%00%E2%80%AE&role=admin&intake=maybe",
		"name=" + strings.Repeat("x", 65) + "&role=analyst&intake=yes",
		"name_ru=%D0%94%D0%BE%D1%80%D0%BE%D0%B3%D0%B0&promise_en=We+answer+within+a+day.",
		"name_en=Way%0AHome&promise_uk=%E2%80%AE",
		"name_en=%3Cscript%3E&promise_ru=" + strings.Repeat("%D1%8F", 301),
		"name=Vasyl&enrol_code=AAAA-BBBB-CCCC-DDDD&password=long+enough+password&repeat=long+enough+password",
		"name=&enrol_code=%FF&password=short&repeat=other",
		"case=" + strings.TrimPrefix(caseURL, "/staff/requests/") + "&case=nope&case=%00",
		"case=" + strings.Repeat("a", 26) + "&case=" + strings.Repeat("a", 26),
	} {
		f.Add(uint8(i), []byte(seed))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		form := forms[int(which)%len(forms)]
		resp := form.b.postRaw(t, form.path, string(body), false)
		want := []int{http.StatusOK, http.StatusSeeOther, http.StatusUnprocessableEntity, http.StatusConflict,
			http.StatusNotFound, http.StatusUnauthorized, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests}
		if !slices.Contains(want, resp.status) {
			t.Fatalf("POST %s with %q = %d, want one of %v; body:\n%s", form.path, body, resp.status, want, resp.body)
		}
		if resp.status != http.StatusOK && resp.status != http.StatusSeeOther {
			htmlcheck.HasOne(t, resp.doc(t), "p.error")
		}
		if resp.status != http.StatusSeeOther {
			htmlcheck.HasNone(t, resp.doc(t), "script")
		}
	})
}
