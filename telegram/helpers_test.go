package telegram_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"tropa"
	"tropa/locale"
	"tropa/official"
	"tropa/telegram"
)

// Made-up chat and addresses: no test speaks of a real Telegram user.
const (
	testChat  telegram.Chat = 424242
	testSite                = "https://help.example.org/"
	testOnion               = "http://exampleonionaddressexampleonionaddressexampleonionaddr.onion/"
	receipt                 = "12340 56781 23452 34563 45674 56785 67896"
)

var (
	catalogsOnce sync.Once
	catalogs     map[string]*locale.Catalog
)

// words are the catalogs the web site speaks, loaded once for all tests.
func words(t testing.TB) func(lang string) telegram.Words {
	catalogsOnce.Do(func() {
		catalogs = make(map[string]*locale.Catalog)
		for _, lang := range telegram.Languages {
			c, err := locale.New(lang)
			if err != nil {
				panic(err)
			}
			catalogs[lang] = c
		}
	})
	return func(lang string) telegram.Words { return catalogs[lang] }
}

// fakeDesk records what the conversation asks of the desk. A code in
// fail makes the next call of that name fail with it.
type fakeDesk struct {
	subs      []tropa.Submission
	chats     []telegram.Chat
	followUps []telegram.FollowUp
	erased    int
	status    telegram.Status
	noList    bool
	fail      map[string]error
	// staffChats are the chats linked to a staff member's notices.
	staffChats []telegram.Chat
}

func newFakeDesk() *fakeDesk {
	return &fakeDesk{fail: make(map[string]error), status: telegram.Status{
		Stage: tropa.Term{Key: string(tropa.StageCounselling)}, SentOn: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Answered: true}}
}

func (d *fakeDesk) failed(name string) error {
	err := d.fail[name]
	delete(d.fail, name)
	return err
}

func (d *fakeDesk) Submit(ctx context.Context, chat telegram.Chat, sub tropa.Submission) (string, error) {
	if err := d.failed("Submit"); err != nil {
		return "", err
	}
	d.subs = append(d.subs, sub)
	d.chats = append(d.chats, chat)
	return receipt, nil
}

func (d *fakeDesk) FollowUp(ctx context.Context, chat telegram.Chat, f telegram.FollowUp) error {
	if err := d.failed("FollowUp"); err != nil {
		return err
	}
	d.followUps = append(d.followUps, f)
	return nil
}

func (d *fakeDesk) Status(ctx context.Context, chat telegram.Chat) (telegram.Status, error) {
	if err := d.failed("Status"); err != nil {
		return telegram.Status{}, err
	}
	return d.status, nil
}

func (d *fakeDesk) Erase(ctx context.Context, chat telegram.Chat) error {
	if err := d.failed("Erase"); err != nil {
		return err
	}
	d.erased++
	return nil
}

func (d *fakeDesk) Link(ctx context.Context, chat telegram.Chat, code string) error {
	if err := d.failed("Link"); err != nil {
		return err
	}
	if code != receipt {
		return tropa.UserError(tropa.ENOTFOUND, "ErrReceiptUnknown", nil)
	}
	d.chats = append(d.chats, chat)
	return nil
}

// staffCode is the one link code fakeDesk takes, once.
const staffCode = "K7MQ4WXT"

func (d *fakeDesk) LinkStaff(ctx context.Context, chat telegram.Chat, code string) error {
	if err := d.failed("LinkStaff"); err != nil {
		return err
	}
	if code != staffCode || len(d.staffChats) > 0 {
		return tropa.UserError(tropa.EINVALID, "ErrNoticeLinkCode", nil)
	}
	d.staffChats = append(d.staffChats, chat)
	return nil
}

func (d *fakeDesk) Channels(ctx context.Context) (official.List, error) {
	if err := d.failed("Channels"); err != nil {
		return official.List{}, err
	}
	if d.noList {
		return official.List{}, tropa.Errorf(tropa.ENOTFOUND, "no list")
	}
	return testList(), nil
}

func testList() official.List {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize))
	return official.List{Organization: "Example Help Group", Issued: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC),
		Channels: []official.Channel{
			{Kind: official.KindTelegramBot, Value: "1234567890 @example_help_bot"},
			{Kind: official.KindWeb, Value: testSite},
		},
		Key: key.Public().(ed25519.PublicKey)}
}

