package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// TestLegalSection works a case's legal process from its page, keyboard
// only: a process with its lawyer, a mistyped step shown again as typed, an
// interview ahead that joins the case's deadlines, typed and read on the
// caseworker's clocks across the change to summer time.
func TestLegalSection(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, operatorName, tropa.RoleOperator, true)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	oleg := ts.staffBrowser(t, operatorName, staffPassword)
	caseURL := ts.newCase(t, requestForm())
	if resp := olena.post(t, "/staff/account/zone", url.Values{"zone": {"Europe/Berlin"}}); resp.status != http.StatusOK {
		t.Fatalf("setting the zone: %d", resp.status)
	}

	bad := olena.postRaw(t, caseURL+"/legal", url.Values{"procedure": {"asylum"}, "country": {""},
		"helper": {"Rechtsanwältin Vogel"}}.Encode(), false)
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("a process without a country = %d, want 422", bad.status)
	}
	doc := bad.doc(t)
	htmlcheck.HasOne(t, doc, "p.error")
	htmlcheck.HasText(t, doc, "section#legal textarea#helper", "Rechtsanwältin Vogel")

	page := postCase(t, olena, caseURL, "/legal", url.Values{"procedure": {"asylum"}, "country": {"Deutschland"},
		"helper": {"Rechtsanwältin Vogel"}})
	doc = page.doc(t)
	htmlcheck.HasText(t, doc, "section#legal article h3", "Deutschland")
	htmlcheck.HasText(t, doc, "section#legal p.helper", "Rechtsanwältin Vogel")
	processID := strings.TrimPrefix(attr(t, doc, "section#legal article", "id"), "legal-")
	steps := caseURL + "/legal/" + processID + "/steps"

	bad = olena.postRaw(t, steps, url.Values{"kind": {"interview"}, "at": {"2026-03-29T02:30"},
		"note": {"BAMF Berlin"}}.Encode(), false)
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("a time the clocks skip = %d, want 422", bad.status)
	}
	doc = bad.doc(t)
	htmlcheck.HasOne(t, doc, "p.error")
	if v := attr(t, doc, "input#note-"+processID, "value"); v != "BAMF Berlin" {
		t.Errorf("the refused step's note shows %q, want what was typed", v)
	}

	postCase(t, olena, caseURL, "/legal/"+processID+"/steps", url.Values{"kind": {"filed"}, "at": {"2026-03-02T08:00"}})
	page = postCase(t, olena, caseURL, "/legal/"+processID+"/steps", url.Values{"kind": {"interview"},
		"at": {"2026-03-30T09:30"}, "note": {"BAMF Berlin"}})
	doc = page.doc(t)
	htmlcheck.HasText(t, doc, "table.legal-steps tr.due-later", "2026-03-30 09:30 CEST")
	htmlcheck.HasText(t, doc, "table.legal-steps tr.done", "2026-03-02 08:00 CET")
	htmlcheck.HasText(t, doc, "table.deadlines", "2026-03-30 09:30 CEST")
	htmlcheck.HasText(t, doc, "table.deadlines", "Интервью")

	htmlcheck.HasNone(t, oleg.get(t, caseURL).doc(t), "section#legal")

	// A decision taken today: the analyst's figures count it, suppressed
	// as small, and name no country.
	analyst := ts.staffBrowser(t, analystName, analystPassword)
	stats := analyst.get(t, "/staff/stats").doc(t)
	if v, _ := figure(t, stats, "decisions", "asylum/granted"); v != "0" {
		t.Errorf("asylum granted before any decision = %q, want 0", v)
	}
	postCase(t, olena, caseURL, "/legal/"+processID+"/steps", url.Values{"kind": {"decision"}, "decision": {"granted"},
		"at": {"2026-03-02T09:30"}})
	stats = analyst.get(t, "/staff/stats").doc(t)
	if v, suppressed := figure(t, stats, "decisions", "asylum/granted"); v != "<5" || !suppressed {
		t.Errorf("asylum granted after one decision = %q (suppressed %v), want <5", v, suppressed)
	}
	if strings.Contains(htmlcheck.Text(stats), "Deutschland") {
		t.Error("the figures name the country")
	}
}

// TestLegalDecisionOnExpectedStep: the decision that was expected comes;
// the caseworker records it, with a note of its own, on the expected
// step's own row, which then is done, so that the case no longer waits in
// the queue for it.
func TestLegalDecisionOnExpectedStep(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	caseURL := ts.newCase(t, requestForm())
	doc := postCase(t, olena, caseURL, "/legal", url.Values{"procedure": {"asylum"}, "country": {"Deutschland"}}).doc(t)
	processID := strings.TrimPrefix(attr(t, doc, "section#legal article", "id"), "legal-")
	doc = postCase(t, olena, caseURL, "/legal/"+processID+"/steps", url.Values{"kind": {"decision"},
		"decision": {"pending"}, "at": {"2026-04-20T12:00"}, "note": {"ожидается к апрелю"}}).doc(t)
	stepID := strings.TrimPrefix(attr(t, doc, "table.legal-steps tr[id^=step-]", "id"), "step-")
	htmlcheck.HasText(t, doc, "table.deadlines tr.due-later", "Решение")
	htmlcheck.HasText(t, doc, "tr#step-"+stepID+" select#decision-"+stepID+" option[selected]", "Ожидается")
	if v := attr(t, doc, "tr#step-"+stepID+" input#note-"+stepID, "value"); v != "ожидается к апрелю" {
		t.Errorf("the expected decision's note field holds %q, want its note", v)
	}

	doc = postCase(t, olena, caseURL, "/legal/"+processID+"/steps/"+stepID, url.Values{"kind": {"decision"},
		"decision": {"granted"}, "at": {"2026-03-02T08:00"}, "note": {"письмо из BAMF"}}).doc(t)
	htmlcheck.HasText(t, doc, "section#legal article h3", "Одобрено")
	htmlcheck.HasText(t, doc, "tr#step-"+stepID+".done", "Решение: Одобрено")
	htmlcheck.HasText(t, doc, "tr#step-"+stepID+".done", "письмо из BAMF")
	htmlcheck.HasNone(t, doc, "table.deadlines tr.due-later")
	if n := count(t, doc, "table.legal-steps tbody tr"); n != 1 {
		t.Errorf("the process lists %d steps, want the one decision", n)
	}
}
