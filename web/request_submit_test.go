package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"tropa"
	"tropa/internal/htmlcheck"
	"tropa/scrub/scrubtest"
)

func TestRequestFormLanguages(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct {
		name, path, acceptLanguage string
		wantLang, wantTitle        string
	}{
		{"Russian without Accept-Language", "/", "", "ru", "Попросить о помощи"},
		{"English from Accept-Language", "/", "en-GB,en;q=0.9", "en", "Ask for help"},
		{"Ukrainian from Accept-Language", "/", "uk-UA", "uk", "Попросити про допомогу"},
		{"Ukrainian chosen with ?lang", "/?lang=uk", "en", "uk", "Попросити про допомогу"},
		{"unknown language falls back to Russian", "/", "de-DE", "ru", "Попросить о помощи"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.getPage(t, tt.path, tt.acceptLanguage, http.StatusOK)
			doc := resp.doc(t)
			htmlcheck.HasOne(t, doc, "html[lang="+tt.wantLang+"]")
			htmlcheck.HasText(t, doc, "h1", tt.wantTitle)
			htmlcheck.HasOne(t, doc, "form[method=post]")
			if n := count(t, doc, "form input[type=radio][name=kind]"); n != len(tropa.Kinds) {
				t.Errorf("kind radios = %d, want %d", n, len(tropa.Kinds))
			}
			if n := count(t, doc, "form input[type=radio][name=situation]"); n != len(tropa.Situations) {
				t.Errorf("situation radios = %d, want %d", n, len(tropa.Situations))
			}
			htmlcheck.HasOne(t, doc, "form textarea#message[name=message]")
			htmlcheck.HasNone(t, doc, "script")
			if c := resp.header.Values("Set-Cookie"); len(c) > 0 {
				t.Errorf("Set-Cookie = %q, want none", c)
			}
		})
	}
}

// The applicant site must leave nothing on his phone: no cookie, whatever
// he does, and no script.
func TestApplicantRoutesSetNoCookie(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	receipt := ts.browser(loopback).submit(t, requestForm())
	tests := []struct {
		name, method, path, body string
	}{
		{"request form", "GET", "/", ""},
		{"request form in English", "GET", "/?lang=en", ""},
		{"submitted request", "POST", "/", requestForm().Encode()},
		{"refused request", "POST", "/", requestForm("kind", "").Encode()},
		{"receipt form", "GET", "/check", ""},
		{"receipt check", "POST", "/check", "receipt=" + url.QueryEscape(receipt)},
		{"unknown receipt", "POST", "/check", "receipt=" + strings.Repeat("1", 28)},
		{"reply", "POST", "/check/reply", "receipt=" + url.QueryEscape(receipt) + "&message=again"},
		{"missing page", "GET", "/nothing-here", ""},
		{"stylesheet", "GET", "/static/style.css", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := ts.browser(loopback)
			var resp *response
			if tt.method == "GET" {
				resp = b.get(t, tt.path)
			} else {
				resp = b.postRaw(t, tt.path, tt.body, true)
			}
			if resp.status >= 500 {
				t.Fatalf("%s %s = %d", tt.method, tt.path, resp.status)
			}
			if c := resp.header.Values("Set-Cookie"); len(c) > 0 {
				t.Errorf("%s %s sets cookies %q, want none", tt.method, tt.path, c)
			}
			if strings.HasPrefix(resp.header.Get("Content-Type"), "text/html") {
				htmlcheck.HasNone(t, resp.doc(t), "script")
			}
		})
	}
}

var receiptPattern = regexp.MustCompile(`^[0-9]{5}( [0-9]{5}){6}$`)

func TestSubmitCheckAndReply(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.browser(loopback)
	message := "Меня призвали, повестка на завтра. Что делать?"
	resp := b.post(t, "/", requestForm("message", message))
	if resp.status != http.StatusOK {
		t.Fatalf("POST / = %d, want 200; body:\n%s", resp.status, resp.body)
	}
	doc := resp.doc(t)
	receipt := htmlcheck.Text(htmlcheck.HasOne(t, doc, "p.receipt"))
	if !receiptPattern.MatchString(receipt) {
		t.Fatalf("receipt %q, want 7 groups of 4 digits", receipt)
	}
	if n := count(t, doc, "p.receipt span"); n != 7 {
		t.Errorf("receipt groups = %d, want 7", n)
	}
	// The page that shows the receipt once has no link that would leave it,
	// for the same page in another language or for the official channels.
	htmlcheck.HasNone(t, doc, "nav.langs")
	htmlcheck.HasNone(t, doc, "footer a")
	if got := len(ts.storedRequests(t)); got != 1 {
		t.Fatalf("stored requests = %d, want 1", got)
	}

	typings := []struct{ name, receipt string }{
		{"as shown", receipt},
		{"with dashes", strings.ReplaceAll(receipt, " ", "-")},
		{"without separators", strings.ReplaceAll(receipt, " ", "")},
		{"with dots and spaces around", "  " + strings.ReplaceAll(receipt, " ", ".") + " "},
	}
	for _, tt := range typings {
		t.Run("check "+tt.name, func(t *testing.T) {
			resp := b.post(t, "/check", url.Values{"receipt": {tt.receipt}})
			if resp.status != http.StatusOK {
				t.Fatalf("POST /check = %d, want 200; body:\n%s", resp.status, resp.body)
			}
			doc := resp.doc(t)
			htmlcheck.HasText(t, doc, ".message .body", message)
			if n := count(t, doc, "li.message"); n != 1 {
				t.Errorf("messages = %d, want 1", n)
			}
			htmlcheck.HasNone(t, doc, "p.error")
		})
	}

	resp = b.post(t, "/check/reply", url.Values{
		"receipt": {strings.ReplaceAll(receipt, " ", "-")}, "message": {"Забыл сказать: я в Белгороде."}})
	if resp.status != http.StatusOK {
		t.Fatalf("POST /check/reply = %d, want 200; body:\n%s", resp.status, resp.body)
	}
	doc = resp.doc(t)
	htmlcheck.HasText(t, doc, "p.notice", "Ваше сообщение отправлено")
	if n := count(t, doc, "li.message.applicant"); n != 2 {
		t.Errorf("messages after reply = %d, want 2", n)
	}
	htmlcheck.HasText(t, doc, ".message .body", "Забыл сказать")
	// The reply box is empty again, ready for the next message.
	if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "textarea#message")); got != "" {
		t.Errorf("reply box after sending holds %q, want it empty", got)
	}

	resp = b.post(t, "/check", url.Values{"receipt": {receipt}})
	if n := count(t, resp.doc(t), "li.message"); n != 2 {
		t.Errorf("messages on a later visit = %d, want 2", n)
	}
}

