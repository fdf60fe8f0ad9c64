package desk_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/seal"
)

// fakeChats is Telegram as the desk's outbound seam sees it: it records
// what was sent, or fails with err.
type fakeChats struct {
	mu   sync.Mutex
	err  error
	sent []sentChat
}

type sentChat struct {
	chat int64
	text string
}

func (c *fakeChats) SendChat(_ context.Context, chat int64, text string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	c.sent = append(c.sent, sentChat{chat, text})
	return nil
}

func (c *fakeChats) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.err = err
}

// took returns what was sent since the last call.
func (c *fakeChats) took() []sentChat {
	c.mu.Lock()
	defer c.mu.Unlock()
	list := c.sent
	c.sent = nil
	return list
}

// retryAfter is Telegram's 429: too many messages, try again after.
type retryAfter time.Duration

func (r retryAfter) Error() string             { return "too many requests" }
func (r retryAfter) RetryAfter() time.Duration { return time.Duration(r) }

// chatDesk is a desk of the fixture's database that sends replies to chats
// through chats.
func (f *fixture) chatDesk(chats desk.ChatSender) *desk.Desk {
	return desk.New(desk.Config{Store: f.store, KDF: seal.NewKDF(2), ReceiptParams: seal.TestParams,
		PasswordParams: seal.TestParams, Now: f.clock.Now, Chats: chats})
}

// deliveries are the delivery states of a case's messages, in order.
func deliveries(t *testing.T, d *desk.Desk, s *desk.Session, requestID string) []tropa.Delivery {
	t.Helper()
	c, err := d.OpenCase(context.Background(), s, requestID)
	if err != nil {
		t.Fatalf("OpenCase: %v", err)
	}
	list := make([]tropa.Delivery, len(c.Messages))
	for i, m := range c.Messages {
		list[i] = m.Delivery
	}
	return list
}

func deliver(t *testing.T, d *desk.Desk) {
	t.Helper()
	if err := d.DeliverOnce(context.Background()); err != nil {
		t.Fatalf("DeliverOnce: %v", err)
	}
}

// TestReplyReachesChat sends a staff reply to the applicant's chat: at
// once when Telegram takes it, later when it is down or asks to wait, never
// when he blocked the bot, which staff then see; notes and replies to web
// requests are not sent.
func TestReplyReachesChat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olga := f.caseworker(t, "olga")
	chats := &fakeChats{}
	d := f.chatDesk(chats)
	_, id := f.submitChat(t, d, chat, submission("", "Первое"))
	_, webID := f.submit(t, submission("", "С сайта"))

	if err := d.Reply(ctx, olga, id, "Мы на связи"); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	if err := d.AddNote(ctx, olga, id, "Внутренняя заметка"); err != nil {
		t.Fatalf("AddNote: %v", err)
	}
	if err := d.Reply(ctx, olga, webID, "Ответ на сайте"); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	if got := deliveries(t, d, olga, id); got[1] != tropa.DeliveryPending || got[2] != tropa.DeliveryNone {
		t.Errorf("before sending: %v, want the reply pending, the note not for the chat", got)
	}
	deliver(t, d)
	if got := chats.took(); len(got) != 1 || got[0] != (sentChat{chat, "Мы на связи"}) {
		t.Errorf("sent %+v, want the reply alone, to chat %d", got, chat)
	}
	if got := deliveries(t, d, olga, id); got[1] != tropa.DeliverySent {
		t.Errorf("after sending: %v, want the reply sent", got)
	}
	if got := deliveries(t, d, olga, webID); got[1] != tropa.DeliveryNone {
		t.Errorf("a web request's reply: %v, want not for a chat", got)
	}

	chats.fail(errors.New("telegram unreachable"))
	if err := d.Reply(ctx, olga, id, "Второй"); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	deliver(t, d)
	chats.fail(nil)
	deliver(t, d)
	if got := deliveries(t, d, olga, id); got[3] != tropa.DeliveryPending || len(chats.took()) != 0 {
		t.Errorf("Telegram down: %v, want the reply pending and not tried again at once", got)
	}
	f.clock.Advance(2 * time.Minute)
	deliver(t, d)
	if got := chats.took(); len(got) != 1 || got[0].text != "Второй" {
		t.Errorf("Telegram back: sent %+v, want the reply that waited", got)
	}

	chats.fail(retryAfter(10 * time.Minute))
	if err := d.Reply(ctx, olga, id, "Третий"); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	deliver(t, d)
	chats.fail(nil)
	f.clock.Advance(5 * time.Minute)
	deliver(t, d)
	if got := chats.took(); len(got) != 0 {
		t.Errorf("sent %+v before Telegram's retry_after", got)
	}
	f.clock.Advance(6 * time.Minute)
	deliver(t, d)
	if got := chats.took(); len(got) != 1 || got[0].text != "Третий" {
		t.Errorf("after retry_after: sent %+v, want the reply", got)
	}

	chats.fail(desk.ErrChatBlocked)
	if err := d.Reply(ctx, olga, id, "Четвёртый"); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	deliver(t, d)
	chats.fail(nil)
	f.clock.Advance(time.Hour)
	deliver(t, d)
	if got := deliveries(t, d, olga, id); got[len(got)-1] != tropa.DeliveryBlocked || len(chats.took()) != 0 {
		t.Errorf("blocked: %v, want the reply marked blocked and not tried again", got)
	}
}

