package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/internal/htmlcheck"
)

// TestMeetingInStaffZone: a caseworker at UTC+3 (Moscow) sets a meeting at
// 22:00; the instant kept is 19:00 UTC, she reads 22:00 MSK, and a colleague
// who chose no zone reads 19:00 UTC.
func TestMeetingInStaffZone(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, true)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	marta := ts.staffBrowser(t, coordinatorName, staffPassword)
	account := olena.post(t, "/staff/account/zone", url.Values{"zone": {"Europe/Moscow"}})
	if account.status != http.StatusOK || !strings.HasPrefix(account.path, "/staff/account") {
		t.Fatalf("setting her zone = %d at %s", account.status, account.path)
	}
	doc := account.doc(t)
	htmlcheck.HasOne(t, doc, "p.notice")
	if got := attr(t, doc, "section#zone input#own-zone", "value"); got != "Europe/Moscow" {
		t.Errorf("her zone field shows %q", got)
	}

	caseURL := ts.newCase(t, requestForm())
	form := olena.get(t, caseURL).doc(t)
	htmlcheck.HasText(t, form, `label[for="due_at"]`, "Europe/Moscow")
	htmlcheck.HasText(t, form, `label[for="left_at"]`, "Europe/Moscow")
	page := postCase(t, olena, caseURL, "/deadlines", url.Values{"kind": {"meeting"}, "due_at": {"2026-03-04T22:00"},
		"label": {"мост"}})
	doc = page.doc(t)
	htmlcheck.HasText(t, doc, "table.deadlines td.due-at", "2026-03-04 22:00 MSK")
	htmlcheck.HasText(t, doc, `ol.history li[data-action="deadline"]`, "2026-03-04 22:00 MSK")

	var stored time.Time
	for _, r := range ts.storedRequests(t) {
		if strings.HasSuffix(caseURL, r.ID) {
			stored = r.DueAt
		}
	}
	if want := time.Date(2026, 3, 4, 19, 0, 0, 0, time.UTC); !stored.Equal(want) {
		t.Errorf("the queue keeps the meeting due at %v, want %v", stored, want)
	}
	doc = marta.get(t, caseURL).doc(t)
	htmlcheck.HasText(t, doc, "table.deadlines td.due-at", "2026-03-04 19:00 UTC")
	htmlcheck.HasText(t, olena.get(t, "/staff/inbox").doc(t), "table.inbox span.due-at", "22:00 MSK")

	// Midnight UTC is 03:00 in Moscow: a time, not a date.
	page = postCase(t, olena, caseURL, "/left", url.Values{"left_at": {"2026-03-03T03:00"}})
	htmlcheck.HasText(t, page.doc(t), "p#clock", "2026-03-03 03:00 MSK")
}

// TestLocalTimeAcrossDST: in Kyiv the clocks skip 03:00–03:59 on 29 March
// 2026 and show 03:00–03:59 twice on 25 October. A skipped time is refused,
// saying why, with the form as typed; a repeated one is the first.
func TestLocalTimeAcrossDST(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	olena.header.Set("Accept-Language", "en")
	olena.post(t, "/staff/account/zone", url.Values{"zone": {"Europe/Kyiv"}})
	caseURL := ts.newCase(t, requestForm())

	resp := olena.post(t, caseURL+"/deadlines", url.Values{"kind": {"meeting"}, "due_at": {"2026-03-29T03:30"},
		"label": {"вокзал"}})
	if resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("a meeting in the skipped hour = %d, want 422", resp.status)
	}
	doc := resp.doc(t)
	htmlcheck.HasText(t, doc, "p.error", "There is no 2026-03-29 03:30 in Europe/Kyiv")
	if got := attr(t, doc, "input#due_at", "value"); got != "2026-03-29T03:30" {
		t.Errorf("the refused form shows %q, want what was typed", got)
	}
	if got := attr(t, doc, "input#label", "value"); got != "вокзал" {
		t.Errorf("the refused form's label shows %q", got)
	}
	if got := attr(t, doc, "select#deadline-kind option[selected]", "value"); got != "meeting" {
		t.Errorf("the refused form's kind shows %q", got)
	}
	if resp := olena.post(t, caseURL+"/left", url.Values{"left_at": {"2026-03-29T03:00"}}); resp.status != http.StatusUnprocessableEntity {
		t.Errorf("leaving his unit in the skipped hour = %d, want 422", resp.status)
	}

	for wall, want := range map[string]string{
		"2026-03-29T04:00": "2026-03-29 04:00 EEST", // the first hour after spring forward
		"2026-03-29T02:59": "2026-03-29 02:59 EET",
		"2026-10-25T03:30": "2026-10-25 03:30 EEST", // shown twice: the first
		"2026-10-25T04:00": "2026-10-25 04:00 EET",
	} {
		doc := postCase(t, olena, caseURL, "/deadlines", url.Values{"kind": {"task"}, "due_at": {wall}, "label": {wall}}).doc(t)
		var found bool
		for _, row := range htmlcheck.MustQuery(t, doc, "table.deadlines tbody tr") {
			if strings.Contains(htmlcheck.Text(row), wall) {
				found = true
				htmlcheck.HasText(t, row, "td.due-at", want)
			}
		}
		if !found {
			t.Errorf("no deadline row for %s", wall)
		}
	}
}

