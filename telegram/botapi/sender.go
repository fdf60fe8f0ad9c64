package botapi

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits are the rates a Sender keeps to. Telegram asks bots for about
// one message a second to one chat and thirty a second overall; it answers
// more with 429 and a wait.
type Limits struct {
	// PerChat is messages a second to one chat; 0 means 1.
	PerChat rate.Limit
	// Overall is messages a second to all chats; 0 means 30.
	Overall rate.Limit
	// Retries is how many times a call refused with 429 is made again
	// after the wait Telegram asks for; 0 means 3.
	Retries int
	// Now and Sleep are the clock (time.Now and a sleep that ends with
	// the context when nil); tests pass a clock that Sleep moves.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// chatsKept is how many chats' limiters a Sender keeps before it forgets
// those that have no wait left.
const chatsKept = 1024

// Sender sends through a Client within Telegram's limits. A 429 pauses
// every send for the wait Telegram asks, since flood control may be for
// the whole bot. It is safe for concurrent use.
type Sender struct {
	client  *Client
	limits  Limits
	overall *rate.Limiter

	mu     sync.Mutex
	chats  map[int64]*rate.Limiter
	paused time.Time
}

// NewSender returns a Sender through c.
func NewSender(c *Client, l Limits) *Sender {
	if l.PerChat == 0 {
		l.PerChat = 1
	}
	if l.Overall == 0 {
		l.Overall = 30
	}
	if l.Retries == 0 {
		l.Retries = 3
	}
	if l.Now == nil {
		l.Now = time.Now
	}
	if l.Sleep == nil {
		l.Sleep = sleep
	}
	return &Sender{client: c, limits: l, overall: rate.NewLimiter(l.Overall, 1), chats: map[int64]*rate.Limiter{}}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Send sends t, split into messages of at most MaxText characters, in
// order: the first part answers t.ReplyTo, the last carries the buttons.
// It returns the messages sent; when a part fails, those sent before it
// and the error (a text with nothing to send is ErrBadRequest). Only a 429
// is tried again: Telegram unreachable is returned at once, for the caller
// to keep the message and send it later.
func (s *Sender) Send(ctx context.Context, t Text) ([]Message, error) {
	parts := Split(t.Text, MaxText)
	if len(parts) == 0 {
		return nil, fmt.Errorf("botapi send: %w: empty text", ErrBadRequest)
	}
	sent := make([]Message, 0, len(parts))
	for i, p := range parts {
		part := Text{ChatID: t.ChatID, Text: p, Protect: t.Protect}
		if i == 0 {
			part.ReplyTo = t.ReplyTo
		}
		if i == len(parts)-1 {
			part.Buttons = t.Buttons
		}
		var m Message
		err := s.do(ctx, t.ChatID, func() (err error) {
			m, err = s.client.SendMessage(ctx, part)
			return err
		})
		if err != nil {
			return sent, err
		}
		sent = append(sent, m)
	}
	return sent, nil
}

// Delete is Client.DeleteMessage within the overall limit. A deletion is
// no message to the chat, so the chat's limit does not hold it back:
// /delete removes up to a couple of hundred at once.
func (s *Sender) Delete(ctx context.Context, chatID, messageID int64) error {
	return s.do(ctx, 0, func() error { return s.client.DeleteMessage(ctx, chatID, messageID) })
}

// do makes call once the limits allow (the chat's, unless chatID is 0, and
// the overall one), again after each 429's wait.
func (s *Sender) do(ctx context.Context, chatID int64, call func() error) error {
	for attempt := 0; ; attempt++ {
		if err := s.wait(ctx, chatID); err != nil {
			return err
		}
		err := call()
		d, ok := RetryAfter(err)
		if !ok || attempt >= s.limits.Retries {
			return err
		}
		s.mu.Lock()
		s.paused = later(s.paused, s.limits.Now().Add(max(d, time.Second)))
		s.mu.Unlock()
	}
}

// wait sleeps through a pause after a 429, then until both the chat's and
// the overall limiter let one message through.
func (s *Sender) wait(ctx context.Context, chatID int64) error {
	s.mu.Lock()
	paused := s.paused
	s.mu.Unlock()
	if d := paused.Sub(s.limits.Now()); d > 0 {
		if err := s.limits.Sleep(ctx, d); err != nil {
			return err
		}
	}
	s.mu.Lock()
	now := s.limits.Now()
	reserved := []*rate.Reservation{s.overall.ReserveN(now, 1)}
	if chatID != 0 {
		reserved = append(reserved, s.chat(chatID, now).ReserveN(now, 1))
	}
	var d time.Duration
	for _, r := range reserved {
		d = max(d, r.DelayFrom(now))
	}
	s.mu.Unlock()
	if d <= 0 {
		return nil
	}
	if err := s.limits.Sleep(ctx, d); err != nil {
		now := s.limits.Now()
		for _, r := range reserved {
			r.CancelAt(now)
		}
		return err
	}
	return nil
}

// chat is the limiter of one chat; s.mu is held.
func (s *Sender) chat(chatID int64, now time.Time) *rate.Limiter {
	if l, ok := s.chats[chatID]; ok {
		return l
	}
	if len(s.chats) >= chatsKept {
		for id, l := range s.chats {
			if l.TokensAt(now) >= 1 {
				delete(s.chats, id)
			}
		}
	}
	l := rate.NewLimiter(s.limits.PerChat, 1)
	s.chats[chatID] = l
	return l
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
