package telegram_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"tropa"
	"tropa/telegram"
	"tropa/telegram/botapi"
	"tropa/telegram/botapi/botapitest"
)

// botOverAPI runs a Bot for desk over a fake Bot API, long polling it,
// until the test ends.
func botOverAPI(t *testing.T, desk telegram.Desk) (*botapitest.Server, *telegram.Bot) {
	t.Helper()
	api := botapitest.New(t)
	conv := telegram.New(telegram.Config{Desk: desk, Words: words(t), SiteURL: testSite})
	send := botapi.NewSender(api.Client(), botapi.Limits{PerChat: rate.Inf, Overall: rate.Inf})
	bot := telegram.NewBot(conv, api.Client(), send, telegram.NewChats(time.Now), &deliveries{},
		slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		botapi.Listener{Client: api.Client(), Handle: bot.Handle, Timeout: time.Second}.Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return api, bot
}

// deliveries are the update ids the nodes took, as the desk keeps them;
// with err, the database is out of reach.
type deliveries struct {
	mu   sync.Mutex
	seen map[int64]bool
	err  error
}

func (d *deliveries) FirstDelivery(_ context.Context, id int64) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err != nil {
		return false, d.err
	}
	if d.seen == nil {
		d.seen = map[int64]bool{}
	}
	first := !d.seen[id]
	d.seen[id] = true
	return first, nil
}

// waitBubble waits until the chat shows a message of the bot's for which
// ok holds, after the first after of them, and returns it.
func waitBubble(t *testing.T, api *botapitest.Server, chat int64, after int, ok func(botapitest.Bubble) bool) botapitest.Bubble {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		changed := api.Changed()
		seen := 0
		for _, b := range api.Chat(chat) {
			if !b.Bot {
				continue
			}
			if seen++; seen > after && ok(b) {
				return b
			}
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("the bot did not answer as expected; the chat: %+v", api.Chat(chat))
		}
	}
}

func hasButton(data string) func(botapitest.Bubble) bool {
	return func(b botapitest.Bubble) bool {
		for _, row := range b.Buttons {
			if slices.ContainsFunc(row, func(btn botapi.Button) bool { return btn.Data == data }) {
				return true
			}
		}
		return false
	}
}

func botMessages(api *botapitest.Server, chat int64) int {
	n := 0
	for _, b := range api.Chat(chat) {
		if b.Bot {
			n++
		}
	}
	return n
}

// An applicant's request over the Bot API, from /start to the receipt,
// which is sent protected from forwarding; a second delivery of an update
// and a group's message get no answer.
func TestBotOverBotAPI(t *testing.T) {
	desk := newFakeDesk()
	api, bot := botOverAPI(t, desk)
	chat := int64(testChat)
	press := func(data string) {
		t.Helper()
		b := waitBubble(t, api, chat, 0, hasButton(data))
		if _, err := api.Press(chat, b.MessageID, data); err != nil {
			t.Fatal(err)
		}
	}

	if err := bot.SetCommands(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"", "ru", "uk", "en"} {
		menu := api.Commands(lang)
		if len(menu) != 6 || menu[1].Command != "status" || menu[1].Description == "" {
			t.Errorf("the menu of commands for %q: %+v", lang, menu)
		}
	}
	if ru, uk := api.Commands("ru"), api.Commands("uk"); len(ru) == 0 || ru[1].Description == uk[1].Description {
		t.Errorf("the menu in Russian and in Ukrainian: %+v, %+v", ru, uk)
	}

	api.Text(chat, "/start")
	press("lang:ru")
	press("kind:" + string(tropa.KindLeaveCountry))
	press("sit:" + string(tropa.SituationAbsent))
	waitBubble(t, api, chat, botMessages(api, chat)-1, func(b botapitest.Bubble) bool { return len(b.Buttons) == 0 })
	api.Text(chat, secretMessage)
	press("done")
	waitBubble(t, api, chat, botMessages(api, chat)-1, func(botapitest.Bubble) bool { return true })
	api.Text(chat, secretContact)
	press("send")
	got := waitBubble(t, api, chat, 0, func(b botapitest.Bubble) bool { return strings.Contains(b.Text, receipt) })
	for _, r := range api.Sent() {
		if r.Method == "sendMessage" && r.MessageID == got.MessageID && !r.Protected {
			t.Error("the receipt was sent without protect_content")
		}
	}
	if api.Calls("answerCallbackQuery") < 5 {
		t.Errorf("%d button presses acknowledged, want every one", api.Calls("answerCallbackQuery"))
	}

	// Telegram hands an update again when it did not hear the answer.
	before := len(api.Sent())
	status := botapi.Update{ID: 1 << 40, Message: &botapi.Message{ID: 500, Chat: botapi.Chat{ID: chat, Type: "private"}, Text: "/status"}}
	group := botapi.Update{ID: 1<<40 + 1, Message: &botapi.Message{ID: 9, Chat: botapi.Chat{ID: -100, Type: "group"}, Text: "/start"}}
	for _, u := range []botapi.Update{status, status, group} {
		if err := bot.Handle(t.Context(), u); err != nil {
			t.Fatal(err)
		}
	}
	statuses := 0
	for _, r := range api.Sent()[before:] {
		if r.ChatID == -100 {
			t.Errorf("the bot answered a group: %+v", r)
		}
		if r.Method == "sendMessage" && strings.Contains(r.Text, "2026-12-01") {
			statuses++
		}
	}
	if statuses != 1 {
		t.Errorf("/status delivered twice was answered %d times, want once", statuses)
	}
}

// An update that cannot be noted as taken is not answered: Handle fails,
// so that Telegram delivers it again.
func TestBotUnnotedUpdate(t *testing.T) {
	api := botapitest.New(t)
	conv := telegram.New(telegram.Config{Desk: newFakeDesk(), Words: words(t), SiteURL: testSite})
	send := botapi.NewSender(api.Client(), botapi.Limits{PerChat: rate.Inf, Overall: rate.Inf})
	seen := &deliveries{err: errors.New("the database is out of reach")}
	bot := telegram.NewBot(conv, api.Client(), send, telegram.NewChats(time.Now), seen, slog.New(slog.DiscardHandler))
	start := botapi.Update{ID: 1 << 40, Message: &botapi.Message{ID: 1, Chat: botapi.Chat{ID: int64(testChat), Type: "private"},
		Text: "/start"}}
	api.Feed(start)
	if err := bot.Handle(t.Context(), start); err == nil {
		t.Error("an update not noted as taken was handled")
	}
	if sent := api.Sent(); len(sent) != 0 {
		t.Errorf("the bot answered an update it could not note: %+v", sent)
	}
	seen.err = nil
	if err := bot.Handle(t.Context(), start); err != nil {
		t.Fatal(err)
	}
	if len(api.Sent()) == 0 {
		t.Error("the update delivered again once the database answered got no answer")
	}
}
