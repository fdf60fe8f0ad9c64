package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/internal/htmlcheck"
	"tropa/seal"
)

// More staff for the casework tests, beside Olena and Ivan.
const (
	coordinatorName = "Marta"
	operatorName    = "Oksana"
	adminName       = "Adam"
	lawyerName      = "Yurii"
	volunteerName   = "Vasyl"
	staffPassword   = "a long enough test password"
)

func (ts *testServer) addStaff(tb testing.TB, name string, role tropa.Role, intake bool) {
	tb.Helper()
	a, err := ts.desk.AddStaff(context.Background(), tropa.Staff{Name: name, Role: role, Intake: intake}, staffPassword)
	if err != nil {
		tb.Fatalf("AddStaff(%q): %v", name, err)
	}
	ts.added(a)
}

// caseLink submits a request from the applicant site and returns the staff
// link to it, as the recovery holder's queue sees it: the newest first.
func (ts *testServer) newCase(tb testing.TB, form url.Values) string {
	tb.Helper()
	ts.browser(loopback).submit(tb, form)
	return ts.newestCase(tb)
}

// TestRolesOverRoutes asks every staff page and action as every role and
// checks who is let through.
func TestRolesOverRoutes(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, true)
	ts.addStaff(t, operatorName, tropa.RoleOperator, false)
	ts.addStaff(t, adminName, tropa.RoleAdmin, false)
	// Someone whose TOTP may be reset without logging out anyone here.
	ts.addStaff(t, volunteerName, tropa.RoleCaseworker, false)
	volunteerID, olenaID := ts.staffID(t, volunteerName), ts.staffID(t, caseworkerName)
	browsers := map[tropa.Role]*browser{
		tropa.RoleAdmin:       ts.staffBrowser(t, adminName, staffPassword),
		tropa.RoleCoordinator: ts.staffBrowser(t, coordinatorName, staffPassword),
		tropa.RoleCaseworker:  ts.staffBrowser(t, caseworkerName, caseworkerPassword),
		tropa.RoleOperator:    ts.staffBrowser(t, operatorName, staffPassword),
		tropa.RoleAnalyst:     ts.staffBrowser(t, analystName, analystPassword),
	}
	shelterID := addShelter(t, browsers[tropa.RoleCoordinator], "Roles shelter", "10", olenaID)
	const ok, seeOther, forbidden, notFound = http.StatusOK, http.StatusSeeOther, http.StatusForbidden, http.StatusNotFound
	const conflict = http.StatusConflict
	// want is the status each role gets, in the order of tropa.Roles:
	// admin, coordinator, caseworker, operator, analyst. A TOTP reset
	// answers with the new enrolment code, not a redirect; the operator
	// holds no key to a request from the web form; deactivating someone
	// unknown is not found for those who manage staff.
	type route struct {
		method, path string
		form         url.Values
		want         []int
	}
	routes := []route{
		{"GET", "/staff/inbox", nil, []int{forbidden, ok, ok, ok, forbidden}},
		{"POST", "/staff/search", url.Values{"q": {"abc"}}, []int{forbidden, ok, ok, ok, forbidden}},
		{"GET", "/staff/calls", nil, []int{forbidden, ok, ok, ok, forbidden}},
		{"GET", "/staff/requests/{id}", nil, []int{forbidden, ok, ok, forbidden, forbidden}},
		{"GET", "/staff/people", nil, []int{ok, ok, forbidden, forbidden, forbidden}},
		{"GET", "/staff/settings", nil, []int{ok, forbidden, forbidden, forbidden, forbidden}},
		{"GET", "/staff/stats", nil, []int{ok, ok, forbidden, forbidden, ok}},
		{"GET", "/staff/stats.csv?quarter=2026-Q1", nil, []int{ok, ok, forbidden, forbidden, ok}},
		{"GET", "/staff/stats.json?month=2026-03&compare=year", nil, []int{ok, ok, forbidden, forbidden, ok}},
		{"GET", "/staff/stats/series", nil, []int{ok, ok, forbidden, forbidden, ok}},
		{"POST", "/staff/stats/series", url.Values{"name": {"Суды"}, "source": {"https://example.org"}, "paste": {"month,value\n2025-10,5\n"},
			"replace": {"yes"}}, []int{seeOther, seeOther, forbidden, forbidden, seeOther}},
		{"POST", "/staff/stats/series/delete", url.Values{"name": {"none such"}}, []int{notFound, notFound, forbidden, forbidden, notFound}},
		{"GET", "/staff/account", nil, []int{ok, ok, ok, ok, ok}},
		{"POST", "/staff/requests/{id}/note", url.Values{"note": {"заметка"}}, []int{forbidden, seeOther, seeOther, forbidden, forbidden}},
		{"POST", "/staff/requests/{id}/triage", url.Values{"version": {"1"}, "disposition": {"case"}, "urgency": {"normal"}}, []int{forbidden, seeOther, seeOther, forbidden, forbidden}},
		{"POST", "/staff/requests/{id}/deadlines", url.Values{"kind": {"meeting"}, "due_at": {"2026-03-03T10:00"}, "label": {"точка"}}, []int{forbidden, seeOther, seeOther, forbidden, forbidden}},
		{"POST", "/staff/requests/{id}/assign", url.Values{"staff": {olenaID}}, []int{forbidden, seeOther, forbidden, forbidden, forbidden}},
		{"POST", "/staff/settings/wanted", url.Values{"hours": {"48"}}, []int{seeOther, forbidden, forbidden, forbidden, forbidden}},
		{"POST", "/staff/people/" + volunteerID + "/reset-totp", nil, []int{ok, ok, forbidden, forbidden, forbidden}},
		{"POST", "/staff/settings/retention", url.Values{"was": {tropa.DefaultRetention().Marshal()}, "closed_after": {"90"}, "contact_after": {"14"}, "spam_after": {"3"}}, []int{seeOther, forbidden, forbidden, forbidden, forbidden}},
		{"POST", "/staff/requests/{id}/erase-contact", url.Values{"confirm": {"yes"}}, []int{forbidden, seeOther, seeOther, forbidden, forbidden}},
		{"POST", "/staff/settings/zone", url.Values{"zone": {"Europe/Kyiv"}}, []int{seeOther, forbidden, forbidden, forbidden, forbidden}},
		{"POST", "/staff/settings/figures", url.Values{"threshold": {"7"}}, []int{seeOther, forbidden, forbidden, forbidden, forbidden}},
		// Exact figures are not allowed here: those who may read figures
		// get the publish-safe page with a notice.
		{"GET", "/staff/stats?exact=1", nil, []int{ok, ok, forbidden, forbidden, ok}},
		{"POST", "/staff/account/zone", url.Values{"zone": {"Europe/Berlin"}}, []int{seeOther, seeOther, seeOther, seeOther, seeOther}},
		{"GET", "/staff/account/notices", nil, []int{forbidden, ok, ok, ok, forbidden}},
		{"POST", "/staff/account/notices", url.Values{"channel": {"mail"}, "address": {"w7@example.org"}, "event": {"new"}, "digest": {"4"}, "lead": {"12"}, "notice_lang": {"uk"}}, []int{forbidden, seeOther, seeOther, seeOther, forbidden}},
		{"POST", "/staff/account/notices/telegram", nil, []int{forbidden, ok, ok, ok, forbidden}},
		{"GET", "/staff/audit", nil, []int{ok, ok, forbidden, forbidden, forbidden}},
		{"GET", "/staff/audit.csv", nil, []int{ok, ok, forbidden, forbidden, forbidden}},
		{"POST", "/staff/requests/{id}/keep-closed", nil, []int{forbidden, seeOther, seeOther, forbidden, forbidden}},
		{"POST", "/staff/people/" + tropa.NewID() + "/deactivate", url.Values{"confirm": {"yes"}}, []int{notFound, notFound, forbidden, forbidden, forbidden}},
		// The team on the web. A re-grant is let through to the coordinator,
		// and refused as the volunteer, just reset, has no keys yet.
		{"POST", "/staff/people", url.Values{"name": {"Added on the web"}, "role": {"caseworker"}}, []int{ok, forbidden, forbidden, forbidden, forbidden}},
		{"POST", "/staff/people/" + volunteerID + "/reset-password", url.Values{"confirm": {"yes"}}, []int{ok, ok, forbidden, forbidden, forbidden}},
		{"GET", "/staff/people/" + volunteerID + "/regrant", nil, []int{forbidden, ok, forbidden, forbidden, forbidden}},
		{"POST", "/staff/people/" + volunteerID + "/regrant", nil, []int{forbidden, conflict, forbidden, forbidden, forbidden}},
		{"POST", "/staff/settings/identity", url.Values{"name_en": {"Way Home"}}, []int{seeOther, forbidden, forbidden, forbidden, forbidden}},
		// The call desk. A returning caller's wrong receipt is not found,
		// as on /check, for those who may take calls.
		{"POST", "/staff/calls", requestForm("caller", "relative"), []int{forbidden, ok, ok, ok, forbidden}},
		{"POST", "/staff/calls/returning", url.Values{"receipt": {seal.NewReceipt().String()}, "caller": {"self"}, "said": {"снова звонит"}}, []int{forbidden, notFound, notFound, notFound, forbidden}},
		// Shelters: coordinators add and grant them; those granted one
		// book stays in it for the cases they hold.
		{"GET", "/staff/shelters", nil, []int{forbidden, ok, ok, forbidden, forbidden}},
		{"POST", "/staff/shelters", url.Values{"name": {"Ещё"}, "address": {"адрес"}, "beds": {"2"}}, []int{forbidden, seeOther, forbidden, forbidden, forbidden}},
		{"POST", "/staff/shelters/" + shelterID + "/grant", url.Values{"staff": {olenaID}}, []int{forbidden, seeOther, forbidden, forbidden, forbidden}},
		{"POST", "/staff/requests/{id}/stays", url.Values{"shelter": {shelterID}, "first": {"2026-03-03"}, "end": {"2026-03-05"}, "beds": {"1"}}, []int{forbidden, seeOther, seeOther, forbidden, forbidden}},
		{"POST", "/staff/requests/{id}/stays/" + tropa.NewID(), url.Values{"change": {"cancel"}}, []int{forbidden, notFound, notFound, forbidden, forbidden}},
		// The legal process: a step of a process the case does not have is
		// not found for those who may work it.
		{"POST", "/staff/requests/{id}/legal", url.Values{"procedure": {"asylum"}, "country": {"Deutschland"}}, []int{forbidden, seeOther, seeOther, forbidden, forbidden}},
		{"POST", "/staff/requests/{id}/legal/" + tropa.NewID() + "/steps", url.Values{"kind": {"filed"}, "at": {"2026-03-03T10:00"}}, []int{forbidden, notFound, notFound, forbidden, forbidden}},
		{"POST", "/staff/requests/{id}/legal/" + tropa.NewID() + "/steps/" + tropa.NewID(), url.Values{"kind": {"filed"}, "at": {"2026-03-03T10:00"}}, []int{forbidden, notFound, notFound, forbidden, forbidden}},
		// Safe-surrender meetings: the board lists only what the viewer
		// holds; a meeting unknown to the case is not found.
		{"GET", "/staff/meetings", nil, []int{forbidden, ok, ok, ok, forbidden}},
		{"POST", "/staff/requests/{id}/meetings", url.Values{"start": {"2026-03-03T10:00"}, "end": {"2026-03-03T11:00"}, "place": {"мост"}, "sign": {"повязка"}, "phrase": {"тихий дон"}}, []int{forbidden, seeOther, seeOther, forbidden, forbidden}},
		{"POST", "/staff/requests/{id}/meetings/" + tropa.NewID() + "/state", url.Values{"state": {"confirmed"}}, []int{forbidden, notFound, notFound, forbidden, forbidden}},
		{"POST", "/staff/requests/{id}/meetings/" + tropa.NewID() + "/window", url.Values{"start": {"2026-03-04T10:00"}, "end": {"2026-03-04T11:00"}}, []int{forbidden, notFound, notFound, forbidden, forbidden}},
		{"POST", "/staff/requests/{id}/meetings/" + tropa.NewID() + "/send", url.Values{"language": {"ru"}, "detail": {"window"}}, []int{forbidden, notFound, notFound, forbidden, forbidden}},
	}
	for _, role := range tropa.Roles {
		b := browsers[role]
		// Each role works on a request of its own, so that one role's
		// triage does not change what the next one sees.
		caseURL := ts.newCase(t, requestForm())
		for _, rt := range routes {
			path := strings.Replace(rt.path, "/staff/requests/{id}", caseURL, 1)
			var resp *response
			if rt.method == "GET" {
				resp = b.do(t, newRequest(t, http.MethodGet, path, nil), false)
			} else {
				resp = b.postRaw(t, path, rt.form.Encode(), false)
			}
			if want := rt.want[slices.Index(tropa.Roles, role)]; resp.status != want {
				t.Errorf("%s: %s %s = %d, want %d", role, rt.method, rt.path, resp.status, want)
			}
			if rt.method == "POST" && rt.path == "/staff/calls" && resp.status == ok {
				ts.newestCase(t) // the call is a request of its own
			}
		}
	}
}

