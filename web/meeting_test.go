package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tropa/internal/htmlcheck"
)

// TestMeetingOnTheWeb: a caseworker in Kyiv proposes a meeting across
// midnight, confirms and completes it; the board shows it in her zone; a
// window that ends before it starts is refused with what she typed kept.
func TestMeetingOnTheWeb(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	olena.header.Set("Accept-Language", "en")
	olena.post(t, "/staff/account/zone", url.Values{"zone": {"Europe/Kyiv"}})
	caseURL := ts.newCase(t, requestForm())

	bad := url.Values{"start": {"2026-03-03T10:00"}, "end": {"2026-03-03T09:00"}, "place": {"мост у вокзала"},
		"sign": {"белая повязка"}, "phrase": {"тихий дон"}}
	resp := olena.post(t, caseURL+"/meetings", bad)
	if resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("a window ending before it starts = %d, want 422", resp.status)
	}
	doc := resp.doc(t)
	htmlcheck.HasText(t, doc, "p.error", "must end after it starts")
	for field, want := range map[string]string{"meeting-start": "2026-03-03T10:00", "meeting-end": "2026-03-03T09:00",
		"meeting-place": "мост у вокзала", "meeting-sign": "белая повязка", "meeting-phrase": "тихий дон"} {
		if got := attr(t, doc, "input#"+field, "value"); got != want {
			t.Errorf("the refused form's %s shows %q, want %q", field, got, want)
		}
	}
	past := url.Values{"start": {"2026-03-01T10:00"}, "end": {"2026-03-01T11:00"}, "place": {"a"}, "sign": {"b"}, "phrase": {"c"}}
	if resp := olena.post(t, caseURL+"/meetings", past); resp.status != http.StatusUnprocessableEntity {
		t.Errorf("a window in the past = %d, want 422", resp.status)
	}

	good := url.Values{"start": {"2026-03-02T23:30"}, "end": {"2026-03-03T00:30"}, "place": {"мост у вокзала"},
		"sign": {"белая повязка"}, "phrase": {"тихий дон"}}
	doc = postCase(t, olena, caseURL, "/meetings", good).doc(t)
	htmlcheck.HasText(t, doc, "div.meeting .window", "2026-03-02 23:30 EET – 2026-03-03 00:30 EET (Europe/Kyiv)")
	htmlcheck.HasText(t, doc, "div.meeting .state", "proposed")
	htmlcheck.HasText(t, doc, "div.meeting dd.phrase", "тихий дон")
	id := strings.TrimPrefix(attr(t, doc, "div.meeting", "id"), "meeting-")
	if id == "" {
		t.Fatal("no meeting on the case page")
	}
	// The form adding a deadline sends whoever looks for a meeting there
	// to the meetings.
	htmlcheck.HasText(t, doc, "section#deadlines p#deadline-not-meeting", "“Meetings” below")
	// The meeting's deadline names it, for there is no label to show.
	htmlcheck.HasText(t, doc, `table.deadlines a[href="#meeting-`+id+`"]`, "Meeting")
	if resp := olena.post(t, caseURL+"/meetings", good); resp.status != http.StatusConflict {
		t.Errorf("an overlapping meeting = %d, want 409", resp.status)
	}
	if resp := olena.post(t, caseURL+"/meetings/"+id+"/state", url.Values{"state": {"failed"}}); resp.status != http.StatusUnprocessableEntity {
		t.Errorf("failing a proposed meeting = %d, want 422", resp.status)
	}
	postCase(t, olena, caseURL, "/meetings/"+id+"/state", url.Values{"state": {"confirmed"}})

	board := olena.get(t, "/staff/meetings").doc(t)
	htmlcheck.HasText(t, board, "table.meetings tr#board-"+id+" td.window", "23:30 EET")
	htmlcheck.HasText(t, board, "table.meetings tr#board-"+id, "confirmed")

	doc = postCase(t, olena, caseURL, "/meetings/"+id+"/state", url.Values{"state": {"completed"}}).doc(t)
	htmlcheck.HasText(t, doc, "div.meeting .state", "completed")
	htmlcheck.HasText(t, doc, `ol.history li[data-action="meeting"]`, "confirmed → completed")
	analyst := ts.staffBrowser(t, analystName, analystPassword)
	htmlcheck.HasOne(t, analyst.get(t, "/staff/stats").doc(t), `section#stats-meetings tr[data-key="completed"]`)
	for _, r := range ts.storedRequests(t) {
		if strings.HasSuffix(caseURL, r.ID) && !r.DueAt.IsZero() {
			t.Errorf("a completed meeting keeps the case due at %v", r.DueAt)
		}
	}
}

// TestMeetingRescheduleRefused: a new window that ends before it starts is
// refused, with what was typed kept in that meeting's own form, not in the
// form that arranges another meeting.
func TestMeetingRescheduleRefused(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	caseURL := ts.newCase(t, requestForm())
	doc := postCase(t, olena, caseURL, "/meetings", url.Values{"start": {"2026-03-03T10:00"}, "end": {"2026-03-03T11:00"},
		"place": {"мост"}, "sign": {"повязка"}, "phrase": {"тихий дон"}}).doc(t)
	id := strings.TrimPrefix(attr(t, doc, "div.meeting", "id"), "meeting-")

	resp := olena.post(t, caseURL+"/meetings/"+id+"/window", url.Values{"start": {"2026-03-04T12:00"},
		"end": {"2026-03-04T11:00"}})
	if resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("a new window ending before it starts = %d, want 422", resp.status)
	}
	doc = resp.doc(t)
	htmlcheck.HasText(t, doc, "p.error", "Встреча должна заканчиваться позже")
	for field, want := range map[string]string{"start-" + id: "2026-03-04T12:00", "end-" + id: "2026-03-04T11:00",
		"meeting-start": "", "meeting-end": ""} {
		if got := attr(t, doc, "input#"+field, "value"); got != want {
			t.Errorf("after the refusal #%s shows %q, want %q", field, got, want)
		}
	}
	htmlcheck.HasText(t, doc, "div.meeting .window", "2026-03-03 10:00")
}
