package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/internal/htmlcheck"
)

// TestClosedCaseMessage: the applicant writes to his closed case from the
// web and from the API; the people who held it, and the coordinator, see
// it flagged above their queue, others do not; its deadline shows paused;
// keeping it closed clears the flag.
func TestClosedCaseMessage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, false)
	applicant := ts.browser(loopback)
	receipt := applicant.submit(t, requestForm("message", "Мне нужна помощь с документами"))
	caseURL := ts.newestCase(t)
	ts.addStaff(t, volunteerName, tropa.RoleCaseworker, true)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	marta := ts.staffBrowser(t, coordinatorName, staffPassword)
	vasyl := ts.staffBrowser(t, volunteerName, staffPassword)

	page := olena.get(t, caseURL)
	page = postCase(t, olena, caseURL, "/triage", url.Values{"version": {version(t, page, "triage")}, "disposition": {"case"},
		"urgency": {"normal"}})
	postCase(t, olena, caseURL, "/deadlines", url.Values{"kind": {"task"},
		"due_at": {ts.clock.now.Add(5 * time.Hour).Format("2006-01-02T15:04")}, "label": {"забрать справку"}})
	page = olena.get(t, caseURL)
	page = postCase(t, olena, caseURL, "/change", url.Values{"version": {version(t, page, "stage")}, "stage": {"closed"},
		"outcome": {"helped_otherwise"}, "urgency": {"normal"}})
	doc := page.doc(t)
	htmlcheck.HasOne(t, doc, "table.deadlines tr.paused span.paused")
	htmlcheck.HasNone(t, doc, "section#flag")

	for _, b := range []*browser{olena, marta, vasyl} {
		htmlcheck.HasNone(t, b.get(t, "/staff/inbox").doc(t), "section#flagged")
	}
	resp := applicant.post(t, "/check/reply", url.Values{"receipt": {receipt}, "message": {"Меня снова вызывают"}})
	if resp.status != http.StatusOK {
		t.Fatalf("reply to the closed case = %d", resp.status)
	}
	for _, c := range []struct {
		name string
		b    *browser
		sees bool
	}{{"olena, who held it", olena, true}, {"the coordinator", marta, true}, {"vasyl, who never held it", vasyl, false}} {
		inbox := c.b.get(t, "/staff/inbox").doc(t)
		if got := count(t, inbox, "section#flagged li a[href*='"+strings.TrimPrefix(caseURL, "/staff/requests/")+"']"); got != map[bool]int{true: 1, false: 0}[c.sees] {
			t.Errorf("%s: the flagged case is listed %d times above the queue, want seen=%v", c.name, got, c.sees)
		}
	}
	doc = olena.get(t, caseURL).doc(t)
	htmlcheck.HasOne(t, doc, "section#flag form")
	htmlcheck.HasOne(t, doc, "table.deadlines tr.paused")
	postCase(t, olena, caseURL, "/keep-closed", nil)
	htmlcheck.HasNone(t, olena.get(t, caseURL).doc(t), "section#flag")
	htmlcheck.HasNone(t, marta.get(t, "/staff/inbox").doc(t), "section#flagged")

	// Through the API, the same.
	status, out := applicant.api(t, apiCall{method: "POST", path: "/api/v1/requests/self/messages", receipt: receipt,
		body: `{"message":"Ещё раз пишу"}`})
	if status != http.StatusCreated {
		t.Fatalf("API reply = %d %v", status, out)
	}
	htmlcheck.HasOne(t, marta.get(t, "/staff/inbox").doc(t), "section#flagged li")
	r, err := ts.store.RequestByID(context.Background(), strings.TrimPrefix(caseURL, "/staff/requests/"))
	if err != nil || r.FlaggedAt.IsZero() || r.Open() {
		t.Errorf("after the API message: %+v, %v; want flagged and closed", r, err)
	}
}

