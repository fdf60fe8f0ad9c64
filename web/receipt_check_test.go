package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/internal/htmlcheck"
	"tropa/scrub/scrubtest"
	"tropa/seal"
	"tropa/web"
)

// otherSecret is receipt with the same lookup part and a different secret.
func otherSecret(receipt string) string {
	r, _ := seal.ParseReceipt(receipt)
	secret := []byte(r.Secret)
	last := len(secret) - 1
	secret[last] = '0' + (secret[last]-'0'+1)%10
	return seal.Receipt{Lookup: r.Lookup, Secret: string(secret)}.String()
}

// otherLookup is receipt with a different lookup part and the same secret.
func otherLookup(receipt string) string {
	r, _ := seal.ParseReceipt(receipt)
	lookup := []byte(r.Lookup)
	lookup[0] = '0' + (lookup[0]-'0'+1)%10
	return seal.Receipt{Lookup: string(lookup), Secret: r.Secret}.String()
}

// An unknown receipt and a known one with a wrong secret must read alike, so
// that a guesser learns nothing from the answer.
func TestReceiptCheckWrongReceipts(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	receipt := ts.browser(loopback).submit(t, requestForm())
	check := func(t *testing.T, typed string) (int, string) {
		t.Helper()
		resp := ts.browser(loopback).post(t, "/check", url.Values{"receipt": {typed}})
		doc := resp.doc(t)
		htmlcheck.HasNone(t, doc, ".message")
		// The receipt form comes back with what was typed, to correct it.
		if got := attr(t, doc, "form input#receipt", "value"); got != typed {
			t.Errorf("receipt field = %q, want %q", got, typed)
		}
		return resp.status, htmlcheck.Text(htmlcheck.HasOne(t, doc, "p.error"))
	}
	unknownStatus, unknownText := check(t, otherLookup(receipt))
	wrongStatus, wrongText := check(t, otherSecret(receipt))
	if unknownStatus != http.StatusNotFound || wrongStatus != unknownStatus {
		t.Errorf("status: unknown receipt %d, wrong secret %d; want both 404", unknownStatus, wrongStatus)
	}
	if wrongText != unknownText {
		t.Errorf("error: unknown receipt %q, wrong secret %q; want the same", unknownText, wrongText)
	}

	for _, typed := range []string{"", "1234", strings.Repeat("1", 29), "1234 5678 abcd 1234 5678 1234 5678"} {
		t.Run(fmt.Sprintf("malformed %q", typed), func(t *testing.T) {
			status, text := check(t, typed)
			if status != http.StatusUnprocessableEntity {
				t.Errorf("status = %d, want 422", status)
			}
			if text == unknownText || !strings.Contains(text, "35") {
				t.Errorf("error = %q, want one that says a receipt has 35 digits", text)
			}
		})
	}
}

// A reply that cannot be sent must not be lost: the receipt form comes back
// with the message in it, ready to send again.
func TestReceiptReplyFailureKeepsDraft(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	receipt := ts.browser(loopback).submit(t, requestForm())
	draft := "Они приехали за мной, что делать?"
	tests := []struct {
		name, receipt string
		wantStatus    int
	}{
		{"unknown receipt", otherLookup(receipt), http.StatusNotFound},
		{"wrong secret", otherSecret(receipt), http.StatusNotFound},
		{"malformed receipt", "1234 5678", http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.browser(loopback).post(t, "/check/reply", url.Values{"receipt": {tt.receipt}, "message": {draft}})
			if resp.status != tt.wantStatus {
				t.Fatalf("POST /check/reply = %d, want %d", resp.status, tt.wantStatus)
			}
			doc := resp.doc(t)
			htmlcheck.HasOne(t, doc, "p.error")
			if got := attr(t, doc, "form", "action"); got != "/check/reply" {
				t.Errorf("form action = %q, want /check/reply, so that sending again sends the message", got)
			}
			if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "form textarea#message")); got != draft {
				t.Errorf("textarea#message = %q, want the unsent message %q", got, draft)
			}
		})
	}
	t.Run("empty message", func(t *testing.T) {
		resp := ts.browser(loopback).post(t, "/check/reply", url.Values{"receipt": {receipt}, "message": {""}})
		if resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("POST /check/reply = %d, want 422", resp.status)
		}
		doc := resp.doc(t)
		htmlcheck.HasText(t, doc, "p.error", "Сообщение")
		if n := count(t, doc, "li.message"); n != 1 {
			t.Errorf("messages = %d, want the thread with its 1 message", n)
		}
	})
	if got := len(ts.storedRequests(t)); got != 1 {
		t.Errorf("stored requests = %d, want 1", got)
	}
}

