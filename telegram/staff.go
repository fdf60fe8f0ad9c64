package telegram

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"tropa"
	"tropa/desk"
	"tropa/telegram/botapi"
)

// startLink begins the payload of the t.me link a staff member's account
// page offers: https://t.me/<bot>?start=link-CODE, which Telegram sends as
// "/start link-CODE".
const startLink = "link-"

// staffLinkCode reads a staff member's link code from "/link CODE" or
// "/start link-CODE"; the code is "" for a /link without one. It reports
// false for any other text.
func staffLinkCode(text string) (string, bool) {
	cmd, ok := command(text)
	if !ok {
		return "", false
	}
	fields := strings.Fields(text)
	switch {
	case cmd == "link":
		return strings.Join(fields[1:], ""), true
	case cmd == "start" && len(fields) == 2 && strings.HasPrefix(fields[1], startLink):
		return strings.TrimPrefix(fields[1], startLink), true
	}
	return "", false
}

// linkStaff links the chat to the notices of the staff member whose link
// code he sent, in whatever step the chat is, and deletes his message
// with the code: it is spent, and says whose chat this is.
func (t *turn) linkStaff(code string) {
	if code == "" {
		t.say(t.T("TelegramStaffLinkUsage"))
		return
	}
	if t.msg != 0 {
		t.reply.Delete = append(t.reply.Delete, t.msg)
	}
	if err := t.c.cfg.Desk.LinkStaff(t.ctx, t.chat, code); err != nil {
		t.refused(err)
		return
	}
	t.say(t.T("TelegramStaffLinked"))
}

// Notices carries staff notices to the chats staff members linked with a
// code from their account page: the desk's notice channel
// desk.NoticeTelegram. A notice says only what desk.Notice says.
type Notices struct {
	send *botapi.Sender
}

// NewNotices sends notices through send.
func NewNotices(send *botapi.Sender) *Notices { return &Notices{send: send} }

func (n *Notices) Name() string { return desk.NoticeTelegram }

// Address checks a chat id as kept: a person's own chat with the bot,
// whose id is positive.
func (n *Notices) Address(s string) (string, error) {
	id, err := staffChat(s)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(id, 10), nil
}

// staffChat reads a staff member's chat as kept.
func staffChat(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, tropa.UserError(tropa.EINVALID, "ErrNoticeTelegramUnlinked", nil)
	}
	return id, nil
}

// Send sends the notice's text to the chat at address. A chat that
// blocked the bot fails as "blocked", which the desk waits longer and
// longer to try again, and shows to those who manage staff.
func (n *Notices) Send(ctx context.Context, address string, notice desk.Notice) error {
	chat, err := staffChat(address)
	if err != nil {
		return noticeError{"address", err}
	}
	_, err = n.send.Send(ctx, botapi.Text{ChatID: chat, Text: notice.Body})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, botapi.ErrBlocked):
		return noticeError{"blocked", err}
	case errors.Is(err, botapi.ErrUnauthorized):
		return noticeError{"auth", err}
	case errors.Is(err, botapi.ErrTooManyRequests):
		return noticeError{"ratelimit", err}
	case errors.Is(err, botapi.ErrUnreachable):
		return noticeError{"unreachable", err}
	}
	return noticeError{"other", err}
}

// noticeError is a notice not sent, with the kind of failure admins see.
type noticeError struct {
	class string
	error
}

func (e noticeError) Class() string { return e.class }
func (e noticeError) Unwrap() error { return e.error }
