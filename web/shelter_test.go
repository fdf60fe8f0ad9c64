package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var grantPathRe = regexp.MustCompile(`/staff/shelters/([A-Za-z0-9_-]+)/grant`)

// addShelter adds a shelter of beds as the coordinator browsing with b,
// grants it to each of the staff ids to, and returns its id.
func addShelter(t *testing.T, b *browser, name, beds string, to ...string) string {
	t.Helper()
	resp := b.post(t, "/staff/shelters", url.Values{"name": {name}, "address": {"Address of " + name},
		"contact": {"Contact of " + name}, "beds": {beds}})
	// Each shelter's grant form is labelled with its reference and name.
	var id string
	for _, m := range grantPathRe.FindAllStringSubmatchIndex(resp.body, -1) {
		label, _, _ := strings.Cut(resp.body[m[1]:], "</label>")
		if strings.Contains(label, " · "+name) {
			id = resp.body[m[2]:m[3]]
		}
	}
	if id == "" {
		t.Fatalf("after adding a shelter the list shows no %q: %d", name, resp.status)
	}
	for _, staff := range to {
		if r := b.post(t, "/staff/shelters/"+id+"/grant", url.Values{"staff": {staff}}); r.status != 200 {
			t.Fatalf("grant: %d", r.status)
		}
	}
	return id
}

// A caseworker books the last bed; a second booking on those nights is
// refused on the case page with what was typed still in the form, and the
// case page shows the stay in the shelter.
func TestStayBookingOnCasePage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, coordinatorName, "coordinator", false)
	coord := ts.staffBrowser(t, coordinatorName, staffPassword)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	sid := addShelter(t, coord, "Квартира на горе", "1", ts.staffID(t, caseworkerName))
	caseURL := ts.newCase(t, requestForm())

	list := olena.get(t, "/staff/shelters")
	if !strings.Contains(list.body, "Квартира на горе") || !strings.Contains(list.body, "Address of Квартира на горе") {
		t.Fatalf("the caseworker granted the shelter does not see it: %d", list.status)
	}
	form := url.Values{"shelter": {sid}, "first": {"2026-03-03"}, "end": {"2026-03-06"}, "beds": {"1"}}
	if r := olena.post(t, caseURL+"/stays", form); r.status != 200 || !strings.Contains(r.body, "Квартира на горе") ||
		!strings.Contains(r.body, "2026-03-03 – 2026-03-06") {
		t.Fatalf("after booking, the case page (%d) does not show the stay", r.status)
	}
	form.Set("first", "2026-03-05")
	form.Set("end", "2026-03-09")
	r := olena.post(t, caseURL+"/stays", form)
	if r.status != 409 || !strings.Contains(r.body, "не хватает свободных мест") ||
		!strings.Contains(r.body, `value="2026-03-09"`) {
		t.Errorf("overbooking: %d, want 409 with the message and the dates typed kept:\n%s", r.status, r.body)
	}
	if r := olena.get(t, "/staff/shelters"); !strings.Contains(r.body, `<td class="free full">0</td>`) {
		t.Errorf("the shelters page shows no full night after the booking")
	}
}

// A closed case gets no bed: the booking is refused on the case page in
// the caseworker's language, with the dates typed kept.
func TestStayRefusedOnClosedCase(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, coordinatorName, "coordinator", false)
	coord := ts.staffBrowser(t, coordinatorName, staffPassword)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	sid := addShelter(t, coord, "Квартира на горе", "2", ts.staffID(t, caseworkerName))
	caseURL := ts.newCase(t, requestForm())
	page := olena.get(t, caseURL)
	page = postCase(t, olena, caseURL, "/triage", url.Values{"version": {version(t, page, "triage")}, "disposition": {"case"},
		"urgency": {"normal"}})
	postCase(t, olena, caseURL, "/change", url.Values{"version": {version(t, page, "stage")}, "stage": {"closed"},
		"outcome": {"left_country"}, "urgency": {"normal"}})

	r := olena.post(t, caseURL+"/stays", url.Values{"shelter": {sid}, "first": {"2026-03-03"}, "end": {"2026-03-06"},
		"beds": {"1"}})
	if r.status != 409 || !strings.Contains(r.body, "Это дело закрыто") || !strings.Contains(r.body, `value="2026-03-06"`) {
		t.Errorf("booking for a closed case: %d, want 409 with the message and the dates typed kept:\n%s", r.status, r.body)
	}
	if strings.Contains(r.body, "2026-03-03 – 2026-03-06") {
		t.Error("the closed case's page shows the stay refused")
	}
}