// Receipt guesses from one network are limited; another network is not
// held back by them.
func TestReceiptCheckRateLimit(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	guess := func(remote, lang string, i int) *response {
		b := ts.browser(remote)
		if lang != "" {
			b.header.Set("Accept-Language", lang)
		}
		return b.post(t, "/check", url.Values{"receipt": {fmt.Sprintf("%028d", i)}})
	}
	for i := range 10 {
		if resp := guess(remoteAddr, "", i); resp.status != http.StatusNotFound {
			t.Fatalf("guess %d = %d, want 404", i+1, resp.status)
		}
	}
	tests := []struct {
		name, remote, lang string
		wantStatus         int
		wantError          string
	}{
		{"11th guess", remoteAddr, "", http.StatusTooManyRequests, "Слишком много попыток"},
		{"12th guess in English", remoteAddr, "en", http.StatusTooManyRequests, "Too many attempts"},
		{"same /24 network", "203.0.113.200:5555", "", http.StatusTooManyRequests, "Слишком много попыток"},
		{"another network", otherRemote, "", http.StatusNotFound, "По этому коду квитанции не найдено"},
		{"loopback", loopback, "", http.StatusNotFound, "По этому коду квитанции не найдено"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := guess(tt.remote, tt.lang, 100+i)
			if resp.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", resp.status, tt.wantStatus)
			}
			htmlcheck.HasText(t, resp.doc(t), "p.error", tt.wantError)
		})
	}
	// The limit passes with time.
	ts.clock.Advance(time.Minute)
	if resp := guess(remoteAddr, "", 200); resp.status != http.StatusNotFound {
		t.Errorf("guess a minute later = %d, want 404", resp.status)
	}
}

// The thread says when no one has answered yet, however often the applicant
// has written, and stops saying it once someone has.
func TestThreadSaysWhenNoReplyYet(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	applicant := ts.browser(loopback)
	receipt := applicant.submit(t, requestForm())
	const noReply = "Ответа пока нет"
	hasHint := func(t *testing.T) bool {
		t.Helper()
		for _, n := range htmlcheck.MustQuery(t, applicant.post(t, "/check", url.Values{"receipt": {receipt}}).doc(t), "p.hint") {
			if strings.Contains(htmlcheck.Text(n), noReply) {
				return true
			}
		}
		return false
	}
	if !hasHint(t) {
		t.Errorf("first visit: no %q, want it", noReply)
	}
	applicant.post(t, "/check/reply", url.Values{"receipt": {receipt}, "message": {"Вы получили моё сообщение?"}})
	if !hasHint(t) {
		t.Errorf("after the applicant wrote again (2 messages, none from the organization): no %q, want it", noReply)
	}
	staff := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	_, links := inboxRows(t, staff.get(t, "/staff/inbox").doc(t))
	staff.post(t, links[0]+"/reply", url.Values{"message": {"Получили, ответим сегодня."}})
	if hasHint(t) {
		t.Errorf("after a reply: %q still shown", noReply)
	}
}

// A reply whose photos are refused shows the request again with the reply
// as typed, answered with the status that says why: too large is 413, no
// memory for photos now is 503 with when to come back.
func TestReplyPhotosRefusedStatus(t *testing.T) {
	t.Parallel()
	jpg := scrubtest.JPEG(t, 8, 8)
	tests := []struct {
		name           string
		photoMemory    int64
		photo          []byte
		wantStatus     int
		wantRetryAfter string
	}{
		{"too large", 0, append(slices.Clip(jpg), make([]byte, tropa.MaxAttachmentSize)...), http.StatusRequestEntityTooLarge, ""},
		{"no memory for photos", 1, jpg, http.StatusServiceUnavailable, "180"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t, func(c *web.Config) { c.PhotoMemory = tt.photoMemory })
			b := ts.browser(loopback)
			receipt := b.submit(t, requestForm())
			resp := b.postPhotos(t, "/check/reply", url.Values{"receipt": {receipt}, "message": {"Вот повестка"}}, photo{"повестка.jpg", tt.photo})
			if resp.status != tt.wantStatus {
				t.Errorf("reply = %d, want %d", resp.status, tt.wantStatus)
			}
			if got := resp.header.Get("Retry-After"); got != tt.wantRetryAfter {
				t.Errorf("Retry-After = %q, want %q", got, tt.wantRetryAfter)
			}
			doc := resp.doc(t)
			htmlcheck.HasText(t, doc, "p.error", "Ваш текст сохранён")
			if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "form#reply textarea")); got != "Вот повестка" {
				t.Errorf("reply shown again = %q", got)
			}
		})
	}
}