// chat plays the applicant's side of one chat, and the caller's: it keeps
// the state between events and numbers the messages as Telegram would.
type chat struct {
	t    testing.TB
	conv *telegram.Conversation
	desk *fakeDesk
	st   telegram.State
	// last is the id of the last message in the chat.
	last int
	// receiptID is the id the receipt message was sent with.
	receiptID int
}

func newChat(t testing.TB) *chat {
	d := newFakeDesk()
	conv := telegram.New(telegram.Config{Desk: d, Words: words(t), SiteURL: testSite, OnionURL: testOnion})
	return &chat{t: t, conv: conv, desk: d}
}

// rawID matches a catalog id left in a text: a missing message reads as
// its id.
var rawID = regexp.MustCompile(`\b(Telegram[A-Z]\w+|(Kind|Situation|Stage|ChannelKind|Err|Field)_\w+|Channels[A-Z]\w+)\b`)

// event sends ev and returns the reply, having checked what every reply
// must be: at least one message, none empty or with a catalog id in it.
func (c *chat) event(ev telegram.Event) telegram.Reply {
	c.t.Helper()
	ev.Chat = testChat
	if ev.Kind != telegram.EventButton && ev.MessageID == 0 {
		c.last++
		ev.MessageID = c.last
	}
	st, r := c.conv.Handle(context.Background(), c.st, ev)
	c.st = st
	if len(r.Messages) == 0 {
		c.t.Fatalf("no answer to %+v", ev)
	}
	for _, m := range r.Messages {
		if strings.TrimSpace(m.Text) == "" {
			c.t.Fatalf("an empty message answers %+v", ev)
		}
		if id := rawID.FindString(m.Text); id != "" {
			c.t.Fatalf("message shows the catalog id %s: %q", id, m.Text)
		}
		for _, row := range m.Buttons {
			for _, b := range row {
				if b.Text == "" || b.Data == "" || len(b.Data) > 64 {
					c.t.Fatalf("button %+v: Telegram needs a text and 1 to 64 bytes of data", b)
				}
			}
		}
		c.last++
		c.st.Remember(c.last)
		if m.Receipt {
			c.receiptID = c.last
		}
	}
	return r
}

func (c *chat) text(s string) telegram.Reply {
	c.t.Helper()
	return c.event(telegram.Event{Kind: telegram.EventText, Text: s})
}

func (c *chat) press(data string) telegram.Reply {
	c.t.Helper()
	return c.event(telegram.Event{Kind: telegram.EventButton, Data: data})
}

// answer brings the chat in lang to step, with the answers that takes.
func (c *chat) answer(lang string, step telegram.Step) {
	c.t.Helper()
	steps := []struct {
		at telegram.Step
		do func()
	}{
		{telegram.StepLanguage, func() { c.text("/start") }},
		{telegram.StepKind, func() { c.press("lang:" + lang) }},
		{telegram.StepSituation, func() { c.press("kind:" + string(tropa.KindLeaveCountry)) }},
		{telegram.StepMessage, func() { c.press("sit:" + string(tropa.SituationAbsent)) }},
		{telegram.StepContact, func() { c.text(secretMessage); c.press("done") }},
		{telegram.StepConfirm, func() { c.text(secretContact) }},
		{telegram.StepCase, func() { c.press("send") }},
	}
	for _, s := range steps {
		s.do()
		if c.st.Step != s.at {
			c.t.Fatalf("at step %q, want %q", c.st.Step, s.at)
		}
		if s.at == step {
			return
		}
	}
}

// Markers typed by the applicant, to look for where they must not be.
const (
	secretMessage = "marker-message-7f3a I left my unit near the river"
	secretContact = "marker-contact-91c2 signal"
)

// texts joins a reply's messages and the texts of their buttons.
func texts(r telegram.Reply) string {
	var b strings.Builder
	for _, m := range r.Messages {
		b.WriteString(m.Text + "\n")
		for _, row := range m.Buttons {
			for _, btn := range row {
				b.WriteString("[" + btn.Text + "]\n")
			}
		}
	}
	return b.String()
}

// buttonData lists the data of a reply's buttons, in order.
func buttonData(r telegram.Reply) []string {
	var ds []string
	for _, m := range r.Messages {
		for _, row := range m.Buttons {
			for _, b := range row {
				ds = append(ds, b.Data)
			}
		}
	}
	return ds
}

// tr is message id in lang.
func tr(t testing.TB, lang, id string, data map[string]any) string {
	return words(t)(lang).Text(id, data)
}

func mustContain(t testing.TB, r telegram.Reply, want ...string) {
	t.Helper()
	got := texts(r)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("reply lacks %q:\n%s", w, got)
		}
	}
}
