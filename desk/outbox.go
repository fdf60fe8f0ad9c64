package desk

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"time"

	"tropa"
)

// ChatSender is the outbound seam of the Telegram channel: it sends a staff
// reply to the applicant's chat.
type ChatSender interface {
	// SendChat sends text to chat. An error that is or wraps
	// ErrChatBlocked says that he blocked the bot; an error with a
	// RetryAfter() time.Duration method says when Telegram takes
	// messages again; any other is retried with backoff.
	SendChat(ctx context.Context, chat int64, text string) error
}

// ErrChatBlocked is what a ChatSender returns when the applicant blocked
// the bot: the reply stays in the case, and staff see it was not
// delivered.
var ErrChatBlocked = errors.New("desk: the applicant blocked the bot")

// Replies to a chat wait in the memory of the node that took them, never
// on disk: waiting, a reply is its text and its chat, both of which the
// disk holds only sealed under the case key. A reply still pending after
// deliveryStale, as when its node restarted, is taken again by the next
// staff member to open the case, whose key opens both.
const (
	deliverEvery  = 5 * time.Second
	deliveryStale = 15 * time.Minute
)

// outgoing is a reply on its way to a chat; sealed is the request's sealed
// chat it was opened from.
type outgoing struct {
	requestID string
	messageID string
	chat      int64
	sealed    []byte
	text      string
	failures  int
	retryAt   time.Time
}

// outbox is the replies this node is to send, by message id.
type outbox struct {
	mu    sync.Mutex
	byID  map[string]*outgoing
	order []string
}

func newOutbox() *outbox { return &outbox{byID: map[string]*outgoing{}} }

// add queues o unless it is queued already.
func (b *outbox) add(o outgoing) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.byID[o.messageID]; ok {
		return
	}
	b.byID[o.messageID] = &o
	b.order = append(b.order, o.messageID)
}

// due returns a copy of the replies due to be tried at now, oldest first.
func (b *outbox) due(now time.Time) []outgoing {
	b.mu.Lock()
	defer b.mu.Unlock()
	var list []outgoing
	for _, id := range b.order {
		if o := b.byID[id]; !now.Before(o.retryAt) {
			list = append(list, *o)
		}
	}
	return list
}

// done takes a reply out of the outbox.
func (b *outbox) done(messageID string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.byID[messageID]; !ok {
		return
	}
	delete(b.byID, messageID)
	for i, id := range b.order {
		if id == messageID {
			b.order = append(b.order[:i], b.order[i+1:]...)
			break
		}
	}
}

// failed notes a failed try, to be retried at retryAt.
func (b *outbox) failed(messageID string, retryAt time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if o, ok := b.byID[messageID]; ok {
		o.failures++
		o.retryAt = retryAt
	}
}

// failures is how many tries of a reply failed in a row.
func (b *outbox) failures(messageID string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if o, ok := b.byID[messageID]; ok {
		return o.failures
	}
	return 0
}

// drop takes every reply to requestID out: his chat was erased.
func (b *outbox) drop(requestID string) {
	b.mu.Lock()
	list := make([]string, 0)
	for id, o := range b.byID {
		if o.requestID == requestID {
			list = append(list, id)
		}
	}
	b.mu.Unlock()
	for _, id := range list {
		b.done(id)
	}
}

// DeliverOnce tries every reply due to be sent to its chat. It is the
// background work Run repeats.
func (d *Desk) DeliverOnce(ctx context.Context) error {
	if d.cfg.Chats == nil {
		return nil
	}
	var errs []error
	for _, o := range d.outbox.due(d.now()) {
		if err := d.deliver(ctx, o); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// deliver sends one reply, unless the applicant's chat was erased or
// replaced since (on this node or another): it stays pending, for the
// next staff member who opens the case to queue it to the chat there is
// then. It notes how far it got.
func (d *Desk) deliver(ctx context.Context, o outgoing) error {
	rr, err := d.cfg.Store.RequestByID(ctx, o.requestID)
	if tropa.IsCode(err, tropa.ENOTFOUND) || err == nil && !bytes.Equal(rr.SealedChat, o.sealed) {
		d.outbox.done(o.messageID)
		return nil
	} else if err != nil {
		return err
	}
	err = d.cfg.Chats.SendChat(ctx, o.chat, o.text)
	var wait interface{ RetryAfter() time.Duration }
	switch {
	case err == nil:
		return d.delivered(ctx, o.messageID, tropa.DeliverySent)
	case errors.Is(err, ErrChatBlocked):
		return d.delivered(ctx, o.messageID, tropa.DeliveryBlocked)
	case errors.As(err, &wait):
		d.outbox.failed(o.messageID, d.now().Add(wait.RetryAfter()))
	default:
		d.outbox.failed(o.messageID, d.now().Add(noticeBackoff(d.outbox.failures(o.messageID)+1)))
	}
	return nil
}

// delivered notes the end of a reply's way, and takes it out of the outbox.
func (d *Desk) delivered(ctx context.Context, messageID string, how tropa.Delivery) error {
	d.outbox.done(messageID)
	err := d.cfg.Store.SetDelivery(ctx, messageID, how)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return nil
	}
	return err
}

// requeue takes again the replies of an opened case still pending after
// deliveryStale: the node that took them may have stopped, or had no bot.
// Its chat, sealed as sealed, and their text are open in t.
func (d *Desk) requeue(t *tropa.Thread, sealed []byte) {
	if d.cfg.Chats == nil || t.Chat == 0 {
		return
	}
	for _, m := range t.Messages {
		if m.Delivery == tropa.DeliveryPending && d.now().Sub(m.CreatedAt) >= deliveryStale {
			d.outbox.add(outgoing{requestID: t.Request.ID, messageID: m.ID, chat: t.Chat, sealed: sealed, text: m.Body})
		}
	}
}