// TestReplyAfterRestart: a reply its node never sent, as when it stopped,
// is sent by the node of the next staff member to open the case once it
// has waited long enough; a reply to a chat erased meanwhile is not sent.
func TestReplyAfterRestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olga := f.caseworker(t, "olga")
	stopped := f.chatDesk(&fakeChats{})
	_, id := f.submitChat(t, stopped, chat, submission("", "Первое"))
	if err := stopped.Reply(ctx, olga, id, "Не дошло"); err != nil {
		t.Fatalf("Reply: %v", err)
	}

	chats := &fakeChats{}
	d := f.chatDesk(chats)
	deliveries(t, d, olga, id)
	deliver(t, d)
	if got := chats.took(); len(got) != 0 {
		t.Errorf("sent %+v while the node that took it may still send it", got)
	}
	f.clock.Advance(20 * time.Minute)
	deliveries(t, d, olga, id)
	deliver(t, d)
	if got := chats.took(); len(got) != 1 || got[0] != (sentChat{chat, "Не дошло"}) {
		t.Errorf("sent %+v, want the reply that waited", got)
	}
	if got := deliveries(t, d, olga, id); got[1] != tropa.DeliverySent {
		t.Errorf("after the restart: %v, want the reply sent", got)
	}

	chats.fail(errors.New("telegram unreachable"))
	if err := d.Reply(ctx, olga, id, "После удаления"); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	deliver(t, d)
	chats.fail(nil)
	if err := stopped.EraseContact(ctx, olga, id); err != nil {
		t.Fatalf("EraseContact on another node: %v", err)
	}
	f.clock.Advance(time.Hour)
	deliver(t, d)
	if got := chats.took(); len(got) != 0 {
		t.Errorf("sent %+v to a chat erased meanwhile", got)
	}
}

// TestRunDeliversReplies: the background work sends a reply waiting for a
// chat when its interval passes on the desk's timer.
func TestRunDeliversReplies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olga := f.caseworker(t, "olga")
	chats := &fakeChats{}
	fires := make(chan chan time.Time, 100)
	after := func(d time.Duration) <-chan time.Time {
		c := make(chan time.Time, 1)
		if d < time.Minute {
			fires <- c
		}
		return c
	}
	d := desk.New(desk.Config{Store: f.store, KDF: seal.NewKDF(2), ReceiptParams: seal.TestParams,
		PasswordParams: seal.TestParams, Now: f.clock.Now, Chats: chats, After: after})
	_, id := f.submitChat(t, d, chat, submission("", "Первое"))
	if err := d.Reply(ctx, olga, id, "Мы на связи"); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	run, stop := context.WithCancel(ctx)
	defer stop()
	go d.Run(run)
	deadline := time.After(10 * time.Second)
	for {
		select {
		case fire := <-fires:
			if got := chats.took(); len(got) == 1 && got[0].text == "Мы на связи" {
				return
			}
			fire <- f.clock.Now()
		case <-deadline:
			t.Fatal("Run did not send the reply")
		}
	}
}

// TestChatReplaced: his receipt sent from a new account replaces the old
// chat. The old chat, on any node, reaches the case no more, and a reply
// waiting for the old chat goes to the new one, not to the old. A reply
// written on a node without the bot waits for one that has it.
func TestChatReplaced(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olga := f.caseworker(t, "olga")
	chats := &fakeChats{}
	d := f.chatDesk(chats)
	const newChat = chat + 1
	receipt, id := f.submitChat(t, d, chat, submission("", "Первое"))
	other := f.chatDesk(&fakeChats{})
	if err := other.LinkChat(ctx, chat, receipt.String()); err != nil {
		t.Fatalf("LinkChat of the same chat on another node: %v", err)
	}
	if err := d.ChatMessage(ctx, chat, "Тот же чат", nil); err != nil {
		t.Fatalf("the same chat linked again elsewhere: %v", err)
	}

	chats.fail(errors.New("telegram unreachable"))
	if err := d.Reply(ctx, olga, id, "Ждёт"); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	deliver(t, d)
	chats.fail(nil)
	if err := other.LinkChat(ctx, newChat, receipt.String()); err != nil {
		t.Fatalf("LinkChat from a new account: %v", err)
	}
	wantUnlinked(t, "the old chat on the node that linked the new one", other.ChatMessage(ctx, chat, "Старый", nil))
	wantUnlinked(t, "the old chat on another node", d.ChatMessage(ctx, chat, "Старый", nil))
	f.clock.Advance(time.Hour)
	deliver(t, d)
	if got := chats.took(); len(got) != 0 {
		t.Fatalf("sent %+v to the chat he replaced", got)
	}
	deliveries(t, d, olga, id)
	deliver(t, d)
	if got := chats.took(); len(got) != 1 || got[0] != (sentChat{newChat, "Ждёт"}) {
		t.Errorf("sent %+v, want the waiting reply in the new chat", got)
	}

	noBot := f.restarted()
	if err := noBot.Reply(ctx, olga, id, "С узла без бота"); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	if got := deliveries(t, noBot, olga, id); got[len(got)-1] != tropa.DeliveryPending {
		t.Fatalf("a reply on a node without the bot: %v, want it waiting", got)
	}
	f.clock.Advance(20 * time.Minute)
	deliveries(t, d, olga, id)
	deliver(t, d)
	if got := chats.took(); len(got) != 1 || got[0] != (sentChat{newChat, "С узла без бота"}) {
		t.Errorf("sent %+v, want the reply a node without the bot took", got)
	}
}
