package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tropa/internal/htmlcheck"
	"tropa/telegram/botapi/botapitest"
)

// TestTelegramStaffNotices has a caseworker link her own Telegram chat to
// her notices, served by tropa serve over a fake Bot API: a code from her
// account page, sent to the bot by the page's t.me link; an applicant's
// new request then brings a notice to her chat that tells nothing of it.
func TestTelegramStaffNotices(t *testing.T) {
	dir, work := t.TempDir(), t.TempDir()
	const password = "caseworker password 5d2c for her notices"
	mustRun(t, "", "init", "--data", dir)
	enrolCode := enrolCodeIn(t, mustRun(t, password+"\n", "user", "add", "--data", dir, "--name", "olga", "--role",
		"caseworker", "--password-stdin"))
	key, draft, list := filepath.Join(work, "key"), filepath.Join(work, "draft.txt"), filepath.Join(work, "channels.txt")
	mustRun(t, "", "channels", "key", key)
	if err := os.WriteFile(draft, []byte("organization: Группа помощи (демо)\ntelegram-bot: 7000000001 @tropa_demo_bot\n"),
		0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "", "channels", "sign", "--key", key, "--out", list, draft)
	mustRun(t, "", "channels", "publish", "--data", dir, list)

	api := botapitest.New(t)
	token := filepath.Join(work, "token")
	if err := os.WriteFile(token, []byte(botapitest.Token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	flags := []string{"--telegram-token-file", token, "--telegram-api", api.URL, "--staff-url", "https://staff.example.org/"}
	srv := startServer(t, dir, flags...)

	staff := newClient(t)
	staff.firstLogin(t, srv.url, "olga", password, enrolCode)
	page := staff.postForm(srv.url+"staff/account/notices/telegram", nil)
	code := htmlcheck.Text(htmlcheck.HasOne(t, page, "code.link-code"))
	deepLink, _ := htmlcheck.Attr(htmlcheck.HasOne(t, page, "a.telegram-open"), "href")
	payload, ok := strings.CutPrefix(deepLink, "https://t.me/tropa_demo_bot?start=")
	if !ok || payload != "link-"+code {
		t.Fatalf("the t.me link is %q, for the code %q", deepLink, code)
	}

	// Telegram turns the link into /start with its payload.
	chat := chatOf{t: t, api: api, id: 7123450077}
	api.Text(chat.id, "/start "+payload)
	chat.says(0, "уведомления службы помощи будут приходить в этот чат")
	// Her message with the code is deleted once it is answered.
	chat.wait(0, func(botapitest.Bubble) bool {
		for _, b := range api.Chat(chat.id) {
			if strings.Contains(b.Text, code) {
				return false
			}
		}
		return true
	})
	htmlcheck.HasOne(t, staff.get(srv.url+"staff/account/notices"), "p.telegram-linked")

	const message = "marker-5e0b Я в части под Белгородом, хочу уйти."
	if receipt, err := submitAPI(&http.Client{}, srv.url, message); err != nil || receipt == "" {
		t.Fatalf("submit: %q, %v", receipt, err)
	}
	// Notices are looked over when the server starts, and every minute.
	out := srv.stop(t)
	n := chat.bots()
	srv = startServer(t, dir, flags...)
	notice := chat.says(n, "Вы нужны в tropa. Ждут вас: 1.")
	if !strings.Contains(notice.Text, "https://staff.example.org/staff/inbox") || strings.Contains(notice.Text, "marker") {
		t.Errorf("the notice in her chat reads %q", notice.Text)
	}
	out = append(out, srv.stop(t)...)
	for _, secret := range []string{"7123450077", code, "marker-5e0b"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("the server's log holds %q", secret)
		}
	}
}
