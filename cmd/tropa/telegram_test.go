package main

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"tropa/internal/htmlcheck"
	"tropa/scrub/scrubtest"
	"tropa/telegram/botapi"
	"tropa/telegram/botapi/botapitest"
)

// chatOf is an applicant's side of a chat with the bot on a fake Bot API.
type chatOf struct {
	t   *testing.T
	api *botapitest.Server
	id  int64
}

// wait waits until the chat shows a message of the bot's, after the first
// after of them, for which ok holds, and returns it.
func (c chatOf) wait(after int, ok func(botapitest.Bubble) bool) botapitest.Bubble {
	c.t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		changed := c.api.Changed()
		seen := 0
		for _, b := range c.api.Chat(c.id) {
			if b.Bot {
				if seen++; seen > after && ok(b) {
					return b
				}
			}
		}
		select {
		case <-changed:
		case <-deadline:
			c.t.Fatalf("the bot did not answer as expected; the chat: %+v", c.api.Chat(c.id))
		}
	}
}

// bots is how many of the bot's messages the chat shows.
func (c chatOf) bots() int {
	n := 0
	for _, b := range c.api.Chat(c.id) {
		if b.Bot {
			n++
		}
	}
	return n
}

// says waits for a new message of the bot's that contains want.
func (c chatOf) says(after int, want string) botapitest.Bubble {
	c.t.Helper()
	return c.wait(after, func(b botapitest.Bubble) bool { return strings.Contains(b.Text, want) })
}

// press presses the button with data under the latest message that has it.
func (c chatOf) press(data string) {
	c.t.Helper()
	b := c.wait(0, func(b botapitest.Bubble) bool {
		for _, row := range b.Buttons {
			if slices.ContainsFunc(row, func(btn botapi.Button) bool { return btn.Data == data }) {
				return true
			}
		}
		return false
	})
	if _, err := c.api.Press(c.id, b.MessageID, data); err != nil {
		c.t.Fatal(err)
	}
}

// TestTelegramConversation is the whole of an applicant's conversation
// with the organization's bot, served by tropa serve over a fake Bot API:
// his request by questions and buttons, the receipt, a staff reply
// reaching his chat, a follow-up with a photo reaching the case, /status,
// /verify and /delete.
func TestTelegramConversation(t *testing.T) {
	dir, work := t.TempDir(), t.TempDir()
	const password = "caseworker password 3e1f in the chat"
	mustRun(t, "", "init", "--data", dir)
	enrolCode := enrolCodeIn(t, mustRun(t, password+"\n", "user", "add", "--data", dir, "--name", "olga", "--role",
		"caseworker", "--password-stdin"))
	key, draft, list := filepath.Join(work, "key"), filepath.Join(work, "draft.txt"), filepath.Join(work, "channels.txt")
	out := mustRun(t, "", "channels", "key", key)
	fingerprint := strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])
	if err := os.WriteFile(draft, []byte("organization: Группа помощи (демо)\ntelegram-bot: 7000000001 @tropa_demo_bot\n"+
		"web: https://help.example.org/\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "", "channels", "sign", "--key", key, "--out", list, draft)
	mustRun(t, "", "channels", "publish", "--data", dir, list)

	api := botapitest.New(t)
	// A webhook an earlier run set: polling must take it away first.
	if err := api.Client().SetWebhook(t.Context(), botapi.Webhook{URL: "https://help.example.org/telegram", Secret: "old"}); err != nil {
		t.Fatal(err)
	}
	token := filepath.Join(work, "token")
	if err := os.WriteFile(token, []byte(botapitest.Token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, dir, "--telegram-token-file", token, "--telegram-api", api.URL)
	chat := chatOf{t: t, api: api, id: 7123450042}
	const (
		message  = "Я в части под Белгородом, хочу уйти. Что делать?"
		reply    = "Мы на связи. Не пишите командиру, ждите звонка."
		followUp = "Вот повестка."
	)

	api.Text(chat.id, "/start")
	chat.press("lang:ru")
	chat.press("kind:leave_unit")
	chat.press("sit:front")
	n := chat.bots()
	api.Text(chat.id, message)
	chat.press("done")
	chat.press("nocontact")
	chat.press("send")
	receipt := chat.says(n, "квитанц")
	if !strings.Contains(receipt.Text, "https://help.example.org/") {
		t.Errorf("the receipt does not say it works on the web site: %q", receipt.Text)
	}
	for _, r := range api.Sent() {
		if r.MessageID == receipt.MessageID && !r.Protected {
			t.Error("the receipt was sent without protection from forwarding")
		}
	}

	staff := newClient(t)
	page, _ := staff.firstLogin(t, srv.url, "olga", password, enrolCode)
	link, _ := htmlcheck.Attr(htmlcheck.HasOne(t, page, "table.inbox td a"), "href")
	caseURL := srv.url + strings.TrimPrefix(link, "/")
	page = staff.get(caseURL)
	htmlcheck.HasText(t, page, ".message .body", message)
	if strings.Contains(htmlcheck.Text(page), "7123450042") {
		t.Error("the case page shows the chat's id")
	}
	n = chat.bots()
	staff.postForm(caseURL+"/reply", url.Values{"message": {reply}})
	if got := chat.says(n, reply); !strings.HasPrefix(got.Text, "Ответ организации:") {
		t.Errorf("the staff reply reads %q in his chat", got.Text)
	}

	n = chat.bots()
	api.Photo(chat.id, followUp, scrubtest.JPEG(t, 64, 48))
	chat.says(n, "Добавлено")
	page = staff.get(caseURL)
	htmlcheck.HasText(t, page, ".message .body", followUp)
	htmlcheck.HasOne(t, page, "ul.attachments a")

	n = chat.bots()
	api.Text(chat.id, "/status")
	chat.says(n, "Ваш запрос от")
	chat.says(n, "На ваше последнее сообщение ответа пока нет")

	n = chat.bots()
	api.Text(chat.id, "/verify")
	chat.says(n, fingerprint)

	n = chat.bots()
	api.Text(chat.id, "/delete")
	chat.press("delete:yes")
	chat.wait(0, func(botapitest.Bubble) bool {
		for _, b := range api.Chat(chat.id) {
			if b.MessageID == receipt.MessageID {
				return false
			}
		}
		return true
	})
	page = staff.get(caseURL)
	if found, _ := htmlcheck.Query(page, "dd.contact span.telegram"); len(found) > 0 {
		t.Error("after /delete the case still has his chat")
	}
	htmlcheck.HasOne(t, page, "dd.contact span.erased")
}