func TestSubmitKeepsLanguage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.browser(loopback)
	// The form chosen in Ukrainian carries the choice in a hidden field.
	doc := b.get(t, "/?lang=uk").doc(t)
	if got := attr(t, doc, "form.request input[type=hidden][name=lang]", "value"); got != "uk" {
		t.Fatalf("hidden lang = %q, want uk", got)
	}
	resp := b.post(t, "/", requestForm("lang", "uk"))
	if resp.status != http.StatusOK {
		t.Fatalf("POST / = %d, want 200", resp.status)
	}
	htmlcheck.HasOne(t, resp.doc(t), "html[lang=uk]")
}

func TestNotFoundPage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct{ name, path, acceptLanguage, wantLang, wantError string }{
		{"Russian", "/no/such/page", "", "ru", "Здесь ничего нет"},
		{"English", "/no/such/page", "en", "en", "There is nothing here"},
		{"Ukrainian from ?lang", "/no/such/page?lang=uk", "en", "uk", "Тут нічого немає"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := ts.getPage(t, tt.path, tt.acceptLanguage, http.StatusNotFound).doc(t)
			htmlcheck.HasOne(t, doc, "html[lang="+tt.wantLang+"]")
			htmlcheck.HasText(t, doc, "p.error", tt.wantError)
			if href := attr(t, doc, "main a", "href"); !strings.HasPrefix(href, "/") {
				t.Errorf("link back = %q, want one to the start", href)
			}
		})
	}
}

// A photo refused, a wrong file chosen, costs the applicant none of his
// network's five tries a minute: his sixth form in the minute, sent with
// the right file, is taken.
func TestRefusedPhotoKeepsTries(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.browser(remoteAddr)
	wrong := photo{"повестка.pdf", []byte("%PDF-1.7 not a photo")}
	for i := range 5 {
		if resp := b.postPhotos(t, "/", requestForm(), wrong); resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("form %d with a wrong file = %d, want 422", i+1, resp.status)
		}
	}
	resp := b.postPhotos(t, "/", requestForm(), photo{"повестка.jpg", scrubtest.JPEG(t, 8, 8)})
	if count(t, resp.doc(t), "p.receipt") != 1 {
		t.Errorf("the sixth form, with a photo = %d, want a receipt", resp.status)
	}
}

// Sizes are written as people write them: МБ in Russian and Ukrainian.
func TestPhotoSizeUnits(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for lang, want := range map[string]string{"ru": "не больше 4 МБ", "uk": "не більше 4 МБ", "en": "at most 4 MiB"} {
		htmlcheck.HasText(t, ts.browser(loopback).get(t, "/?lang="+lang).doc(t), "form.request p.hint", want)
	}
}

// A frightened man on a phone sees where to start at once: below the
// heading only one line and the way back for those who have a receipt,
// then the first question; who reads what he writes, and how it is kept,
// is one tap away in a details element, which opens without JavaScript.
func TestRequestFormStartsAtOnce(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, lang := range []string{"ru", "uk", "en"} {
		t.Run(lang, func(t *testing.T) {
			doc := ts.getPage(t, "/?lang="+lang, "", http.StatusOK).doc(t)
			var order []string
			for n := htmlcheck.HasOne(t, doc, "main").FirstChild; n != nil; n = n.NextSibling {
				if n.Type == html.ElementNode {
					order = append(order, n.Data)
				}
			}
			if want := []string{"h1", "p", "details", "form"}; !slices.Equal(order, want) {
				t.Errorf("the form page's parts = %q, want %q: one line before the explanation, folded, then the form", order, want)
			}
			htmlcheck.HasOne(t, doc, "main > p.lead a[href^='/check']")
			if summary := htmlcheck.Text(htmlcheck.HasOne(t, doc, "details.explain > summary")); summary == "" {
				t.Error("the folded explanation has no summary to tap")
			}
			if n := count(t, doc, "details.explain > p"); n != 3 {
				t.Errorf("paragraphs of explanation under the fold = %d, want 3", n)
			}
			htmlcheck.HasNone(t, doc, "details[open]")
		})
	}
}