// typoInGroup is receipt with one digit of its group-th group (1-based)
// changed, as a man copying it under stress might.
func typoInGroup(receipt string, group int) string {
	groups := strings.Fields(receipt)
	g := []byte(groups[group-1])
	g[1] = '0' + (g[1]-'0'+3)%10
	groups[group-1] = string(g)
	return strings.Join(groups, " ")
}

// withoutCheckDigits is receipt as the 28 digits that receipts issued before
// check digits were.
func withoutCheckDigits(receipt string) string {
	var b strings.Builder
	for _, g := range strings.Fields(receipt) {
		b.WriteString(g[:4])
	}
	return b.String()
}

// A typo is told apart from an unknown code and names the group to check,
// in the applicant's language, while the message he was sending stays in
// the form and nothing is stored; a code issued before check digits still
// opens.
func TestReceiptTypoNamesItsGroup(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	receipt := ts.browser(loopback).submit(t, requestForm())
	draft := "Меня ищут, ответьте пожалуйста"
	swapped, swappedGroup := swapNeighbours(receipt)
	tests := []struct {
		name, lang, typed, want string
		group                   int
	}{
		{"Russian, group 3", "", typoInGroup(receipt, 3), "в группе 3", 3},
		{"Ukrainian, group 7", "uk", typoInGroup(receipt, 7), "в групі 7", 7},
		{"English, neighbours swapped", "en", swapped, fmt.Sprintf("group %d ", swappedGroup), swappedGroup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"receipt": {tt.typed}, "message": {draft}}
			if tt.lang != "" {
				form.Set("lang", tt.lang)
			}
			resp := ts.browser(loopback).post(t, "/check/reply", form)
			if resp.status != http.StatusUnprocessableEntity {
				t.Fatalf("POST /check/reply with a typo = %d, want 422 (an unknown code is 404)", resp.status)
			}
			doc := resp.doc(t)
			text := htmlcheck.Text(htmlcheck.HasOne(t, doc, "p.error"))
			typedGroup := strings.Fields(tt.typed)[tt.group-1]
			if !strings.Contains(text, tt.want) || !strings.Contains(text, typedGroup) {
				t.Errorf("error = %q, want it to name %q and its digits %s", text, tt.want, typedGroup)
			}
			if got := attr(t, doc, "form input#receipt", "value"); got != tt.typed {
				t.Errorf("receipt field = %q, want what was typed, %q", got, tt.typed)
			}
			if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "form textarea#message")); got != draft {
				t.Errorf("textarea#message = %q, want the unsent message", got)
			}
		})
	}
	old := ts.browser(loopback).post(t, "/check", url.Values{"receipt": {withoutCheckDigits(receipt)}})
	if old.status != http.StatusOK {
		t.Fatalf("POST /check with the 28 digits of a code issued before = %d, want 200", old.status)
	}
	if n := count(t, old.doc(t), "li.message"); n != 1 {
		t.Errorf("messages = %d, want the request's 1 (nothing of the typos stored)", n)
	}
}

// swapNeighbours is receipt with the first two unequal neighbouring digits
// of a group swapped, and the group's number.
func swapNeighbours(receipt string) (string, int) {
	groups := strings.Fields(receipt)
	for n, g := range groups {
		for i := 0; i+1 < len(g); i++ {
			if g[i] != g[i+1] {
				b := []byte(g)
				b[i], b[i+1] = b[i+1], b[i]
				groups[n] = string(b)
				return strings.Join(groups, " "), n + 1
			}
		}
	}
	panic("a receipt of one repeated digit")
}