// TestDeactivationHandsOver: a coordinator deactivating a volunteer who
// owns a case is first shown the case, by reference and stage only, and
// asked who takes it; the case goes to that person, the volunteer reads
// nothing more, and what the coordinator could not open is shown to her
// as no one's.
func TestDeactivationHandsOver(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, true)
	ts.addStaff(t, volunteerName, tropa.RoleCaseworker, false)
	marta := ts.staffBrowser(t, coordinatorName, staffPassword)
	vasyl := ts.staffBrowser(t, volunteerName, staffPassword)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	const secret = "Позывной Сокол, часть 12345"
	caseURL := ts.newCase(t, requestForm("message", secret))
	lostURL := ts.newCase(t, requestForm())
	vasylID, olenaID := ts.staffID(t, volunteerName), ts.staffID(t, caseworkerName)
	for _, u := range []string{caseURL, lostURL} {
		postCase(t, marta, u, "/assign", url.Values{"staff": {vasylID}})
	}
	// The coordinator's own key to the second case is gone: she cannot
	// give it to anyone.
	lostID := strings.TrimPrefix(lostURL, "/staff/requests/")
	if err := ts.store.UpdateCase(context.Background(), &tropa.CaseUpdate{RequestID: lostID, At: ts.deskClock.now,
		RemoveHolders: []string{ts.staffID(t, coordinatorName)}}); err != nil {
		t.Fatal(err)
	}

	resp := marta.post(t, "/staff/people/"+vasylID+"/deactivate", url.Values{"confirm": {"yes"}})
	if resp.status != http.StatusOK {
		t.Fatalf("deactivate = %d", resp.status)
	}
	doc := resp.doc(t)
	if n := count(t, doc, "table.handover tbody tr"); n != 2 {
		t.Fatalf("hand-over page lists %d cases, want 2", n)
	}
	htmlcheck.HasOne(t, doc, "tr.givable select")
	htmlcheck.HasOne(t, doc, "tr.left span.unowned")
	if strings.Contains(resp.body, secret) || strings.Contains(resp.body, "Сокол") {
		t.Error("the hand-over page shows what the case holds")
	}
	if resp := vasyl.get(t, "/staff/inbox"); resp.status != http.StatusOK {
		t.Errorf("the volunteer is deactivated before the hand-over: %d", resp.status)
	}
	// Without a choice nothing happens.
	resp = marta.post(t, "/staff/people/"+vasylID+"/deactivate", url.Values{"confirm": {"yes"}, "handover": {"yes"}})
	if resp.status != http.StatusUnprocessableEntity {
		t.Errorf("hand-over without a taker = %d, want 422", resp.status)
	}
	resp = marta.post(t, "/staff/people/"+vasylID+"/deactivate", url.Values{"confirm": {"yes"}, "handover": {"yes"},
		"to_all": {olenaID}})
	if resp.status != http.StatusOK || !strings.HasPrefix(resp.path, "/staff/people") {
		t.Fatalf("hand-over = %d at %s", resp.status, resp.path)
	}
	htmlcheck.HasOne(t, resp.doc(t), "p.notice")
	if r := vasyl.do(t, newRequest(t, http.MethodGet, caseURL, nil), false); r.status != http.StatusSeeOther {
		t.Errorf("the deactivated volunteer's session opens the case: %d", r.status)
	}
	htmlcheck.HasText(t, olena.get(t, caseURL).doc(t), "dd.owner", caseworkerName)
	inbox := marta.get(t, "/staff/inbox").doc(t)
	if n := count(t, inbox, "section#unowned li a[href*='"+lostID+"']"); n != 1 {
		t.Errorf("the case left unowned is listed %d times to the coordinator, want 1", n)
	}
	htmlcheck.HasNone(t, olena.get(t, "/staff/inbox").doc(t), "section#unowned")

	// An admin, who holds no case keys, can hand nothing over: the page
	// says so, and what the lawyer owned is left to the coordinators.
	ts.addStaff(t, lawyerName, tropa.RoleCaseworker, false)
	ts.addStaff(t, adminName, tropa.RoleAdmin, false)
	adam := ts.staffBrowser(t, adminName, staffPassword)
	yuriiID := ts.staffID(t, lawyerName)
	lawURL := ts.newCase(t, requestForm())
	page := marta.get(t, lawURL)
	postCase(t, marta, lawURL, "/triage", url.Values{"version": {version(t, page, "triage")}, "disposition": {"case"},
		"urgency": {"normal"}})
	postCase(t, marta, lawURL, "/assign", url.Values{"staff": {yuriiID}})
	resp = adam.post(t, "/staff/people/"+yuriiID+"/deactivate", url.Values{"confirm": {"yes"}})
	doc = resp.doc(t)
	htmlcheck.HasNone(t, doc, "select")
	htmlcheck.HasText(t, doc, "tr.left span.unowned", coordinatorName)
	resp = adam.post(t, "/staff/people/"+yuriiID+"/deactivate", url.Values{"confirm": {"yes"}, "handover": {"yes"}})
	if resp.status != http.StatusOK || !strings.HasPrefix(resp.path, "/staff/people") {
		t.Fatalf("the admin's deactivation = %d at %s", resp.status, resp.path)
	}
	if n := count(t, marta.get(t, "/staff/inbox").doc(t), "section#unowned li a[href*='"+strings.TrimPrefix(lawURL, "/staff/requests/")+"']"); n != 1 {
		t.Errorf("the lawyer's case is listed %d times as no one's, want 1", n)
	}
}

