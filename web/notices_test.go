package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// catalogText is a message of a language's catalog of notices.
func catalogText(tb testing.TB, lang, id string) string {
	tb.Helper()
	b, err := os.ReadFile("../locale/locales/notify." + lang + ".json")
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatal(err)
	}
	return m[id]
}

// TestNoticesPage has a caseworker choose her notices on her account, get
// one in her language when an urgent request arrives, and find nothing of
// the request in it; admins see who gets none, and mail failing.
func TestNoticesPage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, adminName, tropa.RoleAdmin, false)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, false)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	adam := ts.staffBrowser(t, adminName, staffPassword)

	htmlcheck.HasOne(t, olena.get(t, "/staff/account").doc(t), `section#notices a[href="/staff/account/notices"]`)
	doc := olena.get(t, "/staff/account/notices").doc(t)
	htmlcheck.HasOne(t, doc, `form.notices input[name=event][value=new][checked]`)
	htmlcheck.HasNone(t, doc, `form.notices input[name=event][value=unowned]`)

	// A refused address is shown again as typed, with why.
	form := url.Values{"channel": {"mail"}, "address": {"Olena Petrenko <w7@example.org>"}, "event": {"new", "message"},
		"digest": {"4"}, "lead": {"12"}, "quiet_from": {""}, "quiet_to": {""}, "notice_lang": {"uk"}}
	resp := olena.postRaw(t, "/staff/account/notices", form.Encode(), false)
	if resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad address: %d, want 422", resp.status)
	}
	doc = resp.doc(t)
	htmlcheck.HasOne(t, doc, "p.error")
	if got := attr(t, doc, "input#address", "value"); got != "Olena Petrenko <w7@example.org>" {
		t.Errorf("the address shows %q, want what was typed", got)
	}
	for _, bad := range []url.Values{{"quiet_from": {"25:00"}, "quiet_to": {"07:00"}}, {"digest": {"soon"}},
		{"quiet_from": {"22:00"}}} {
		f := url.Values{"channel": {"mail"}, "address": {"w7@example.org"}, "event": {"new"}, "digest": {"4"},
			"lead": {"12"}, "notice_lang": {"uk"}}
		for k, v := range bad {
			f[k] = v
		}
		if resp := olena.postRaw(t, "/staff/account/notices", f.Encode(), false); resp.status != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d, want 422", bad, resp.status)
		}
	}
	form.Set("address", "w7@example.org")
	resp = olena.post(t, "/staff/account/notices", form)
	if resp.status != http.StatusOK || !strings.HasPrefix(resp.path, "/staff/account/notices?") {
		t.Fatalf("saving: %d at %s", resp.status, resp.path)
	}
	doc = resp.doc(t)
	htmlcheck.HasOne(t, doc, "p.notice")
	if got := attr(t, doc, "input#address", "value"); got != "w7@example.org" {
		t.Errorf("the saved address shows %q", got)
	}
	htmlcheck.HasOne(t, doc, `select#notice_lang option[value=uk][selected]`)

	// The coordinator, who chose nothing, gets nothing, and admins see it.
	people := adam.get(t, "/staff/people").doc(t)
	htmlcheck.HasOne(t, people, "tr#person-"+ts.staffID(t, coordinatorName)+" strong.gets-nothing")
	htmlcheck.HasNone(t, people, "tr#person-"+ts.staffID(t, caseworkerName)+" strong.gets-nothing")

	// An urgent request arrives: one notice, in Ukrainian, with a count
	// and a link and nothing of the request.
	ctx := context.Background()
	ts.newCase(t, requestForm("kind", "leave_unit", "situation", "absent", "contact", "signal: sokil.77",
		"message", "Пішов із частини вночі"))
	if err := ts.desk.NotifyOnce(ctx); err != nil {
		t.Fatalf("NotifyOnce: %v", err)
	}
	msgs := ts.mailbox.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d notices, want 1", len(msgs))
	}
	text, err := msgs[0].Text()
	if err != nil {
		t.Fatal(err)
	}
	subject := catalogText(t, "uk", "NoticeMailSubject")
	if !strings.Contains(text, "Subject: "+subject) || !strings.Contains(text, ": 1.") ||
		!strings.Contains(text, "https://staff.example.org/staff/inbox") {
		t.Errorf("the notice does not say one thing waits, in Ukrainian, with the link:\n%s", text)
	}
	ref := ts.storedRequests(t)[0].Ref
	for _, marker := range []string{"sokil", "Пішов", "leave_unit", "absent", ref, caseworkerName,
		catalogText(t, "uk", "Kind_leave_unit"), "Залишити частину", "Уже залишив"} {
		if marker != "" && strings.Contains(text, marker) {
			t.Errorf("the notice carries %q:\n%s", marker, text)
		}
	}

	// The mail server refuses: admins see since when and what kind of
	// failure, and Olena sees hers fail.
	htmlcheck.HasOne(t, olena.get(t, "/staff/account/notices").doc(t), "p.last-sent")
	ts.mailbox.SetFailing(true)
	ts.newCase(t, requestForm("kind", "surrender", "contact", "signal: second"))
	if err := ts.desk.NotifyOnce(ctx); err != nil {
		t.Fatalf("NotifyOnce: %v", err)
	}
	people = adam.get(t, "/staff/people").doc(t)
	htmlcheck.HasText(t, people, "p.notices-failing", "1")
	htmlcheck.HasOne(t, olena.get(t, "/staff/account/notices").doc(t), "p.notices-failing")
}

// FuzzNoticeForm posts arbitrary bytes to the notices form: the answer is
// the page again with why, or a redirect once saved, never a server error,
// and what is saved reads back within its bounds.
func FuzzNoticeForm(f *testing.F) {
	ts := newFuzzServer(f)
	b := ts.staffBrowser(f, caseworkerName, caseworkerPassword)
	olenaID := ts.staffID(f, caseworkerName)
	for _, seed := range []string{
		"channel=mail&address=w7%40example.org&event=new&event=due&digest=4&lead=12&quiet_from=22%3A00&quiet_to=07%3A00&notice_lang=ru",
		"channel=&address=&digest=1&lead=0&notice_lang=en",
		"channel=mail&address=%3Cw7%40example.org%3E&event=unowned&digest=168&lead=168&notice_lang=uk",
		"channel=pigeon&address=x&event=gossip&digest=-1&lead=99999999999999999999&quiet_from=24%3A60&notice_lang=de",
		"channel=mail&address=a%40b%0D%0ABcc%3A+c%40d&event=new&digest=+4+&lead=1e3&quiet_from=7%3A5&quiet_to=&notice_lang=ru",
		"event=new&event=new&event=message&digest=%00&lang=ru",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		resp := b.postRaw(t, "/staff/account/notices", string(body), false)
		switch resp.status {
		case http.StatusSeeOther:
			rec, err := ts.store.NoticeRecord(context.Background(), olenaID)
			if err != nil {
				t.Fatalf("MyNotices after %q: %v", body, err)
			}
			if rec.Digest < tropa.MinNoticeDigest || rec.Digest > tropa.MaxNoticeDigest || rec.Lead < 0 ||
				rec.Lead > tropa.MaxNoticeLead || rec.QuietStart < 0 || rec.QuietStart >= 24*60 ||
				strings.ContainsAny(rec.Address, "\r\n<>,") {
				t.Fatalf("%q saved %+v", body, rec.NoticePrefs)
			}
		case http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests:
			htmlcheck.HasOne(t, resp.doc(t), "p.error")
		default:
			t.Fatalf("POST %q = %d; body:\n%s", body, resp.status, resp.body)
		}
	})
}
