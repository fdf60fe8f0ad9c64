package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// What a staff member searches for goes in the body of a POST: the form
// posts, and a query in the address searches nothing, so that a name never
// stands in a URL that history, a proxy's log or a Referer keeps.
func TestSearchIsPosted(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, true)
	ts.newCase(t, requestForm("contact", "signal: petrenko.77"))
	b := ts.staffBrowser(t, coordinatorName, staffPassword)

	doc := b.get(t, "/staff/search").doc(t)
	if got := attr(t, doc, `form[action="/staff/search"]`, "method"); got != "post" {
		t.Errorf("search form method = %q, want post", got)
	}
	searches := func() int {
		n := 0
		if err := ts.store.AuditEntries(context.Background(), func(e *tropa.AuditEntry) error {
			if e.Action == tropa.ActionCaseSearch {
				n++
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	resp := b.get(t, "/staff/search?q=petrenko")
	if resp.status != http.StatusOK || strings.Contains(resp.body, "petrenko") || searches() != 0 {
		t.Errorf("GET /staff/search?q=petrenko = %d, searched %d times; want the empty form, no search", resp.status, searches())
	}
	resp = b.post(t, "/staff/search", url.Values{"q": {"petrenko"}})
	if resp.status != http.StatusOK || resp.path != "/staff/search" {
		t.Fatalf("POST /staff/search = %d at %s, want 200 at /staff/search", resp.status, resp.path)
	}
	htmlcheck.HasText(t, resp.doc(t), ".excerpt", "petrenko")
	if n := searches(); n != 1 {
		t.Errorf("searches audited = %d, want 1", n)
	}
}
