package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// FuzzMeetingForms posts arbitrary bytes to the meeting forms of a case, as
// a coordinator who holds it: the answer is a redirect to the case, or the
// page with what to correct, never a server error; the case page and the
// day board still show afterwards.
func FuzzMeetingForms(f *testing.F) {
	ts := newFuzzServer(f)
	ts.addStaff(f, coordinatorName, tropa.RoleCoordinator, true)
	caseURL := ts.newCase(f, requestForm())
	b := ts.staffBrowser(f, coordinatorName, staffPassword)
	resp := b.postRaw(f, caseURL+"/meetings", "start=2026-03-05T10:00&end=2026-03-05T11:00&place=p&sign=s&phrase=c", false)
	if resp.status != http.StatusSeeOther {
		f.Fatalf("arranging the seed meeting = %d", resp.status)
	}
	page := b.get(f, caseURL).doc(f)
	id, _ := htmlcheck.Attr(htmlcheck.HasOne(f, page, "div.meeting"), "id")
	meeting := caseURL + "/meetings/" + strings.TrimPrefix(id, "meeting-")
	actions := []string{caseURL + "/meetings", meeting + "/state", meeting + "/window", meeting + "/send"}
	for i, seed := range []string{
		"start=2026-03-06T23:30&end=2026-03-07T00:30&place=%D0%BC%D0%BE%D1%81%D1%82&sign=x&phrase=y",
		"state=confirmed",
		"start=2026-03-08T10:00&end=2026-03-08T09:00",
		"start=2026-03-06T10:00&end=2026-03-06T11:00&place=&sign=&phrase=",
		"state=failed&reason=",
		"start=9999-12-31T23:59&end=0000-01-01T00:00",
		"start=2026-03-06T10:00&end=2026-03-06T11:00&place=a&sign=b&phrase=c&responsible=nobody",
		"state=%FF%FE&reason=%00",
		"language=ru&detail=window&detail=phrase",
		"language=xx&detail=place",
		"language=uk&detail=window&detail=window&detail=%FF",
		"language=en",
	} {
		f.Add(uint8(i), []byte(seed))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		action := actions[int(which)%len(actions)]
		resp := b.postRaw(t, action, string(body), false)
		want := []int{http.StatusSeeOther, http.StatusUnprocessableEntity, http.StatusConflict, http.StatusNotFound,
			http.StatusRequestEntityTooLarge, http.StatusTooManyRequests}
		if !slices.Contains(want, resp.status) {
			t.Fatalf("POST %s with %q = %d, want one of %v; body:\n%s", action, body, resp.status, want, resp.body)
		}
		if resp.status != http.StatusSeeOther {
			htmlcheck.HasOne(t, htmlcheck.Parse(t, resp.body), "p.error")
		}
		for _, path := range []string{caseURL, "/staff/meetings"} {
			if got := b.get(t, path); got.status != http.StatusOK {
				t.Fatalf("GET %s after POST %s with %q = %d", path, action, body, got.status)
			}
		}
	})
}
