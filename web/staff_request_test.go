package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"tropa"
	"tropa/internal/htmlcheck"
)

// inboxRows returns the inbox's rows, each as its class and its link.
func inboxRows(tb testing.TB, doc *html.Node) (classes, links []string) {
	tb.Helper()
	for _, row := range htmlcheck.MustQuery(tb, doc, "table.inbox tbody tr") {
		class, _ := htmlcheck.Attr(row, "class")
		classes = append(classes, class)
		href, _ := htmlcheck.Attr(htmlcheck.HasOne(tb, row, "a"), "href")
		links = append(links, href)
	}
	return classes, links
}

func TestStaffInboxOpenAndReply(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	applicant := ts.browser(loopback)
	contact, message := "signal: ivan.42", "Меня призвали, повестка на завтра. Что делать?"
	receipt := applicant.submit(t, requestForm("kind", "legal", "situation", "front", "contact", contact, "message", message))
	applicant.submit(t, requestForm("kind", "leave_unit", "situation", "absent", "message", "Я ушёл из части вчера."))

	staff := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	resp := staff.get(t, "/staff/inbox")
	if resp.status != http.StatusOK {
		t.Fatalf("GET /staff/inbox = %d, want 200", resp.status)
	}
	doc := resp.doc(t)
	classes, links := inboxRows(t, doc)
	// The later request is urgent (he is already absent) and comes first.
	if len(classes) != 2 || classes[0] != "urgent" || classes[1] != "" {
		t.Fatalf("inbox row classes = %q, want the urgent request first, then the other", classes)
	}
	htmlcheck.HasText(t, doc, "table.inbox tbody tr.urgent", "срочно")
	link := links[1]
	if !strings.HasPrefix(link, "/staff/requests/") {
		t.Fatalf("inbox link %q, want /staff/requests/{id}", link)
	}

	resp = staff.get(t, link)
	if resp.status != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200", link, resp.status)
	}
	doc = resp.doc(t)
	if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "dd.contact")); got != contact {
		t.Errorf("contact = %q, want %q", got, contact)
	}
	if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "li.message.applicant .body")); got != message {
		t.Errorf("message = %q, want %q", got, message)
	}
	action := attr(t, doc, "form#reply", "action")
	if action != link+"/reply" {
		t.Errorf("reply form action = %q, want %q", action, link+"/reply")
	}

	t.Run("empty reply is refused", func(t *testing.T) {
		resp := staff.postNoFollow(t, action, url.Values{"message": {""}})
		if resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("POST %s = %d, want 422", action, resp.status)
		}
		doc := resp.doc(t)
		htmlcheck.HasText(t, doc, "p.error", "Сообщение")
		htmlcheck.HasNone(t, doc, "li.message.staff")
	})

	t.Run("too long a reply is shown again as typed", func(t *testing.T) {
		long := strings.Repeat("ж", tropa.MaxMessageLen+1)
		resp := staff.postNoFollow(t, action, url.Values{"message": {long}})
		if resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("POST %s = %d, want 422", action, resp.status)
		}
		doc := resp.doc(t)
		htmlcheck.HasText(t, doc, "p.error", "10000")
		if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "form#reply textarea#message")); got != long {
			t.Errorf("reply box holds %d characters, want the %d typed", len([]rune(got)), len([]rune(long)))
		}
	})

	reply := "Здравствуйте. Не ходите в военкомат, напишите нам в Signal."
	resp = staff.postNoFollow(t, action, url.Values{"message": {reply}})
	wantRedirect(t, "POST "+action, resp, link+"?done=sent#reply")
	resp = staff.get(t, link+"?done=sent#reply")
	doc = resp.doc(t)
	htmlcheck.HasText(t, doc, "p.notice", "Ваш ответ отправлен")
	htmlcheck.HasText(t, doc, "li.message.staff .body", reply)
	htmlcheck.HasText(t, doc, "li.message.staff .from", caseworkerName)

	doc = staff.get(t, "/staff/inbox").doc(t)
	htmlcheck.HasText(t, doc, "table.inbox tbody tr", "есть ответ")

	resp = applicant.post(t, "/check", url.Values{"receipt": {receipt}})
	doc = resp.doc(t)
	htmlcheck.HasText(t, doc, "li.message.staff .body", reply)
	htmlcheck.HasText(t, doc, "li.message.staff .from", "Организация")
	if strings.Contains(resp.body, caseworkerName) {
		t.Errorf("the applicant's page names the staff member %q", caseworkerName)
	}

	// When he writes again, the inbox shows that he waits for an answer.
	applicant.post(t, "/check/reply", url.Values{"receipt": {receipt}, "message": {"Спасибо, а что потом?"}})
	for _, row := range htmlcheck.MustQuery(t, staff.get(t, "/staff/inbox").doc(t), "table.inbox tbody tr") {
		if href, _ := htmlcheck.Attr(htmlcheck.HasOne(t, row, "a"), "href"); href == link {
			htmlcheck.HasText(t, row, "td", "ждёт ответа")
		}
	}

	// The API shows the reply too, from the organization, naming no one.
	status, out := applicant.api(t, apiCall{method: "GET", path: "/api/v1/requests/self", receipt: receipt})
	msgs, _ := out["messages"].([]any)
	if status != http.StatusOK || len(msgs) != 3 {
		t.Fatalf("GET /api/v1/requests/self = %d with %d messages, want 200 with 3", status, len(msgs))
	}
	if m, _ := msgs[1].(map[string]any); m["from"] != "organization" || m["body"] != reply {
		t.Errorf("API reply = %v, want from organization with the reply", msgs[1])
	}
	if staffID := ts.staffID(t, caseworkerName); strings.Contains(fmt.Sprint(out), caseworkerName) ||
		strings.Contains(fmt.Sprint(out), staffID) {
		t.Errorf("API thread %v names the staff member", out)
	}
}

// An analyst works with statistics only: no inbox, no request.
func TestAnalystSeesNoCases(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.browser(loopback).submit(t, requestForm())
	staff := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	_, links := inboxRows(t, staff.get(t, "/staff/inbox").doc(t))
	if len(links) != 1 {
		t.Fatalf("caseworker's inbox has %d requests, want 1", len(links))
	}

	analyst := ts.staffBrowser(t, analystName, analystPassword)
	resp := analyst.get(t, "/staff/")
	if resp.status != http.StatusOK || resp.path != "/staff/stats" {
		t.Fatalf("GET /staff/ = %d at %s, want 200 at /staff/stats", resp.status, resp.path)
	}
	doc := resp.doc(t)
	htmlcheck.HasNone(t, doc, `a[href^="/staff/inbox"]`)
	htmlcheck.HasNone(t, doc, `a[href^="/staff/requests/"]`)
	htmlcheck.HasOne(t, doc, `form[action="/staff/logout"]`)

	for _, path := range []string{"/staff/inbox", links[0]} {
		resp := analyst.get(t, path)
		if resp.status != http.StatusForbidden {
			t.Errorf("GET %s as analyst = %d, want 403", path, resp.status)
			continue
		}
		doc := resp.doc(t)
		htmlcheck.HasText(t, doc, "p.error", "Ваша роль этого не позволяет")
		htmlcheck.HasNone(t, doc, ".message")
	}
	resp = analyst.postNoFollow(t, links[0]+"/reply", url.Values{"message": {"hello"}})
	if resp.status != http.StatusForbidden {
		t.Errorf("reply as analyst = %d, want 403", resp.status)
	}
}
