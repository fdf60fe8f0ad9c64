package web_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// FuzzAuditQuery asks for the audit page and its CSV with arbitrary
// queries: the answer is the page, the CSV, or the page again with what to
// correct, never a server error, and no query makes the CSV a page or the
// page a script.
func FuzzAuditQuery(f *testing.F) {
	ts := newFuzzServer(f)
	ts.addStaff(f, coordinatorName, tropa.RoleCoordinator, true)
	ts.newCase(f, requestForm())
	token := ts.staffBrowser(f, coordinatorName, staffPassword).sessionCookie()
	paths := []string{"/staff/audit", "/staff/audit.csv"}
	for _, seed := range []string{
		"person=" + ts.staffID(f, caseworkerName) + "&from=2026-03-01&to=2026-03-02",
		"person=applicant&ref=ABC234",
		"person=%27%3B--&ref=%00",
		"from=2026-02-30&to=1999-01-01",
		"from=2026-03-05&to=2026-03-01",
		"before=-1&before=99999999999999999999",
		"ref=" + strings.Repeat("Z", 40),
		"a=%zz&;lang=uk",
	} {
		for i := range paths {
			f.Add(uint8(i), seed)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		path := paths[int(which)%len(paths)]
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.URL.RawQuery = query
		req.Header.Set("Cookie", "tropa_staff="+token)
		rec := ts.serve(req)
		want := []int{http.StatusOK, http.StatusUnprocessableEntity, http.StatusNotFound}
		if !slices.Contains(want, rec.Code) {
			t.Fatalf("GET %s?%s = %d, want one of %v; body:\n%s", path, query, rec.Code, want, rec.Body)
		}
		csv := strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv")
		if path == "/staff/audit.csv" && rec.Code == http.StatusOK {
			if !csv || !strings.HasPrefix(rec.Body.String(), "seq,at,actor,") {
				t.Fatalf("GET %s?%s: %q, want CSV", path, query, rec.Body.String())
			}
			return
		}
		if csv {
			t.Fatalf("GET %s?%s = %d as CSV", path, query, rec.Code)
		}
		htmlcheck.HasNone(t, htmlcheck.Parse(t, rec.Body.String()), "script")
	})
}

// FuzzHandoverForm posts arbitrary hand-over forms for a volunteer who owns
// a case: the answer is the hand-over page, again with what to correct,
// or the people page once he is deactivated, never a server error; and
// whoever the form names, the case never goes to someone who may not own
// it.
func FuzzHandoverForm(f *testing.F) {
	ts := newFuzzServer(f)
	ts.addStaff(f, coordinatorName, tropa.RoleCoordinator, true)
	ts.addStaff(f, volunteerName, tropa.RoleCaseworker, false)
	b := ts.staffBrowser(f, coordinatorName, staffPassword)
	caseURL := ts.newCase(f, requestForm())
	vasylID, olenaID, ivanID := ts.staffID(f, volunteerName), ts.staffID(f, caseworkerName), ts.staffID(f, analystName)
	caseID := strings.TrimPrefix(caseURL, "/staff/requests/")
	if resp := b.post(f, caseURL+"/assign", map[string][]string{"staff": {vasylID}}); resp.status != http.StatusOK {
		f.Fatalf("assign = %d", resp.status)
	}
	for _, seed := range []string{
		"confirm=yes",
		"confirm=yes&handover=yes",
		"confirm=yes&handover=yes&to_all=-",
		"confirm=yes&handover=yes&to_all=" + ivanID,
		"confirm=yes&handover=yes&to_all=" + vasylID,
		"confirm=yes&handover=yes&to_" + caseID + "=" + olenaID,
		"confirm=yes&handover=yes&to_" + caseID + "=%00&to_all=%FF",
		"confirm=yes&handover=yes&to_zzz=1&to_=2&to_all=" + strings.Repeat("a", 300),
		"confirm=no&handover=yes&to_all=" + olenaID,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		resp := b.postRaw(t, "/staff/people/"+vasylID+"/deactivate", string(body), false)
		want := []int{http.StatusOK, http.StatusSeeOther, http.StatusUnprocessableEntity, http.StatusNotFound,
			http.StatusConflict, http.StatusRequestEntityTooLarge}
		if !slices.Contains(want, resp.status) {
			t.Fatalf("POST deactivate with %q = %d, want one of %v; body:\n%s", body, resp.status, want, resp.body)
		}
		if resp.status != http.StatusSeeOther {
			htmlcheck.HasNone(t, htmlcheck.Parse(t, resp.body), "script")
		}
		r, err := ts.store.RequestByID(t.Context(), caseID)
		if err != nil {
			t.Fatal(err)
		}
		if r.OwnerID != "" && r.OwnerID != vasylID && r.OwnerID != olenaID && r.OwnerID != ts.staffID(t, coordinatorName) {
			t.Fatalf("after %q the case is owned by %q, who may not own it", body, r.OwnerID)
		}
	})
}
