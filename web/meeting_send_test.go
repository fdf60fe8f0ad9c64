package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// TestMeetingSentToApplicant: a caseworker sends the applicant a meeting's
// time and code phrase in Russian; with his receipt he reads those two and
// not the place or the sign. Nothing ticked, an unknown language and a
// closed meeting are refused; the audit log names what went, not what it
// said.
func TestMeetingSentToApplicant(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, true)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	olena.header.Set("Accept-Language", "en")
	olena.post(t, "/staff/account/zone", url.Values{"zone": {"Europe/Moscow"}})
	applicant := ts.browser(loopback)
	receipt := applicant.submit(t, requestForm())
	caseURL := ts.newestCase(t)

	doc := postCase(t, olena, caseURL, "/meetings", url.Values{"start": {"2026-03-03T10:00"}, "end": {"2026-03-03T11:00"},
		"place": {"мост у вокзала"}, "sign": {"белая повязка"}, "phrase": {"тихий дон"}}).doc(t)
	id := strings.TrimPrefix(attr(t, doc, "div.meeting", "id"), "meeting-")
	send := caseURL + "/meetings/" + id + "/send"
	for _, box := range []string{"window", "phrase"} {
		if _, checked := htmlcheck.Attr(htmlcheck.HasOne(t, doc, `form.send input[value="`+box+`"]`), "checked"); !checked {
			t.Errorf("the %s box is not ticked at first", box)
		}
	}

	for name, form := range map[string]url.Values{
		"nothing ticked":   {"language": {"ru"}},
		"unknown language": {"language": {"de"}, "detail": {"window"}},
		"unknown detail":   {"language": {"ru"}, "detail": {"coordinates"}},
	} {
		resp := olena.post(t, send, form)
		if resp.status != http.StatusUnprocessableEntity {
			t.Errorf("%s = %d, want 422", name, resp.status)
			continue
		}
		htmlcheck.HasOne(t, resp.doc(t), "p.error")
	}

	doc = postCase(t, olena, caseURL, "/meetings/"+id+"/send", url.Values{"language": {"ru"}, "detail": {"window", "phrase"}}).doc(t)
	htmlcheck.HasText(t, doc, "li.message.staff .body", "Кодовая фраза: тихий дон")

	thread := applicant.post(t, "/check", url.Values{"receipt": {receipt}}).doc(t)
	body := htmlcheck.Text(htmlcheck.HasOne(t, thread, "li.message.staff .body"))
	for _, want := range []string{"Когда: 2026-03-03 10:00 MSK – 2026-03-03 11:00 MSK (Europe/Moscow)", "Кодовая фраза: тихий дон"} {
		if !strings.Contains(body, want) {
			t.Errorf("the applicant reads %q, want it to say %q", body, want)
		}
	}
	for _, secret := range []string{"мост у вокзала", "белая повязка", "Где:", "узнаете"} {
		if strings.Contains(body, secret) {
			t.Errorf("the applicant reads %q, which he was not sent", secret)
		}
	}

	postCase(t, olena, caseURL, "/meetings/"+id+"/state", url.Values{"state": {"cancelled"}, "reason": {"он передумал"}})
	if resp := olena.post(t, send, url.Values{"language": {"ru"}, "detail": {"place"}}); resp.status != http.StatusUnprocessableEntity {
		t.Errorf("sending a cancelled meeting = %d, want 422", resp.status)
	}

	audit := ts.staffBrowser(t, coordinatorName, staffPassword).get(t, "/staff/audit").doc(t)
	row := htmlcheck.HasOne(t, audit, `tr[data-action="meeting.sent"]`)
	if got := htmlcheck.Text(row); !strings.Contains(got, "window,phrase") || strings.Contains(got, "тихий") {
		t.Errorf("the audit line reads %q, want the details named and none of their content", got)
	}
}
