package telegram

import (
	"cmp"
	"context"
	"log/slog"
	"sync"

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
	log    *slog.Logger

	mu   sync.Mutex
	seen seenUpdates
}

// NewBot answers through client and send with conv, keeping the chats'
// states in chats. log hears of failures and never of a chat.
func NewBot(conv *Conversation, client *botapi.Client, send *botapi.Sender, chats *Chats, log *slog.Logger) *Bot {
	return &Bot{conv: conv, client: client, send: send, chats: chats, log: log}
}

// Handle answers one update. It fails only when ctx has ended before it
// took the update, so that a listener or a webhook hands it again. A
// second delivery of an update this node has seen is dropped, and so are
// updates from groups and channels and kinds the bot does not read. What
// Telegram refuses to deliver is logged, without the chat.
func (b *Bot) Handle(ctx context.Context, u botapi.Update) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !b.firstTime(u.ID) {
		return nil
	}
	ev, ok := b.event(ctx, u)
	if !ok {
		return nil
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

// event is the conversation's event for u, and false for an update the
// bot does not answer. A button press is acknowledged at once, so that
// the applicant's app stops waiting.
func (b *Bot) event(ctx context.Context, u botapi.Update) (Event, bool) {
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
		if err := b.client.AnswerCallbackQuery(ctx, q.ID, ""); err != nil {
			b.log.Warn("telegram: a button press was not acknowledged", "err", err)
		}
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
		ev.File = &File{Kind: FilePhoto}
		// The largest size that a photo sent with the web form could be.
		var best botapi.PhotoSize
		for _, p := range m.Photo {
			if p.FileSize <= tropa.MaxAttachmentSize && p.Width*p.Height >= best.Width*best.Height {
				best = p
			}
		}
		if best.FileID == "" {
			best, _ = m.Largest()
		}
		ev.File.ID, ev.File.Size = best.FileID, best.FileSize
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

// firstTime reports whether this node sees update id for the first time.
func (b *Bot) firstTime(id int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seen.add(id)
}

// seenUpdates are the update ids seen most recently, enough to drop a
// second delivery of one, which Telegram makes when an answer to it was
// lost.
type seenUpdates struct {
	ids  map[int64]bool
	ring []int64
	next int
}

// seenKept is how many update ids seenUpdates remembers.
const seenKept = 4096

// add notes id, and reports whether it was new.
func (s *seenUpdates) add(id int64) bool {
	if s.ids == nil {
		s.ids, s.ring = map[int64]bool{}, make([]int64, 0, seenKept)
	}
	if s.ids[id] {
		return false
	}
	if len(s.ring) < seenKept {
		s.ring = append(s.ring, id)
	} else {
		delete(s.ids, s.ring[s.next])
		s.ring[s.next] = id
		s.next = (s.next + 1) % seenKept
	}
	s.ids[id] = true
	return true
}
