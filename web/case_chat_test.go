package web_test

import (
	"context"
	"database/sql"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"tropa"
	"tropa/desk"
	"tropa/internal/htmlcheck"
	"tropa/store"
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

// TestCaseShowsDelivery shows staff, under each reply, whether it reached
// the applicant's chat, waits for Telegram, or was refused because he
// blocked the bot.
func TestCaseShowsDelivery(t *testing.T) {
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
	// This server runs no bot: the reply waits for a node that does.
	staff.post(t, caseURL+"/reply", url.Values{"message": {"Мы на связи"}})
	htmlcheck.HasText(t, staff.get(t, caseURL).doc(t), "li.message p.delivery.pending", "Ещё не доставлено")

	// What the desk notes as the reply goes, as a desk that sends to
	// Telegram would.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(ts.where, store.DBFile)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for state, want := range map[tropa.Delivery]string{tropa.DeliveryPending: "Ещё не доставлено",
		tropa.DeliverySent: "Доставлено", tropa.DeliveryBlocked: "он заблокировал бота"} {
		if _, err := db.Exec(`UPDATE messages SET delivery = $1 WHERE author = 'staff'`, string(state)); err != nil {
			t.Fatal(err)
		}
		htmlcheck.HasText(t, staff.get(t, caseURL).doc(t), "li.message.staff p.delivery."+string(state), want)
	}
}
