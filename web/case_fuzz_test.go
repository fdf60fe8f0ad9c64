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

// FuzzCaseForms posts arbitrary bytes to every form of a case page, as a
// coordinator who holds its key, and asks for the queue with an arbitrary
// query: the answer is the page again, a redirect to it, or a page that
// explains what to correct, never a server error.
func FuzzCaseForms(f *testing.F) {
	ts := newFuzzServer(f)
	ts.addStaff(f, coordinatorName, tropa.RoleCoordinator, true)
	caseURL := ts.newCase(f, requestForm())
	b := ts.staffBrowser(f, coordinatorName, staffPassword)
	actions := []string{"/triage", "/change", "/details", "/left", "/deadlines", "/assign", "/refer", "/link", "/note", "/reply"}
	for i, seed := range []string{
		"version=1&disposition=case&urgency=high&reason=x",
		"version=2&stage=closed&outcome=left_country&urgency=normal",
		"version=2&doc_internal_passport=held&route=%D0%BC%D0%B0%D1%80%D1%88%D1%80%D1%83%D1%82&destination=x",
		"left_at=2026-03-01T10:00",
		"kind=meeting&due_at=2026-03-04T05:30&label=%D0%BC%D0%BE%D1%81%D1%82",
		"staff=nobody",
		"staff=",
		"ref=ZZZZZZ",
		"note=%FF%FE",
		"message=" + strings.Repeat("x", 200),
	} {
		f.Add(uint8(i), []byte(seed))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		action := actions[int(which)%len(actions)]
		resp := b.postRaw(t, caseURL+action, string(body), false)
		want := []int{http.StatusSeeOther, http.StatusUnprocessableEntity, http.StatusConflict, http.StatusNotFound,
			http.StatusForbidden, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests}
		if !slices.Contains(want, resp.status) {
			t.Fatalf("POST %s with %q = %d, want one of %v; body:\n%s", action, body, resp.status, want, resp.body)
		}
		if resp.status != http.StatusSeeOther {
			htmlcheck.HasOne(t, htmlcheck.Parse(t, resp.body), "p.error")
		}
		query := url.QueryEscape(string(body))
		q := b.do(t, newRequest(t, http.MethodGet, "/staff/inbox?stage="+query+"&due="+query+"&offset="+query, nil), false)
		if q.status != http.StatusOK {
			t.Fatalf("GET /staff/inbox with %q = %d, want 200", body, q.status)
		}
	})
}
