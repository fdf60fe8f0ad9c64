package telegram_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"golang.org/x/time/rate"

	"tropa"
	"tropa/desk"
	"tropa/telegram"
	"tropa/telegram/botapi"
	"tropa/telegram/botapi/botapitest"
)

// TestStaffLink links a staff member's chat to his notices by the code
// from his account page, sent as /link CODE or by the page's t.me link as
// "/start link-CODE", in whatever step the chat is; his message with the
// code is deleted, and a wrong or spent code is explained.
func TestStaffLink(t *testing.T) {
	t.Run("link", func(t *testing.T) {
		c := newChat(t)
		r := c.text("/link " + staffCode)
		mustContain(t, r, tr(t, "ru", "TelegramStaffLinked", nil))
		if !slices.Equal(r.Delete, []int{c.last - 1}) {
			t.Errorf("deleted %v, want his message with the code (%d)", r.Delete, c.last-1)
		}
		if !slices.Equal(c.desk.staffChats, []telegram.Chat{testChat}) {
			t.Errorf("linked chats %v, want this one", c.desk.staffChats)
		}

		r = c.text("/link " + staffCode)
		mustContain(t, r, tr(t, "ru", "ErrNoticeLinkCode", nil))
		if len(r.Delete) != 1 {
			t.Errorf("a spent code's message is kept: delete %v", r.Delete)
		}
	})
	t.Run("start link in the middle of a request", func(t *testing.T) {
		c := newChat(t)
		c.answer("uk", telegram.StepMessage)
		c.text(secretMessage)
		r := c.text("/start link-" + staffCode)
		mustContain(t, r, tr(t, "uk", "TelegramStaffLinked", nil))
		if len(r.Delete) != 1 || len(c.desk.staffChats) != 1 {
			t.Errorf("deleted %v, linked %v", r.Delete, c.desk.staffChats)
		}
		if c.st.Step != telegram.StepMessage || c.st.Answers.Message != secretMessage {
			t.Errorf("linking lost the request being written: %+v", c.st)
		}
	})
	t.Run("wrong code", func(t *testing.T) {
		c := newChat(t)
		r := c.text("/link AAAAAAAA")
		mustContain(t, r, tr(t, "ru", "ErrNoticeLinkCode", nil))
		if len(r.Delete) != 1 || len(c.desk.staffChats) != 0 {
			t.Errorf("deleted %v, linked %v", r.Delete, c.desk.staffChats)
		}
	})
	t.Run("no code", func(t *testing.T) {
		c := newChat(t)
		mustContain(t, c.text("/link"), tr(t, "ru", "TelegramStaffLinkUsage", nil))
	})
	t.Run("too many tries", func(t *testing.T) {
		c := newChat(t)
		c.desk.fail["LinkStaff"] = tropa.UserError(tropa.ERATELIMIT, "ErrTooManyRequests", map[string]any{"Minutes": 1})
		mustContain(t, c.text("/link "+staffCode), tr(t, "ru", "TelegramTryLater", nil))
	})
	t.Run("an applicant's /start is no link", func(t *testing.T) {
		c := newChat(t)
		c.text("/start")
		if c.st.Step != telegram.StepLanguage || len(c.desk.staffChats) != 0 {
			t.Errorf("/start: step %q, linked %v", c.st.Step, c.desk.staffChats)
		}
	})
}

// TestNotices sends a staff notice's text to his chat, and names the
// failure when he blocked the bot.
func TestNotices(t *testing.T) {
	api := botapitest.New(t)
	const chat = 7123450044
	api.Text(chat, "/link "+staffCode)
	n := telegram.NewNotices(botapi.NewSender(api.Client(), botapi.Limits{PerChat: rate.Inf, Overall: rate.Inf}))
	if n.Name() != desk.NoticeTelegram {
		t.Errorf("Name = %q", n.Name())
	}
	for _, bad := range []string{"", "-100123", "@someone", "12x"} {
		if _, err := n.Address(bad); err == nil {
			t.Errorf("Address(%q) accepted", bad)
		}
	}
	ctx := context.Background()
	notice := desk.Notice{Subject: "Something needs you", Body: "Something needs you in tropa. Waiting: 2."}
	if err := n.Send(ctx, strconv.Itoa(chat), notice); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := api.Chat(chat)
	if last := got[len(got)-1]; !last.Bot || last.Text != notice.Body {
		t.Errorf("the chat shows %+v, want the notice's text", last)
	}
	api.Block(chat)
	err := n.Send(ctx, strconv.Itoa(chat), notice)
	var c interface{ Class() string }
	if !errors.As(err, &c) || c.Class() != "blocked" {
		t.Errorf("Send to a chat that blocked the bot = %v, want a failure of class blocked", err)
	}
}
