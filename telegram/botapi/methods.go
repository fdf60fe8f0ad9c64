package botapi

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// User is the bot itself, as getMe says: what the signed list of official
// channels names (its numeric id and username).
type User struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	Username  string `json:"username"`
}

// GetMe returns the bot the token belongs to: the cheapest check that the
// token works.
func (c *Client) GetMe(ctx context.Context) (User, error) {
	var u User
	err := c.call(ctx, "getMe", nil, &u)
	return u, err
}

// Poll is one long poll of getUpdates.
type Poll struct {
	// Offset is one more than the last update handled: Telegram forgets
	// every update before it.
	Offset int64
	// Timeout is how long Telegram holds the call open when there is
	// nothing yet, in whole seconds; 0 answers at once.
	Timeout time.Duration
	// Limit is at most how many updates come back, 1 to 100; 0 means 100.
	Limit int
	// AllowedUpdates, usually AllowedUpdates(); nil keeps the bot's
	// earlier setting.
	AllowedUpdates []string
}

// GetUpdates long-polls for updates from p.Offset on. An update of a kind
// tropa does not read comes back as KindUnknown, so that the next offset
// moves past it; an element without an update_id, which Telegram never
// sends, is left out.
func (c *Client) GetUpdates(ctx context.Context, p Poll) ([]Update, error) {
	params := struct {
		Offset         int64    `json:"offset,omitempty"`
		Timeout        int      `json:"timeout"`
		Limit          int      `json:"limit,omitempty"`
		AllowedUpdates []string `json:"allowed_updates,omitempty"`
	}{p.Offset, int(p.Timeout / time.Second), p.Limit, p.AllowedUpdates}
	var raw []json.RawMessage
	if err := c.call(ctx, "getUpdates", params, &raw); err != nil {
		return nil, err
	}
	updates := make([]Update, 0, len(raw))
	for _, r := range raw {
		if u, err := DecodeUpdate(r); err == nil {
			updates = append(updates, u)
		}
	}
	return updates, nil
}

// Button is an inline button; pressing it sends Data back as a callback
// query. Data is at most 64 bytes.
type Button struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
}

// MaxButtonData is the most bytes of callback data Telegram accepts.
const MaxButtonData = 64

// errButtonData is callback data Telegram would refuse.
var errButtonData = fmt.Errorf("%w: button data empty or over %d bytes", ErrBadRequest, MaxButtonData)

// Text is a message to send or the new text of one already sent.
type Text struct {
	ChatID int64
	// Text is plain text, at most MaxText characters; Sender splits
	// longer ones. No markup is parsed, so text from staff or from the
	// applicant cannot turn into links or formatting.
	Text string
	// Buttons are rows of inline buttons under the message.
	Buttons [][]Button
	// ReplyTo is the message this one answers; 0 for none. A reply to a
	// message that is gone is sent as a plain message.
	ReplyTo int64
	// Protect asks Telegram to keep the message from being forwarded or
	// saved, as for the receipt; it does not stop a photo of the screen.
	Protect bool
}

type keyboard struct {
	InlineKeyboard [][]Button `json:"inline_keyboard"`
}

// markup is reply_markup for rows of buttons, omitted when there are none.
func markup(rows [][]Button) (*keyboard, error) {
	for _, row := range rows {
		for _, b := range row {
			if b.Data == "" || len(b.Data) > MaxButtonData {
				return nil, errButtonData
			}
		}
	}
	kb := &keyboard{rows}
	if len(rows) == 0 {
		kb = nil
	}
	return kb, nil
}

// linkPreview is link_preview_options. Previews are always off: a preview
// makes Telegram's servers fetch the address, and a link in a staff reply
// is not for them to visit.
type linkPreview struct {
	IsDisabled bool `json:"is_disabled"`
}

// SendMessage sends t as one message and returns it as Telegram keeps it
// (its ID is what DeleteMessage needs). It neither
// splits nor waits: see Sender.
func (c *Client) SendMessage(ctx context.Context, t Text) (Message, error) {
	kb, err := markup(t.Buttons)
	if err != nil {
		return Message{}, err
	}
	type reply struct {
		MessageID                int64 `json:"message_id"`
		AllowSendingWithoutReply bool  `json:"allow_sending_without_reply"`
	}
	params := struct {
		ChatID      int64       `json:"chat_id"`
		Text        string      `json:"text"`
		ReplyMarkup *keyboard   `json:"reply_markup,omitempty"`
		Reply       *reply      `json:"reply_parameters,omitempty"`
		Preview     linkPreview `json:"link_preview_options"`
		Protect     bool        `json:"protect_content,omitempty"`
	}{ChatID: t.ChatID, Text: t.Text, ReplyMarkup: kb, Preview: linkPreview{true}, Protect: t.Protect}
	if t.ReplyTo != 0 {
		params.Reply = &reply{t.ReplyTo, true}
	}
	var m Message
	err = c.call(ctx, "sendMessage", params, &m)
	return m, err
}

// DeleteMessage deletes one of the chat's messages. Telegram lets a bot
// delete its own messages in a private chat for 48 hours; an older one, or
// one already gone, is refused with ErrBadRequest.
func (c *Client) DeleteMessage(ctx context.Context, chatID, messageID int64) error {
	params := struct {
		ChatID    int64 `json:"chat_id"`
		MessageID int64 `json:"message_id"`
	}{chatID, messageID}
	return c.call(ctx, "deleteMessage", params, nil)
}

// AnswerCallbackQuery stops the spinner on a pressed button; text, if
// not empty, shows briefly at the top of the chat.
func (c *Client) AnswerCallbackQuery(ctx context.Context, queryID, text string) error {
	params := struct {
		ID   string `json:"callback_query_id"`
		Text string `json:"text,omitempty"`
	}{queryID, text}
	return c.call(ctx, "answerCallbackQuery", params, nil)
}

// Command is one entry of the menu of commands Telegram shows under the
// bot's chat.
type Command struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// SetMyCommands sets the bot's menu of commands for users whose app is
// in language lang (an ISO 639-1 code), or for every other user when lang
// is "".
func (c *Client) SetMyCommands(ctx context.Context, commands []Command, lang string) error {
	params := struct {
		Commands []Command `json:"commands"`
		Lang     string    `json:"language_code,omitempty"`
	}{commands, lang}
	return c.call(ctx, "setMyCommands", params, nil)
}
