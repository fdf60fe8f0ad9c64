package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"golang.org/x/net/html"

	"tropa/internal/htmlcheck"
)

// TestDemoTelegramChat plays the applicant's side of the simulated chat
// that tropa demo offers, as a newcomer would with the browser: from
// /start to the receipt, the page marked as a simulation throughout.
func TestDemoTelegramChat(t *testing.T) {
	s := startDemo(t)
	he := newClient(t)
	chatURL := s.url + "demo/telegram?lang=ru"
	page := he.get(chatURL)
	htmlcheck.HasText(t, page, "p.simulation", "Имитация")
	page = he.postForm(s.url+"demo/telegram?lang=ru", url.Values{"text": {"/start"}})
	press := func(page *html.Node, data string) *html.Node {
		t.Helper()
		for _, form := range htmlcheck.MustQuery(t, page, "ol.demo-chat form") {
			values := url.Values{}
			for _, in := range htmlcheck.MustQuery(t, form, "input") {
				name, _ := htmlcheck.Attr(in, "name")
				value, _ := htmlcheck.Attr(in, "value")
				values.Set(name, value)
			}
			if values.Get("data") == data {
				return he.postForm(s.url+"demo/telegram/press?lang=ru", values)
			}
		}
		t.Fatalf("no button %q in the chat:\n%s", data, htmlcheck.Text(page))
		return nil
	}
	page = press(page, "lang:ru")
	page = press(page, "kind:leave_country")
	page = press(page, "sit:abroad")
	page = he.postForm(s.url+"demo/telegram?lang=ru", url.Values{"text": {"Я уже в Казахстане, что дальше?"}})
	page = press(page, "done")
	page = press(page, "nocontact")
	page = press(page, "send")
	if text := htmlcheck.Text(page); !strings.Contains(text, "код квитанции") {
		t.Fatalf("the simulated chat gave no receipt:\n%s", text)
	}
	htmlcheck.HasText(t, page, "p.simulation", "Имитация")
	resp, err := he.c.PostForm(s.url+"demo/telegram?lang=ru", url.Values{"text": {"  "}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "Сначала напишите") {
		t.Errorf("an empty message: %d\n%s", resp.StatusCode, body)
	}
}

// TestDemoTelegramStaffLink links the simulated chat to a demo staff
// member's notices with the code from her notices page, as a newcomer
// trying the staff side of the bot would.
func TestDemoTelegramStaffLink(t *testing.T) {
	s := startDemo(t)
	name := demoStaff[0].name
	code, err := totp.GenerateCode(s.secrets[name], time.Now())
	if err != nil {
		t.Fatal(err)
	}
	staff := newClient(t)
	staff.postForm(s.url+"staff/login", url.Values{"name": {name}, "password": {demoPassword}, "code": {code}})
	page := staff.postForm(s.url+"staff/account/notices/telegram", nil)
	link := htmlcheck.Text(htmlcheck.HasOne(t, page, "code.link-code"))
	if href, _ := htmlcheck.Attr(htmlcheck.HasOne(t, page, "a.telegram-open"), "href"); !strings.HasSuffix(href, "?start=link-"+link) {
		t.Errorf("the t.me link is %q", href)
	}
	page = newClient(t).postForm(s.url+"demo/telegram?lang=ru", url.Values{"text": {"/link " + link}})
	if text := htmlcheck.Text(page); !strings.Contains(text, "уведомления службы помощи будут приходить в этот чат") {
		t.Fatalf("the simulated chat was not linked:\n%s", text)
	}
	htmlcheck.HasOne(t, staff.get(s.url+"staff/account/notices"), "p.telegram-linked")
}
