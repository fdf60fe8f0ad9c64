package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// The organization's name and promise, set per language by an
// administrator, are what the applicant reads in his language; a language
// left empty reads the catalog's text. What is typed is shown as text,
// never as markup.
func TestOrgIdentityOnApplicantPages(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, adminName, tropa.RoleAdmin, false)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, false)
	admin := ts.staffBrowser(t, adminName, staffPassword)
	const enName, enPromise = `<b>Way</b> & "Home"`, "We answer within 6 hours, <i>even at night</i>."
	form := url.Values{"name_ru": {"  Дорога домой "}, "name_uk": {"Шлях додому"}, "name_en": {enName},
		"promise_en": {enPromise}}
	if resp := ts.staffBrowser(t, coordinatorName, staffPassword).post(t, "/staff/settings/identity", form); resp.status != http.StatusForbidden {
		t.Errorf("a coordinator sets the identity: %d, want 403", resp.status)
	}
	if path, _ := admin.postSeeOther(t, "/staff/settings/identity", form); !strings.HasPrefix(path, "/staff/settings") {
		t.Fatalf("saving the identity led to %s", path)
	}

	applicant := ts.browser(loopback)
	for _, tt := range []struct{ lang, name, promise string }{
		{"en", enName, enPromise},
		{"ru", "Дорога домой", "Обычно мы отвечаем в течение суток."},
		{"uk", "Шлях додому", "Зазвичай ми відповідаємо протягом доби."},
	} {
		doc := applicant.get(t, "/?lang="+tt.lang).doc(t)
		htmlcheck.HasText(t, doc, "title", tt.name)
		htmlcheck.HasText(t, doc, "header a.brand", tt.name)
		htmlcheck.HasText(t, doc, "span.promise", tt.promise)
		htmlcheck.HasNone(t, doc, "b, i")
		if strings.Contains(htmlcheck.Text(doc), "Tropa") || strings.Contains(htmlcheck.Text(doc), "Тропа") {
			t.Errorf("the %s form still names the product", tt.lang)
		}
	}
	receipt := applicant.submit(t, requestForm("lang", "en"))
	doc := applicant.post(t, "/check?lang=en", url.Values{"receipt": {receipt}}).doc(t)
	htmlcheck.HasText(t, doc, "span.promise", enPromise)
	htmlcheck.HasText(t, doc, "header a.brand", enName)

	for _, bad := range []url.Values{
		{"name_en": {strings.Repeat("я", tropa.MaxOrgNameLen+1)}},
		{"name_en": {"Way\nHome"}},
		{"promise_ru": {strings.Repeat("я", tropa.MaxPromiseLen+1)}},
		{"promise_uk": {"\u202eвідповімо"}},
	} {
		resp := admin.post(t, "/staff/settings/identity", bad)
		if resp.status != http.StatusUnprocessableEntity {
			t.Errorf("identity %q: %d, want 422", bad.Encode(), resp.status)
			continue
		}
		htmlcheck.HasOne(t, resp.doc(t), "p.error")
	}
	doc = admin.post(t, "/staff/settings/identity", url.Values{"name_en": {"Way\nHome"}}).doc(t)
	if got := attr(t, doc, "input#org-name-en", "value"); got != "Way\nHome" {
		t.Errorf("the refused form keeps the name as %q", got)
	}
}

// The longest identity allowed, in the characters that cost most to send,
// keeps the applicant's pages under their weight.
func TestOrgIdentityPageWeight(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, adminName, tropa.RoleAdmin, false)
	admin := ts.staffBrowser(t, adminName, staffPassword)
	form := url.Values{}
	for _, l := range []string{"ru", "uk", "en"} {
		form.Set("name_"+l, strings.Repeat("&", tropa.MaxOrgNameLen))
		form.Set("promise_"+l, strings.Repeat("&", tropa.MaxPromiseLen))
	}
	if path, _ := admin.postSeeOther(t, "/staff/settings/identity", form); !strings.HasPrefix(path, "/staff/settings") {
		t.Fatalf("saving the identity led to %s", path)
	}
	applicant := ts.browser(loopback)
	message := strings.Repeat("Меня ранили под Авдеевкой, лежу в госпитале в Ростове, паспорт забрал командир. ", 8)
	receiptResp := applicant.postRaw(t, "/", requestForm("message", message).Encode(), false)
	receipt := strings.Join(strings.Fields(htmlcheck.Text(htmlcheck.HasOne(t, receiptResp.doc(t), "p.receipt"))), " ")
	for name, resp := range map[string]*response{
		"form":    applicant.get(t, "/?lang=ru"),
		"receipt": receiptResp,
		"thread":  applicant.postRaw(t, "/check", url.Values{"receipt": {receipt}}.Encode(), false),
	} {
		if resp.status != http.StatusOK {
			t.Fatalf("%s: %d", name, resp.status)
		}
		if n := weigh(t, applicant, resp).total; n > maxPageBytes {
			t.Errorf("the %s costs %d bytes with the longest identity, more than %d", name, n, maxPageBytes)
		} else {
			t.Logf("%s: %d bytes with the longest identity", name, n)
		}
	}
}
