package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// formFields are the fields a browser would send from the form selected,
// before anyone types: every named input with its value, unchecked boxes
// left out.
func formFields(tb testing.TB, resp *response, form string) url.Values {
	tb.Helper()
	v := url.Values{}
	for _, in := range htmlcheck.MustQuery(tb, resp.doc(tb), form+" input") {
		name, _ := htmlcheck.Attr(in, "name")
		typ, _ := htmlcheck.Attr(in, "type")
		if _, checked := htmlcheck.Attr(in, "checked"); name == "" || (typ == "checkbox" && !checked) {
			continue
		}
		value, _ := htmlcheck.Attr(in, "value")
		v.Set(name, value)
	}
	return v
}

func retentionShown(tb testing.TB, resp *response) [3]string {
	tb.Helper()
	doc := resp.doc(tb)
	return [3]string{attr(tb, doc, "input#closed_after", "value"), attr(tb, doc, "input#contact_after", "value"),
		attr(tb, doc, "input#spam_after", "value")}
}

func TestSettingsRetention(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addMember(t, danaName, tropa.RoleAdmin, danaPassword)
	admin := ts.staffBrowser(t, danaName, danaPassword)

	page := admin.get(t, "/staff/settings")
	if got, want := retentionShown(t, page), [3]string{"180", "30", "7"}; got != want {
		t.Errorf("retention shown at first = %v, want the defaults %v", got, want)
	}
	form := formFields(t, page, "form.retention")
	form.Set("closed_after", " 90 ")
	form.Set("contact_after", "0")
	loc, resp := admin.postSeeOther(t, "/staff/settings/retention", form)
	if loc != "/staff/settings?done=retention#retention" {
		t.Errorf("saving leads to %q", loc)
	}
	htmlcheck.HasOne(t, resp.doc(t), "p.notice")
	if got, want := retentionShown(t, resp), [3]string{"90", "0", "7"}; got != want {
		t.Errorf("retention shown after saving = %v, want %v", got, want)
	}
	if got, _ := ts.desk.Retention(context.Background()); got != (tropa.Retention{ClosedAfter: 90, SpamAfter: 7}) {
		t.Errorf("policy saved = %+v", got)
	}

	t.Run("refused", func(t *testing.T) {
		fresh := formFields(t, admin.get(t, "/staff/settings"), "form.retention")
		tests := []struct {
			name, field, value string
			stale              bool
			status             int
			shown              [3]string
		}{
			{"negative", "spam_after", "-1", false, http.StatusUnprocessableEntity, [3]string{"90", "0", "-1"}},
			{"not a number", "closed_after", "half a year", false, http.StatusUnprocessableEntity, [3]string{"half a year", "0", "7"}},
			{"too long", "contact_after", "3651", false, http.StatusUnprocessableEntity, [3]string{"90", "3651", "7"}},
			// Another administrator's page from before the change above
			// would undo it: it is refused, and the page shows the policy
			// as it now is.
			{"stale page", "closed_after", "365", true, http.StatusConflict, [3]string{"90", "0", "7"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := url.Values{}
				for k, v := range fresh {
					f[k] = v
				}
				if tt.stale {
					f.Set("was", form.Get("was"))
				}
				f.Set(tt.field, tt.value)
				resp := admin.post(t, "/staff/settings/retention?lang=en", f)
				if resp.status != tt.status {
					t.Fatalf("status = %d, want %d", resp.status, tt.status)
				}
				text := htmlcheck.Text(htmlcheck.HasOne(t, resp.doc(t), "p.error"))
				if !tt.stale && !strings.Contains(text, "3650") {
					t.Errorf("error = %q, want one that gives the limit", text)
				}
				if got := retentionShown(t, resp); got != tt.shown {
					t.Errorf("shown = %v, want %v", got, tt.shown)
				}
			})
		}
		if got, _ := ts.desk.Retention(context.Background()); got != (tropa.Retention{ClosedAfter: 90, SpamAfter: 7}) {
			t.Errorf("after refused changes the policy is %+v", got)
		}
	})

	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	if resp := olena.post(t, "/staff/settings/retention", form); resp.status != http.StatusForbidden {
		t.Errorf("a caseworker changing the policy: %d, want 403", resp.status)
	}
}

