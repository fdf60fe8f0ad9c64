package telegram

import (
	"cmp"
	"context"
	"log/slog"

	"tropa"
	"tropa/telegram/botapi"
)

// Bot answers the applicants who write to the organization's bot: it turns
// the Bot API's updates into the conversation's events and its replies into
// messages.
type Bot struct {
	conv   *Conversation
	client *botapi.Client
	send   *botapi.Sender
	chats  *Chats
	seen   Deliveries
	log    *slog.Logger
}

// Deliveries tells an update reaching the bot for the first time from one
// delivered again, to this node or to another of the organization's: the
// desk, which notes every update's id in the database the nodes share.
type Deliveries interface {
	// FirstDelivery notes updateID and reports whether no node noted it
	// before.
	FirstDelivery(ctx context.Context, updateID int64) (bool, error)
}

// NewBot answers through client and send with conv, keeping the chats'
// states in chats and taking each update once by seen. log hears of
// failures and never of a chat.
func NewBot(conv *Conversation, client *botapi.Client, send *botapi.Sender, chats *Chats, seen Deliveries,
	log *slog.Logger) *Bot {
	return &Bot{conv: conv, client: client, send: send, chats: chats, seen: seen, log: log}
}

// Handle answers one update. It fails only when ctx has ended before it
// took the update, or the update could not be noted as taken, so that a
// listener or a webhook hands it again. A second delivery of an update
// that any node took is dropped, and so are updates from groups and
// channels and kinds the bot does not read. What Telegram refuses to
// deliver is logged, without the chat.
func (b *Bot) Handle(ctx context.Context, u botapi.Update) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ev, ok := eventOf(u)
	if !ok {
		return nil
	}
	if first, err := b.seen.FirstDelivery(ctx, u.ID); err != nil || !first {
		return err
	}
	if q := u.CallbackQuery; q != nil {
		// At once, so that his app stops waiting.
		if err := b.client.AnswerCallbackQuery(ctx, q.ID, ""); err != nil {
			b.log.Warn("telegram: a button press was not acknowledged", "err", err)
		}
	}
	c := b.chats.lock(ev.Chat)
	defer b.chats.unlock(c)
	st, reply := b.conv.Handle(ctx, c.st, ev)
	for _, m := range reply.Messages {
		sent, err := b.send.Send(ctx, botapi.Text{ChatID: int64(ev.Chat), Text: m.Text, Buttons: toButtons(m.Buttons),
			Protect: m.Receipt})
		for _, s := range sent {
			st.Remember(int(s.ID))
		}
		if err != nil {
			b.log.Warn("telegram: a message was not sent", "err", err)
			break
		}
	}
	for _, id := range reply.Delete {
		// Telegram refuses to delete messages older than two days; the
		// others go whatever it answers for one.
		if err := b.send.Delete(ctx, int64(ev.Chat), int64(id)); err != nil && ctx.Err() != nil {
			break
		}
	}
	c.st = st
	return nil
}

// SetCommands sets the menu of commands Telegram shows under the bot's
// chat, in each of the bot's languages, and in the first of them for apps
// in any other.
func (b *Bot) SetCommands(ctx context.Context) error {
	for _, lang := range append([]string{""}, Languages...) {
		var menu []botapi.Command
		for _, c := range b.conv.Commands(cmp.Or(lang, Languages[0])) {
			menu = append(menu, botapi.Command{Command: c.Name, Description: c.Description})
		}
		if err := b.client.SetMyCommands(ctx, menu, lang); err != nil {
			return err
		}
	}
	return nil
}

// eventOf is the conversation's event for u, and false for an update the
// bot does not answer: from a group or a channel, or of a kind it does
// not read.
func eventOf(u botapi.Update) (Event, bool) {
	switch u.Kind() {
	case botapi.KindMessage:
		return messageEvent(u.Message)
	case botapi.KindEditedMessage:
		if !u.EditedMessage.Private() {
			return Event{}, false
		}
		return Event{Kind: EventEdited, Chat: Chat(u.EditedMessage.Chat.ID), MessageID: int(u.EditedMessage.ID)}, true
	case botapi.KindCallbackQuery:
		q := u.CallbackQuery
		if q.Message == nil || !q.Message.Private() {
			return Event{}, false
		}
		return Event{Kind: EventButton, Chat: Chat(q.Message.Chat.ID), Data: q.Data}, true
	}
	return Event{}, false
}

// messageEvent is the event of a new message in a person's own chat.
func messageEvent(m *botapi.Message) (Event, bool) {
	if !m.Private() {
		return Event{}, false
	}
	ev := Event{Kind: EventText, Chat: Chat(m.Chat.ID), MessageID: int(m.ID), Text: m.Text}
	switch {
	case len(m.Photo) > 0:
		ev.Kind, ev.Text = EventFile, m.Caption
		// The largest size that a photo sent with the web form could be.
		best, _ := m.Largest(tropa.MaxAttachmentSize)
		ev.File = &File{Kind: FilePhoto, ID: best.FileID, Size: best.FileSize}
	case m.Document != nil:
		ev.Kind, ev.Text = EventFile, m.Caption
		ev.File = &File{Kind: FileDocument, ID: m.Document.FileID, Size: m.Document.FileSize,
			Name: m.Document.FileName, MIME: m.Document.MimeType}
	case m.Text == "":
		ev.Kind = EventOther
	}
	return ev, true
}

func toButtons(rows [][]Button) [][]botapi.Button {
	out := make([][]botapi.Button, len(rows))
	for i, row := range rows {
		for _, btn := range row {
			out[i] = append(out[i], botapi.Button{Text: btn.Text, Data: btn.Data})
		}
	}
	return out
}
