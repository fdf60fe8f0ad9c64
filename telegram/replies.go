package telegram

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tropa/desk"
	"tropa/telegram/botapi"
)

// Replies sends staff replies to applicants' chats: the desk's outbound
// seam (desk.ChatSender) for Telegram. A reply is labelled in the chat's
// language, and /delete removes it with the chat's other messages.
type Replies struct {
	send  *botapi.Sender
	chats *Chats
	words func(lang string) Words
}

// NewReplies sends through send to the chats of chats, in words.
func NewReplies(send *botapi.Sender, chats *Chats, words func(lang string) Words) *Replies {
	return &Replies{send: send, chats: chats, words: words}
}

// SendChat sends a staff reply to chat. The reply waits while one of his
// messages is being answered, so that it comes after the answer.
func (r *Replies) SendChat(ctx context.Context, chat int64, text string) error {
	c := r.chats.lock(Chat(chat))
	defer r.chats.unlock(c)
	label := r.words(c.st.Lang).Text("TelegramReplyLabel", nil)
	sent, err := r.send.Send(ctx, botapi.Text{ChatID: chat, Text: label + "\n\n" + text})
	for _, m := range sent {
		c.st.Remember(int(m.ID))
	}
	if errors.Is(err, botapi.ErrBlocked) {
		return fmt.Errorf("%w: %w", desk.ErrChatBlocked, err)
	}
	if wait, ok := botapi.RetryAfter(err); ok {
		return retryAfter{err, wait}
	}
	return err
}

// retryAfter is Telegram's flood control, saying when to send again.
type retryAfter struct {
	error
	wait time.Duration
}

func (e retryAfter) RetryAfter() time.Duration { return e.wait }
func (e retryAfter) Unwrap() error             { return e.error }
