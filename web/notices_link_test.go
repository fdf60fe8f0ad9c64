package web_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/internal/htmlcheck"
	"tropa/official"
)

// chatNotices is the Telegram notice channel of a server whose bot runs:
// it keeps what it is given to send, by chat.
type chatNotices struct {
	mu   sync.Mutex
	sent map[string][]desk.Notice
}

func (c *chatNotices) Name() string { return desk.NoticeTelegram }

func (c *chatNotices) Address(s string) (string, error) {
	if id, err := strconv.ParseInt(s, 10, 64); err != nil || id <= 0 {
		return "", tropa.UserError(tropa.EINVALID, "ErrNoticeTelegramUnlinked", nil)
	}
	return s, nil
}

func (c *chatNotices) Send(ctx context.Context, address string, n desk.Notice) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sent == nil {
		c.sent = map[string][]desk.Notice{}
	}
	c.sent[address] = append(c.sent[address], n)
	return nil
}

// TestNoticesTelegram has a caseworker link her Telegram chat to her
// notices from her account page: the page offers it, shows a one-time
// code with the command and the bot's t.me link, never shows her chat,
// and stops at her word.
func TestNoticesTelegram(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := newTestServer(t)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)

	doc := olena.get(t, "/staff/account/notices").doc(t)
	htmlcheck.HasOne(t, doc, `select#channel option[value=telegram]`)
	htmlcheck.HasOne(t, doc, `section#telegram form.telegram-link[method=post][action="/staff/account/notices/telegram"]`)
	htmlcheck.HasNone(t, doc, "code.link-code")

	// Telegram chosen before any chat is linked is refused, and explained.
	form := url.Values{"channel": {"telegram"}, "address": {"7123450045"}, "event": {"new"}, "digest": {"4"},
		"lead": {"12"}, "notice_lang": {"en"}}
	if resp := olena.postRaw(t, "/staff/account/notices", form.Encode(), false); resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("Telegram without a linked chat: %d, want 422", resp.status)
	}

	resp := olena.post(t, "/staff/account/notices/telegram", nil)
	if resp.status != http.StatusOK {
		t.Fatalf("making a code: %d", resp.status)
	}
	doc = resp.doc(t)
	first := htmlcheck.Text(htmlcheck.HasOne(t, doc, "code.link-code"))
	if len(first) != 8 {
		t.Fatalf("the code %q is not 8 characters", first)
	}
	htmlcheck.HasText(t, doc, "p.telegram-send", "/link "+first)
	htmlcheck.HasNone(t, doc, "a.telegram-open")

	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
	signed, err := official.Sign(official.List{Organization: "Example Help Group", Channels: []official.Channel{
		{Kind: official.KindTelegramBot, Value: "1234567890 @example_help_bot"}}}, key, time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.desk.PublishChannels(ctx, signed, false); err != nil {
		t.Fatal(err)
	}
	doc = olena.post(t, "/staff/account/notices/telegram", nil).doc(t)
	code := htmlcheck.Text(htmlcheck.HasOne(t, doc, "code.link-code"))
	htmlcheck.HasText(t, doc, "p.telegram-send", "@example_help_bot")
	if href := attr(t, doc, "a.telegram-open", "href"); href != "https://t.me/example_help_bot?start=link-"+code {
		t.Errorf("the t.me link is %q", href)
	}
	if err := ts.desk.LinkNoticeChat(ctx, 7123450045, first); err == nil {
		t.Error("the code a new one replaced still links")
	}
	if err := ts.desk.LinkNoticeChat(ctx, 7123450045, code); err != nil {
		t.Fatalf("LinkNoticeChat: %v", err)
	}

	resp = olena.get(t, "/staff/account/notices")
	doc = resp.doc(t)
	htmlcheck.HasOne(t, doc, "p.telegram-linked")
	htmlcheck.HasOne(t, doc, `select#channel option[value=telegram][selected]`)
	if strings.Contains(resp.body, "7123450045") {
		t.Error("the page shows her chat's id")
	}
	// Saving the form keeps the chat; choosing none stops the notices.
	form.Set("address", "")
	if resp := olena.post(t, "/staff/account/notices", form); resp.status != http.StatusOK {
		t.Fatalf("saving with Telegram: %d", resp.status)
	}
	htmlcheck.HasOne(t, olena.get(t, "/staff/account/notices").doc(t), "p.telegram-linked")
	form.Set("channel", "")
	olena.post(t, "/staff/account/notices", form)
	htmlcheck.HasNone(t, olena.get(t, "/staff/account/notices").doc(t), "p.telegram-linked")

	if logs := ts.logs.String(); strings.Contains(logs, code) || strings.Contains(logs, first) {
		t.Error("a link code is in the log")
	}
}
