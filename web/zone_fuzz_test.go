package web_test

import (
	"net/http"
	"slices"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// FuzzZoneForms posts arbitrary bytes to the zone forms of the settings and
// account pages, as an administrator: the answer is a redirect to the page,
// or the page again with what to correct, never a server error; and the
// pages still show afterwards, whatever zone was kept.
func FuzzZoneForms(f *testing.F) {
	ts := newFuzzServer(f)
	ts.addStaff(f, adminName, tropa.RoleAdmin, false)
	b := ts.staffBrowser(f, adminName, staffPassword)
	paths := []string{"/staff/settings/zone", "/staff/account/zone"}
	for i, seed := range []string{"zone=Europe%2FKyiv", "zone=Europe%2FMoscow", "zone=", "zone=Local",
		"zone=..%2F..%2Fetc%2Fpasswd", "zone=Europe%2FKyiv%00", "zone=%E2%80%AEEurope%2FKyiv", "zone=posixrules"} {
		f.Add(uint8(i), []byte(seed))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := paths[int(which)%len(paths)]
		resp := b.postRaw(t, path, string(body), false)
		want := []int{http.StatusSeeOther, http.StatusUnprocessableEntity, http.StatusConflict,
			http.StatusRequestEntityTooLarge, http.StatusTooManyRequests}
		if !slices.Contains(want, resp.status) {
			t.Fatalf("POST %s with %q = %d, want one of %v; body:\n%s", path, body, resp.status, want, resp.body)
		}
		if resp.status != http.StatusSeeOther {
			htmlcheck.HasOne(t, resp.doc(t), "p.error")
		}
		for _, page := range []string{"/staff/settings", "/staff/account"} {
			if got := b.get(t, page); got.status != http.StatusOK {
				t.Fatalf("GET %s after POST %s with %q = %d", page, path, body, got.status)
			}
		}
	})
}
