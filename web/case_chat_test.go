package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"tropa"
	"tropa/desk"
	"tropa/internal/htmlcheck"
)

// TestCaseShowsTelegram: a request made in a Telegram chat, with no other
// contact, shows staff that he writes by Telegram, never the chat's id,
// and staff may erase that way back to him as they erase a contact.
func TestCaseShowsTelegram(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	c, err := desk.Check(tropa.Submission{Kind: tropa.KindLeaveUnit, Situation: tropa.SituationFront, Message: "Из чата"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.desk.SubmitChat(context.Background(), 7123456789, c); err != nil {
		t.Fatalf("SubmitChat: %v", err)
	}
	caseURL := ts.newestCase(t)
	staff := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	page := staff.get(t, caseURL)
	doc := page.doc(t)
	htmlcheck.HasText(t, doc, "dd.contact .telegram", "Пишет через Telegram")
	if text := htmlcheck.Text(htmlcheck.HasOne(t, doc, "dd.contact")); strings.Contains(text, "не указан") {
		t.Errorf("contact reads %q: a chat is a way to reach him", text)
	}
	if strings.Contains(page.body, "7123456789") {
		t.Error("the case page shows the chat's id")
	}
	htmlcheck.HasOne(t, doc, "form#contact")

	staff.post(t, caseURL+"/erase-contact", url.Values{"confirm": {"yes"}})
	doc = staff.get(t, caseURL).doc(t)
	htmlcheck.HasNone(t, doc, "dd.contact .telegram")
	htmlcheck.HasNone(t, doc, "form#contact")
}
