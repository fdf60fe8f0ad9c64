package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tropa/desk"
	"tropa/seal"
	"tropa/store"
	"tropa/store/storetest"
	"tropa/telegram/botapi"
	"tropa/telegram/botapi/botapitest"
)

// nodesClock is the clock all nodes of a test read.
type nodesClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *nodesClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *nodesClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// nodeTimer is a node's desk timer, fired by the test one wait at a time.
type nodeTimer chan nodeWait

type nodeWait struct {
	wait time.Duration
	fire chan time.Time
}

func (n nodeTimer) After(d time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	n <- nodeWait{d, c}
	return c
}

// next is the wait the node asks for next.
func (n nodeTimer) next(t *testing.T) nodeWait {
	t.Helper()
	select {
	case w := <-n:
		return w
	case <-time.After(15 * time.Second):
		t.Fatal("the node waits for nothing")
		return nodeWait{}
	}
}

// botNode is one node of tropa serve's, as far as the bot goes: its own
// connection to the shared database, its desk and its bot.
type botNode struct {
	bot   *telegramBot
	db    *store.DB
	timer nodeTimer
	log   *lockedBuffer
	stop  context.CancelFunc
	done  chan struct{}
}

// startNode starts a node on the database at where, with the bot of api,
// long-polling or, with webhook, posted to.
func startNode(t *testing.T, where string, api *botapitest.Server, webhook string, clock *nodesClock) *botNode {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	n := &botNode{timer: make(nodeTimer, 4), log: &lockedBuffer{}, stop: stop, done: make(chan struct{})}
	logger := slog.New(slog.NewTextHandler(n.log, nil))
	var err error
	if n.bot, err = newTelegramBot(ctx, api.URL, botapitest.Token, webhook, logger, clock.Now); err != nil {
		t.Fatal(err)
	}
	if n.db, err = store.Open(ctx, where); err != nil {
		t.Fatal(err)
	}
	d := desk.New(desk.Config{Store: n.db, KDF: seal.NewKDF(1), Now: clock.Now, After: n.timer.After, Logger: logger,
		Chats: n.bot.replies})
	if err := n.bot.attach(ctx, d, logger, clock.Now); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(n.done)
		n.bot.run(ctx)
	}()
	t.Cleanup(func() {
		n.stop()
		<-n.done
		n.db.Close()
	})
	return n
}

// took says whether the node's log says it took the bot.
func (n *botNode) took() bool { return bytes.Contains(n.log.Bytes(), []byte("this node took it")) }

// initDatabase makes a tropa database on backend b and returns where it is.
func initDatabase(t *testing.T, b storetest.Backend) string {
	t.Helper()
	where := b.New(t)
	flag := "--data"
	if store.IsPostgresURL(where) {
		flag = "--db"
	}
	mustRun(t, "", "init", flag, where)
	return where
}

// TestTelegramNodes: two nodes given the bot's token on one database. One
// polls Telegram; when it dies without letting the bot go, the other takes
// over once the lease has run out and answers the next message, and drops
// an update the first one answered that Telegram delivers again.
func TestTelegramNodes(t *testing.T) {
	storetest.Each(t, testTelegramNodes)
}

func testTelegramNodes(t *testing.T, b storetest.Backend) {
	where := initDatabase(t, b)
	api := botapitest.New(t)
	clock := &nodesClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	chat := chatOf{t: t, api: api, id: 7123450077}

	first := startNode(t, where, api, "", clock)
	first.timer.next(t)
	second := startNode(t, where, api, "", clock)
	try := second.timer.next(t)
	if !first.took() || second.took() {
		t.Fatalf("the first node holds the bot: %v; the second: %v; want the first only", first.took(), second.took())
	}

	start := botapi.Update{Message: &botapi.Message{ID: 1, Chat: botapi.Chat{ID: chat.id, Type: "private"},
		Date: clock.Now().Unix(), Text: "/start"}}
	start.ID = api.Feed(start)
	started := chat.wait(0, func(botapitest.Bubble) bool { return true })
	answered := chat.bots()

	// The first node dies: it lets nothing go, and its database is gone.
	first.db.Close()
	first.stop()
	<-first.done
	if !bytes.Contains(first.log.Bytes(), []byte("not let go")) {
		t.Fatalf("the dead node let the lease go: %s", first.log.Bytes())
	}
	api.Feed(start)
	clock.Advance(20 * time.Second)
	try.fire <- clock.Now()
	try = second.timer.next(t)
	if second.took() {
		t.Fatal("the second node took the bot before the lease ran out")
	}
	clock.Advance(15 * time.Second)
	try.fire <- clock.Now()
	second.timer.next(t)
	if !second.took() {
		t.Fatalf("the second node did not take the bot once the lease ran out: %s", second.log.Bytes())
	}
	api.Text(chat.id, "/help")
	// The updates come in order: an answer to /start again would come
	// before the answer to /help.
	chat.wait(answered, func(b botapitest.Bubble) bool { return b.Text != started.Text })
	if got := chat.bots(); got != answered+1 {
		t.Errorf("the bot wrote %d messages after the takeover, want 1 (the answer to /help, not /start again): %+v",
			got-answered, api.Chat(chat.id))
	}
}

// TestTelegramWebhookNodes: with a webhook, the node holding the bot takes
// Telegram's posts and sets the webhook; another answers 503, so that
// Telegram, or a proxy in front, tries again.
func TestTelegramWebhookNodes(t *testing.T) {
	where := initDatabase(t, storetest.SQLite)
	api := botapitest.New(t)
	clock := &nodesClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	const hook = "https://help.example.org/telegram"
	first := startNode(t, where, api, hook, clock)
	first.timer.next(t)
	second := startNode(t, where, api, hook, clock)
	second.timer.next(t)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if url, _ := api.Webhook(); url == hook {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the holder did not set the webhook")
		}
	}

	const chat = 7123450078
	u := botapi.Update{ID: 300001, Message: &botapi.Message{ID: 1, Chat: botapi.Chat{ID: chat, Type: "private"},
		Date: clock.Now().Unix(), Text: "/start"}}
	api.Feed(u)
	body, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	post := func(n *botNode) int {
		r := httptest.NewRequest(http.MethodPost, "/telegram", bytes.NewReader(body))
		r.Header.Set(botapi.SecretHeader, n.bot.secret)
		w := httptest.NewRecorder()
		n.bot.hook.ServeHTTP(w, r)
		return w.Code
	}
	if code := post(second); code != http.StatusServiceUnavailable {
		t.Errorf("a post to the node not holding the bot: %d, want 503", code)
	}
	for range 2 {
		if code := post(first); code != http.StatusOK {
			t.Errorf("a post to the holder: %d, want 200", code)
		}
	}
	answers := 0
	for _, r := range api.Sent() {
		if r.ChatID == chat && strings.HasPrefix(r.Method, "send") && strings.Contains(r.Text, "Choose a language") {
			answers++
		}
	}
	if answers != 1 {
		t.Errorf("an update posted twice was answered %d times, want once", answers)
	}
}