// The applicant erases his contact details with his receipt, without
// JavaScript, after ticking a box that says what it means.
func TestReceiptEraseContact(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	applicant := ts.browser(loopback)
	receipt := applicant.submit(t, requestForm())
	page := applicant.post(t, "/check?lang=en", url.Values{"receipt": {receipt}})
	form := formFields(t, page, "form#erase-contact")
	if form.Get("receipt") != receipt || form.Get("lang") != "en" || form.Has("confirm") {
		t.Fatalf("erase form sends %v; want the receipt and the language, and the box unticked", form)
	}
	if action := attr(t, page.doc(t), "form#erase-contact", "action"); action != "/check/erase-contact" {
		t.Fatalf("erase form posts to %q", action)
	}
	erased := func() bool {
		r := ts.storedRequests(t)[0]
		return !r.ContactErasedAt.IsZero()
	}

	resp := applicant.post(t, "/check/erase-contact", form)
	if resp.status != http.StatusUnprocessableEntity || erased() {
		t.Fatalf("without the box ticked: status %d, erased %v; want 422 and kept", resp.status, erased())
	}
	htmlcheck.HasText(t, resp.doc(t), "p.error", "Tick the box")
	htmlcheck.HasOne(t, resp.doc(t), "form#erase-contact")

	wrong := url.Values{"receipt": {otherSecret(receipt)}, "confirm": {"yes"}, "lang": {"uk"}}
	resp = applicant.post(t, "/check/erase-contact", wrong)
	if resp.status != http.StatusNotFound || erased() {
		t.Fatalf("with a wrong receipt: status %d, erased %v; want 404 and kept", resp.status, erased())
	}
	htmlcheck.HasOne(t, resp.doc(t), "form input#receipt")

	form.Set("confirm", "yes")
	resp = applicant.post(t, "/check/erase-contact", form)
	if resp.status != http.StatusOK || !erased() {
		t.Fatalf("ticked: status %d, erased %v; want 200 and erased", resp.status, erased())
	}
	doc := resp.doc(t)
	htmlcheck.HasText(t, doc, "p.notice", "Your contact details have been erased")
	htmlcheck.HasText(t, doc, "#contact p.erased", "erased on")
	htmlcheck.HasNone(t, doc, "form#erase-contact")
	htmlcheck.HasOne(t, doc, "form#reply")

	staff := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	_, links := inboxRows(t, staff.get(t, "/staff/inbox").doc(t))
	doc = staff.get(t, links[0]+"?lang=en").doc(t)
	htmlcheck.HasText(t, doc, "dd.contact .erased", "erased on")
	htmlcheck.HasText(t, doc, "ol.history li[data-action=erase_contact]", "Applicant")
	htmlcheck.HasNone(t, doc, "form#contact")

	// Without contact details there is nothing to erase, and no form.
	without := ts.browser(loopback).submit(t, requestForm("contact", ""))
	htmlcheck.HasNone(t, applicant.post(t, "/check", url.Values{"receipt": {without}}).doc(t), "#contact")
}

// A staff member erases the contact details when the applicant asks.
func TestCaseEraseContact(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	caseURL := ts.newCase(t, requestForm())
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	htmlcheck.HasText(t, olena.get(t, caseURL).doc(t), "dd.contact", "signal: ivan.42")

	resp := olena.post(t, caseURL+"/erase-contact?lang=ru", url.Values{})
	if resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("without the box ticked: %d, want 422", resp.status)
	}
	htmlcheck.HasText(t, resp.doc(t), "p.error", "поставьте отметку")
	htmlcheck.HasText(t, resp.doc(t), "dd.contact", "signal: ivan.42")

	analyst := ts.staffBrowser(t, analystName, analystPassword)
	if resp := analyst.post(t, caseURL+"/erase-contact", url.Values{"confirm": {"yes"}}); resp.status != http.StatusForbidden {
		t.Errorf("an analyst erasing: %d, want 403", resp.status)
	}

	loc, resp := olena.postSeeOther(t, caseURL+"/erase-contact", url.Values{"confirm": {"yes"}})
	if loc != caseURL+"?done=erased#contact" {
		t.Errorf("erasing leads to %q", loc)
	}
	doc := resp.doc(t)
	htmlcheck.HasOne(t, doc, "p.notice")
	htmlcheck.HasOne(t, doc, "dd.contact .erased")
	if strings.Contains(resp.body, "ivan.42") {
		t.Error("the case page still shows the erased contact")
	}
	htmlcheck.HasText(t, doc, "ol.history li[data-action=erase_contact]", caseworkerName)
	htmlcheck.HasNone(t, doc, "form#contact")
}
