package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"tropa/internal/htmlcheck"
)

// Markup an applicant or a staff member types.
const (
	xssMessage = `<script>alert(1)</script>"><img src=x onerror=alert(1)>`
	xssContact = `</textarea><script>alert(2)</script><img src=x onerror=alert(2)>`
	xssReply   = `<script>alert(3)</script>"><img src=x onerror=alert(3)>`
)

func TestTypedMarkupIsShownAsText(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	applicant := ts.browser(loopback)

	t.Run("refused form", func(t *testing.T) {
		resp := applicant.post(t, "/", requestForm("kind", "", "message", xssMessage, "contact", xssContact))
		if resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("POST / = %d, want 422", resp.status)
		}
		doc := resp.doc(t)
		wantInert(t, doc)
		if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "textarea#message")); got != xssMessage {
			t.Errorf("textarea#message = %q, want %q", got, xssMessage)
		}
		if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "textarea#contact")); got != xssContact {
			t.Errorf("textarea#contact = %q, want %q", got, xssContact)
		}
	})

	receipt := applicant.submit(t, requestForm("message", xssMessage, "contact", xssContact))
	staff := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	doc := staff.get(t, "/staff/inbox").doc(t)
	wantInert(t, doc)
	_, links := inboxRows(t, doc)
	if len(links) != 1 {
		t.Fatalf("inbox has %d requests, want 1", len(links))
	}

	t.Run("staff request page", func(t *testing.T) {
		doc := staff.get(t, links[0]).doc(t)
		wantInert(t, doc)
		if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, ".message .body")); got != xssMessage {
			t.Errorf("message = %q, want %q", got, xssMessage)
		}
		if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "dd.contact")); got != xssContact {
			t.Errorf("contact = %q, want %q", got, xssContact)
		}
	})

	resp := staff.post(t, links[0]+"/reply", url.Values{"message": {xssReply}})
	if resp.status != http.StatusOK {
		t.Fatalf("staff reply = %d, want 200 after the redirect", resp.status)
	}
	wantInert(t, resp.doc(t))

	t.Run("applicant thread", func(t *testing.T) {
		doc := applicant.post(t, "/check", url.Values{"receipt": {receipt}}).doc(t)
		wantInert(t, doc)
		htmlcheck.HasText(t, doc, "li.message.applicant .body", xssMessage)
		htmlcheck.HasText(t, doc, "li.message.staff .body", xssReply)
	})

	t.Run("unsent draft", func(t *testing.T) {
		resp := applicant.post(t, "/check/reply", url.Values{"receipt": {otherSecret(receipt)}, "message": {xssContact}})
		doc := resp.doc(t)
		wantInert(t, doc)
		if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "textarea#message")); got != xssContact {
			t.Errorf("textarea#message = %q, want %q", got, xssContact)
		}
	})

	t.Run("typed receipt", func(t *testing.T) {
		typed := `"><script>alert(4)</script>`
		doc := applicant.post(t, "/check", url.Values{"receipt": {typed}}).doc(t)
		wantInert(t, doc)
		if got := attr(t, doc, "input#receipt", "value"); got != typed {
			t.Errorf("receipt field = %q, want %q", got, typed)
		}
	})
}
