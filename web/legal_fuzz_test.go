package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"tropa/internal/htmlcheck"
)

// FuzzLegalForms posts arbitrary bytes to the legal forms of a case, as a
// caseworker: starting a process, adding a step and moving one. The answer
// is a redirect to the case, or the case again with what to correct, never
// a server error; and the case page still shows afterwards.
func FuzzLegalForms(f *testing.F) {
	ts := newFuzzServer(f)
	olena := ts.staffBrowser(f, caseworkerName, caseworkerPassword)
	caseURL := ts.newCase(f, requestForm())
	page := olena.post(f, caseURL+"/legal", url.Values{"procedure": {"refugee"}, "country": {"Georgia"}})
	processID := strings.TrimPrefix(attr(f, page.doc(f), "section#legal article", "id"), "legal-")
	page = olena.post(f, caseURL+"/legal/"+processID+"/steps", url.Values{"kind": {"filed"}, "at": {"2026-03-01T10:00"}})
	stepID := strings.TrimPrefix(attr(f, page.doc(f), "table.legal-steps tbody tr", "id"), "step-")
	paths := []string{caseURL + "/legal", caseURL + "/legal/" + processID + "/steps",
		caseURL + "/legal/" + processID + "/steps/" + stepID}
	for i, seed := range []string{
		"procedure=asylum&country=%D0%93%D1%80%D1%83%D0%B7%D0%B8%D1%8F&helper=%D0%90%D0%B4%D0%B2%D0%BE%D0%BA%D0%B0%D1%82",
		"kind=decision&decision=pending&at=2026-04-01",
		"kind=interview&at=2026-03-29T02:30&note=%E2%80%AE",
		"procedure=%00&country=" + strings.Repeat("x", 81) + "&helper=%FF",
		"kind=decision&decision=granted&at=2027-01-01T00:00",
	} {
		f.Add(uint8(i), []byte(seed))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := paths[int(which)%len(paths)]
		resp := olena.postRaw(t, path, string(body), false)
		want := []int{http.StatusSeeOther, http.StatusUnprocessableEntity, http.StatusNotFound,
			http.StatusRequestEntityTooLarge, http.StatusTooManyRequests}
		if !slices.Contains(want, resp.status) {
			t.Fatalf("POST %s with %q = %d, want one of %v; body:\n%s", path, body, resp.status, want, resp.body)
		}
		if resp.status != http.StatusSeeOther {
			doc := resp.doc(t)
			htmlcheck.HasOne(t, doc, "p.error")
			htmlcheck.HasNone(t, doc, "script")
		}
		if resp := olena.get(t, caseURL); resp.status != http.StatusOK {
			t.Fatalf("the case page after POST %s with %q = %d", path, body, resp.status)
		}
	})
}