// postCase posts a form from a case page and returns the page it leads to.
func postCase(tb testing.TB, b *browser, caseURL, action string, form url.Values) *response {
	tb.Helper()
	resp := b.post(tb, caseURL+action, form)
	if resp.status != http.StatusOK || !strings.HasPrefix(resp.path, caseURL) {
		tb.Fatalf("POST %s%s = %d at %s, want the case page; body:\n%s", caseURL, action, resp.status, resp.path, resp.body)
	}
	return resp
}

func version(tb testing.TB, resp *response, form string) string {
	tb.Helper()
	return attr(tb, resp.doc(tb), "form#"+form+" input[name=version]", "value")
}

// TestCaseworkWeek is a week of casework through the pages: triage, assign,
// the clock, a referral to a lawyer, documents, an outcome, and a volunteer
// removed who then can read nothing.
func TestCaseworkWeek(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, true)
	ts.addStaff(t, volunteerName, tropa.RoleCaseworker, true)
	ts.addStaff(t, lawyerName, tropa.RoleCaseworker, false)
	marta := ts.staffBrowser(t, coordinatorName, staffPassword)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	vasyl := ts.staffBrowser(t, volunteerName, staffPassword)
	yurii := ts.staffBrowser(t, lawyerName, staffPassword)
	caseURL := ts.newCase(t, requestForm("kind", "leave_unit", "situation", "leave", "contact", "Signal: Sokol-77",
		"message", "В отпуске после госпиталя, возвращаться в часть не хочу"))

	// Monday: Olena triages it as a case.
	page := olena.get(t, caseURL)
	postCase(t, olena, caseURL, "/triage", url.Values{"version": {version(t, page, "triage")}, "disposition": {"case"}, "urgency": {"normal"}})
	// The coordinator assigns it to the volunteer; Olena, who had it only
	// from intake, loses it.
	page = postCase(t, marta, caseURL, "/assign", url.Values{"staff": {ts.staffID(t, volunteerName)}})
	htmlcheck.HasText(t, page.doc(t), "dd.owner", volunteerName)
	if resp := olena.get(t, caseURL); resp.status != http.StatusForbidden {
		t.Errorf("Olena opens the assigned case: %d, want 403", resp.status)
	}

	// Tuesday: he will leave his unit tonight; the clock starts.
	leave := ts.clock.now.Add(6 * time.Hour).Format("2006-01-02T15:04")
	page = postCase(t, vasyl, caseURL, "/left", url.Values{"left_at": {leave}})
	doc := page.doc(t)
	htmlcheck.HasOne(t, doc, "p#clock")
	htmlcheck.HasText(t, doc, "p#clock strong", "осталось 2 дня 6 ч")
	queue := vasyl.get(t, "/staff/inbox").doc(t)
	htmlcheck.HasOne(t, queue, "table.inbox tbody tr.urgent")

	// A passport deadline, and the documents.
	page = postCase(t, vasyl, caseURL, "/deadlines", url.Values{"kind": {"task"},
		"due_at": {ts.clock.now.Add(3 * time.Hour).Format("2006-01-02T15:04")}, "label": {"сдать загранпаспорт в часть"}})
	page = postCase(t, vasyl, caseURL, "/details", url.Values{"version": {version(t, page, "details-form")},
		"doc_internal_passport": {"confiscated"}, "doc_international_passport": {"held"}, "doc_military_id": {"unknown"},
		"destination": {"Армения"}, "route": {"Поездом до границы"}})
	doc = page.doc(t)
	if got := attr(t, doc, "select#doc_internal_passport option[selected]", "value"); got != "confiscated" {
		t.Errorf("internal passport shows %q, want confiscated", got)
	}
	// The coordinator's 24-hour view shows the case.
	due := marta.get(t, "/staff/inbox?due=24h").doc(t)
	if n := count(t, due, "table.inbox tbody tr"); n != 1 {
		t.Errorf("coordinator's due-in-24h view has %d cases, want 1", n)
	}

	// Wednesday: the volunteer refers it to the lawyer.
	if resp := yurii.get(t, caseURL); resp.status != http.StatusForbidden {
		t.Errorf("the lawyer opens the case before the referral: %d", resp.status)
	}
	postCase(t, vasyl, caseURL, "/refer", url.Values{"staff": {ts.staffID(t, lawyerName)}})
	doc = yurii.get(t, caseURL).doc(t)
	htmlcheck.HasText(t, doc, "dd.contact", "Signal: Sokol-77")
	htmlcheck.HasText(t, doc, "textarea#route", "Поездом до границы")

	// Friday: he is out; the case closes with an outcome.
	page = vasyl.get(t, caseURL)
	resp := vasyl.post(t, caseURL+"/change", url.Values{"version": {version(t, page, "stage")}, "stage": {"closed"}, "urgency": {"high"}})
	if resp.status != http.StatusUnprocessableEntity {
		t.Errorf("closing without an outcome = %d, want 422", resp.status)
	}
	page = postCase(t, vasyl, caseURL, "/change", url.Values{"version": {version(t, page, "stage")}, "stage": {"closed"},
		"outcome": {"left_country"}, "urgency": {"high"}})
	htmlcheck.HasText(t, page.doc(t), "h1 .stage", "Выехал")

	// The coordinator removes the volunteer from the organization: he can
	// read nothing more.
	people := marta.get(t, "/staff/people")
	if people.status != http.StatusOK {
		t.Fatalf("people page = %d", people.status)
	}
	vasylID := ts.staffID(t, volunteerName)
	deactivate := marta.post(t, "/staff/people/"+vasylID+"/deactivate", url.Values{"confirm": {"yes"}})
	if deactivate.status != http.StatusOK {
		t.Fatalf("deactivate = %d", deactivate.status)
	}
	if resp := vasyl.do(t, newRequest(t, http.MethodGet, caseURL, nil), false); resp.status != http.StatusSeeOther {
		t.Errorf("the removed volunteer's session opens the case: %d, want a redirect to log in", resp.status)
	}
	wraps, err := ts.store.KeyWraps(context.Background(), strings.TrimPrefix(caseURL, "/staff/requests/"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range wraps {
		if w.Holder == vasylID {
			t.Error("a key is still wrapped to the removed volunteer")
		}
	}

	// The history tells the week, to his removal.
	doc = yurii.get(t, caseURL).doc(t)
	var actions []string
	for _, li := range htmlcheck.MustQuery(t, doc, "ol.history li") {
		a, _ := htmlcheck.Attr(li, "data-action")
		actions = append(actions, a)
	}
	want := "triage stage assign deadline urgency deadline documents documents route route refer stage outcome remove"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("history = %s\nwant      %s", got, want)
	}
}

// TestStaleEditKeepsInput: two people edit one case; the second is told,
// and what they typed is kept.
func TestStaleEditKeepsInput(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, true)
	marta := ts.staffBrowser(t, coordinatorName, staffPassword)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	caseURL := ts.newCase(t, requestForm())
	page := olena.get(t, caseURL)
	v := version(t, page, "details-form")
	postCase(t, marta, caseURL, "/details", url.Values{"version": {v}, "route": {"маршрут Марты"}})
	resp := olena.post(t, caseURL+"/details", url.Values{"version": {v}, "route": {"маршрут Олены"}})
	if resp.status != http.StatusConflict {
		t.Fatalf("stale save = %d, want 409", resp.status)
	}
	doc := resp.doc(t)
	htmlcheck.HasOne(t, doc, "p.error")
	htmlcheck.HasText(t, doc, "textarea#route", "маршрут Олены")
	stored := htmlcheck.Text(htmlcheck.HasOne(t, marta.get(t, caseURL).doc(t), "textarea#route"))
	if stored != "маршрут Марты" {
		t.Errorf("stored route = %q, want Marta's, not overwritten", stored)
	}
}