// TestAuditPage: a coordinator reads who did what, by person, case and
// date, and exports the same as CSV; reading is recorded; a bad date is
// told and kept; the case page says who opened the case, and how often.
func TestAuditPage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, true)
	marta := ts.staffBrowser(t, coordinatorName, staffPassword)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	const secret = "Позывной Сокол"
	caseURL := ts.newCase(t, requestForm("message", secret))
	otherURL := ts.newCase(t, requestForm())
	olena.get(t, caseURL)
	olena.get(t, otherURL)
	doc := marta.get(t, caseURL).doc(t)
	htmlcheck.HasText(t, doc, "section#opened ul.openings", caseworkerName)
	htmlcheck.HasText(t, doc, "section#opened ul.openings", coordinatorName)
	// In Russian, as in any language, a count of openings reads as words.
	htmlcheck.HasText(t, doc, "section#opened ul.openings", "раз: 1, впервые")
	r, err := ts.store.RequestByID(context.Background(), strings.TrimPrefix(caseURL, "/staff/requests/"))
	if err != nil {
		t.Fatal(err)
	}
	olenaID := ts.staffID(t, caseworkerName)

	q := url.Values{"person": {olenaID}, "ref": {r.Ref}}
	resp := marta.get(t, "/staff/audit?"+q.Encode())
	if resp.status != http.StatusOK {
		t.Fatalf("audit page = %d", resp.status)
	}
	doc = resp.doc(t)
	rows := htmlcheck.MustQuery(t, doc, "table.audit tbody tr")
	if len(rows) != 1 {
		t.Fatalf("olena's entries about the case = %d rows, want her one opening", len(rows))
	}
	htmlcheck.HasText(t, doc, "table.audit td.actor", caseworkerName)
	htmlcheck.HasText(t, doc, "table.audit td.ref", r.Ref)
	if strings.Contains(resp.body, secret) {
		t.Error("the audit page shows what a case holds")
	}
	today := ts.deskClock.now.Format("2006-01-02")
	tomorrow := ts.deskClock.now.AddDate(0, 0, 1).Format("2006-01-02")
	if n := count(t, marta.get(t, "/staff/audit?from="+tomorrow).doc(t), "table.audit tbody tr"); n != 0 {
		t.Errorf("entries from tomorrow = %d, want none", n)
	}
	if n := count(t, marta.get(t, "/staff/audit?person="+olenaID+"&from="+today+"&to="+today).doc(t), "table.audit tbody tr"); n < 2 {
		t.Errorf("olena's entries today = %d, want her login and openings", n)
	}
	bad := marta.get(t, "/staff/audit?from=2026-13-40")
	if bad.status != http.StatusUnprocessableEntity {
		t.Errorf("a bad date = %d, want 422", bad.status)
	}
	doc = bad.doc(t)
	htmlcheck.HasOne(t, doc, "p.error")
	if got := attr(t, doc, "form#audit-filter input[name=from]", "value"); got != "2026-13-40" {
		t.Errorf("the bad date shows as %q, want it kept", got)
	}

	// Every reading so far is on record, with its filter.
	doc = marta.get(t, "/staff/audit?person="+ts.staffID(t, coordinatorName)).doc(t)
	if n := count(t, doc, "table.audit tbody tr[data-action='audit.read']"); n < 4 {
		t.Errorf("the coordinator's readings on record = %d, want every one", n)
	}

	csvResp := marta.get(t, "/staff/audit.csv?"+q.Encode())
	if csvResp.status != http.StatusOK || !strings.HasPrefix(csvResp.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV = %d %q", csvResp.status, csvResp.header.Get("Content-Type"))
	}
	records, err := csv.NewReader(strings.NewReader(csvResp.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 2 || records[0][0] != "seq" || records[1][3] != caseworkerName || records[1][4] != tropa.ActionRequestOpen ||
		records[1][5] != r.Ref {
		t.Errorf("CSV = %v; want a header and olena's opening of %s", records, r.Ref)
	}
	doc = marta.get(t, "/staff/audit?person="+ts.staffID(t, coordinatorName)).doc(t)
	if n := count(t, doc, "table.audit tbody tr[data-action='audit.export']"); n != 1 {
		t.Errorf("exports on record = %d, want 1", n)
	}
}
