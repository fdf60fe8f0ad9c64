package web_test

import (
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// TestCaseSectionLinks: every link at the top of a case page leads to a
// section that page has, for the caseworker, who has the legal process and
// the stays too, and for the operator who took the call, who has neither.
func TestCaseSectionLinks(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, operatorName, tropa.RoleOperator, false)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	op := ts.staffBrowser(t, operatorName, staffPassword)
	taken := op.post(t, "/staff/calls", requestForm("caller", "self"))
	caseURL, _ := htmlcheck.Attr(htmlcheck.HasOne(t, taken.doc(t), `a[href^="/staff/requests/"]`), "href")

	for name, b := range map[string]*browser{"caseworker": olena, "operator": op} {
		doc := b.get(t, caseURL).doc(t)
		for _, a := range htmlcheck.MustQuery(t, doc, "nav.sections a") {
			href, _ := htmlcheck.Attr(a, "href")
			if len(htmlcheck.MustQuery(t, doc, "#"+strings.TrimPrefix(href, "#"))) == 0 {
				t.Errorf("the %s's case page links to %s, which it does not have", name, href)
			}
		}
	}
	htmlcheck.HasOne(t, olena.get(t, caseURL).doc(t), `nav.sections a[href="#legal"]`)
}