// TestOrganizationZone: an administrator sets the organization's zone; a
// staff member who chose none reads in it, and the applicant reads his
// request's times on its clocks and as how long ago, in his language.
func TestOrganizationZone(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, adminName, tropa.RoleAdmin, false)
	admin := ts.staffBrowser(t, adminName, staffPassword)
	settings := admin.get(t, "/staff/settings").doc(t)
	if got := attr(t, settings, "section#zone input#org-zone", "value"); got != "" {
		t.Errorf("the organization's zone before any is set shows %q", got)
	}
	htmlcheck.HasOne(t, settings, `datalist#zones option[value="Europe/Kyiv"]`)
	htmlcheck.HasText(t, settings, "section#zone p.hint", "UTC")

	resp := admin.post(t, "/staff/settings/zone", url.Values{"zone": {"Europe/Atlantis"}})
	if resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("an unknown zone = %d, want 422", resp.status)
	}
	doc := resp.doc(t)
	htmlcheck.HasOne(t, doc, "p.error")
	if got := attr(t, doc, "input#org-zone", "value"); got != "Europe/Atlantis" {
		t.Errorf("the refused zone field shows %q, want what was typed", got)
	}
	resp = admin.post(t, "/staff/settings/zone", url.Values{"zone": {"Europe/Kyiv"}})
	if resp.status != http.StatusOK || !strings.HasPrefix(resp.path, "/staff/settings") {
		t.Fatalf("setting the zone = %d at %s", resp.status, resp.path)
	}
	doc = resp.doc(t)
	htmlcheck.HasOne(t, doc, "p.notice")
	if got := attr(t, doc, "input#org-zone", "value"); got != "Europe/Kyiv" {
		t.Errorf("the zone field shows %q after saving", got)
	}

	// The caseworker chose none: his sessions read on Kyiv's clocks, and
	// his own zone field offers the organization's.
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	doc = olena.get(t, "/staff/account").doc(t)
	htmlcheck.HasText(t, doc, "table.sessions tr.current td", "EET")
	if got := attr(t, doc, "input#own-zone", "placeholder"); got != "Europe/Kyiv" {
		t.Errorf("his zone field offers %q, want the organization's", got)
	}
	if resp := olena.post(t, "/staff/account/zone", url.Values{"zone": {"Local"}}); resp.status != http.StatusUnprocessableEntity {
		t.Errorf("the server's own zone = %d, want 422", resp.status)
	} else if got := attr(t, resp.doc(t), "input#own-zone", "value"); got != "Local" {
		t.Errorf("the refused own zone shows %q, want what was typed", got)
	}

	receipt := ts.browser(loopback).submit(t, requestForm())
	ts.clock.Advance(2*time.Hour + 10*time.Minute)
	for lang, ago := range map[string]string{"ru": "2 часа назад", "uk": "2 години тому", "en": "2 hours ago"} {
		b := ts.browser(loopback)
		b.header.Set("Accept-Language", lang)
		resp := b.post(t, "/check", url.Values{"receipt": {receipt}})
		if resp.status != http.StatusOK {
			t.Fatalf("/check = %d", resp.status)
		}
		doc := resp.doc(t)
		htmlcheck.HasText(t, doc, "li.message.applicant span.at", "2026-03-02 11:00 EET")
		htmlcheck.HasText(t, doc, "li.message.applicant span.ago", ago)
	}
	// The API gives instants in UTC, whatever the organization's zone.
	thread := ts.browser(loopback).json(t, "GET", "/api/v1/requests/self", receipt, "")
	msgs, _ := thread["messages"].([]any)
	if len(msgs) == 0 {
		t.Fatalf("the API's thread has no messages: %v", thread)
	}
	if m, _ := msgs[0].(map[string]any); !strings.HasPrefix(fmt.Sprint(m["at"]), "2026-03-02T09:00:") ||
		!strings.HasSuffix(fmt.Sprint(m["at"]), "Z") {
		t.Errorf("the API gives the message's time as %v, want a UTC instant", m["at"])
	}
}
