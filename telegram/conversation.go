// Package telegram is the organization's Telegram bot: the second channel
// through which an applicant asks for help, after the web form.
//
// The conversation is plain code: Conversation.Handle takes one event of
// one chat and the chat's State, and returns the new State and what to
// send back. It speaks neither HTTP nor the Bot API; the caller turns
// updates into Events and Replies into Bot API calls, and reaches the help
// desk through the Desk interface.
//
// State between events is small and serialisable (JSON). Before the
// request is sent it holds the applicant's answers in plaintext, so the
// caller keeps it only in memory until then, never on disk; from the
// moment the request is submitted it holds no personal data at all: a
// step, a language, and the ids of messages /delete may remove.
package telegram

import (
	"context"
	"slices"
	"strings"

	"tropa"
)

// Languages are the languages the bot speaks, in the order it offers them.
var Languages = []string{"ru", "uk", "en"}

// Config is what a Conversation needs.
type Config struct {
	Desk Desk
	// Words returns the catalogs in one of Languages.
	Words func(lang string) Words
	// SiteURL is the web site's address, where the receipt also opens the
	// request; "" if it has none to name.
	SiteURL string
	// OnionURL is the web form's onion address, offered for what the
	// applicant would not tell Telegram; "" if there is none.
	OnionURL string
}

// Conversation leads applicants through the bot. It keeps nothing between
// events: all it knows of a chat is the State it is given.
type Conversation struct {
	cfg Config
}

// New returns a Conversation with cfg.
func New(cfg Config) *Conversation { return &Conversation{cfg: cfg} }

// EventKind is what sort of input an Event is.
type EventKind int

const (
	// EventText is a message of text; a command such as /start is a text
	// that starts with it.
	EventText EventKind = iota + 1
	// EventButton is a press on one of the bot's inline buttons.
	EventButton
	// EventFile is a photo or any other file: a document, a voice message,
	// a video, a sticker.
	EventFile
	// EventEdited is a message the applicant changed after sending it.
	EventEdited
	// EventOther is any other message: a location, a contact, a poll.
	EventOther
)

// Event is one input from a chat.
type Event struct {
	Kind EventKind
	Chat Chat
	// MessageID is the applicant's message, 0 for a button press: the bot
	// may delete his messages too when he asks it to.
	MessageID int
	// Text is the message's text, or a file's caption.
	Text string
	// Data is a pressed button's callback data.
	Data string
	File *File
}

// FileKind is what sort of file an applicant sent.
type FileKind int

const (
	// FilePhoto is a photo Telegram compressed; the caller passes its
	// largest size within tropa.MaxAttachmentSize, if any.
	FilePhoto FileKind = iota + 1
	// FileDocument is a file sent as a file, with the type it claims.
	FileDocument
	// FileOther is a voice message, a video, a sticker, an audio file.
	FileOther
)

// File is a file an applicant sent, as Telegram describes it; its content
// stays with Telegram until the Desk fetches it.
type File struct {
	Kind FileKind
	// ID is Telegram's file id, to fetch the file with.
	ID   string
	Size int64
	// Name and MIME are what a document claims to be, "" for a photo.
	Name string
	MIME string
}

// Reply is what to do in the chat after an event: send Messages in order,
// then delete the messages Delete lists.
type Reply struct {
	Messages []Message
	// Delete are message ids, the bot's and the applicant's, to delete
	// after /delete. Telegram lets a bot delete a message only within 48
	// hours, and refuses the others: the caller ignores those refusals.
	Delete []int
}

// Message is one message the bot sends.
type Message struct {
	Text string
	// Buttons are rows of inline buttons under the message.
	Buttons [][]Button
	// Receipt marks the message that carries the receipt code: the caller
	// sends it protected from forwarding and saving, where Telegram can.
	Receipt bool
}

// Button is an inline button: Text is shown, Data comes back in an
// EventButton when it is pressed.
type Button struct {
	Text string
	Data string
}

// Handle answers one event of the chat whose state is st, and returns the
// chat's new state. It always answers with at least one message, whatever
// the event, and never fails: what the Desk refuses is explained in the
// reply. After sending, the caller passes each sent message's id to
// State.Remember. The events of one chat are handled one at a time, in
// the order they came, each with the state the last one returned.
func (c *Conversation) Handle(ctx context.Context, st State, ev Event) (State, Reply) {
	st.Messages = slices.Clone(st.Messages)
	if ev.MessageID != 0 {
		st.Remember(ev.MessageID)
	}
	t := &turn{c: c, ctx: ctx, st: st, chat: ev.Chat, msg: ev.MessageID}
	t.handle(ev)
	return t.st, t.reply
}

// turn is one event being answered.
type turn struct {
	c    *Conversation
	ctx  context.Context
	st   State
	chat Chat
	// msg is the applicant's message being answered, 0 for a button.
	msg   int
	reply Reply
}

func (t *turn) handle(ev Event) {
	switch ev.Kind {
	case EventText:
		if code, ok := staffLinkCode(ev.Text); ok {
			t.linkStaff(code)
			return
		}
		if cmd, ok := command(ev.Text); ok {
			t.command(cmd)
			return
		}
		t.text(ev.Text)
	case EventButton:
		t.button(ev.Data)
	case EventFile:
		t.file(ev.File, ev.Text)
	case EventEdited:
		t.hint("TelegramEdited")
	default:
		t.hint("TelegramUnknownInput")
	}
}

// command reads a command such as "/start" or "/start@example_bot
// payload": a slash, then letters.
func command(text string) (string, bool) {
	fields := strings.Fields(text)
	if len(fields) == 0 || !strings.HasPrefix(fields[0], "/") {
		return "", false
	}
	name, _, _ := strings.Cut(fields[0][1:], "@")
	if name == "" || strings.IndexFunc(name, func(r rune) bool { return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') }) >= 0 {
		return "", false
	}
	return strings.ToLower(name), true
}

// commands are the bot's commands, in the order its menu lists them.
var commands = []string{"start", "status", "delete", "language", "verify", "help"}

// Command is one of the bot's commands, for the menu Telegram shows.
type Command struct {
	Name        string
	Description string
}

// Commands are the bot's commands described in lang, for the menu that
// Telegram shows to those whose app speaks lang (setMyCommands).
func (c *Conversation) Commands(lang string) []Command {
	w := c.words(lang)
	cmds := make([]Command, len(commands))
	for i, name := range commands {
		cmds[i] = Command{Name: name, Description: w.Text("TelegramCommand_"+name, nil)}
	}
	return cmds
}

// words are the catalogs in lang, Russian for a language the bot does not
// speak, as most applicants read it.
func (c *Conversation) words(lang string) Words {
	if !slices.Contains(Languages, lang) {
		lang = Languages[0]
	}
	return c.cfg.Words(lang)
}

func (t *turn) command(cmd string) {
	switch cmd {
	case "start":
		t.start()
	case "language":
		t.st.Deleting = false
		t.send(t.languageQuestion())
	case "help":
		t.help()
	case "verify":
		t.verify()
	case "status":
		t.status()
	case "delete":
		t.askDelete()
	default:
		t.hint("TelegramUnknownCommand")
	}
}

// words are the catalogs in the chat's language; Russian until he picks
// one.
func (t *turn) words() Words { return t.c.words(t.st.Lang) }

// T is message id in the chat's language.
func (t *turn) T(id string) string { return t.words().Text(id, nil) }

// Tmap is message id in the chat's language, with data.
func (t *turn) Tmap(id string, data map[string]any) string { return t.words().Text(id, data) }

// send adds msgs to the reply. A text longer than Telegram takes in one
// message is split by the sender (botapi.Sender), which puts the buttons
// under its last part.
func (t *turn) send(msgs ...Message) {
	t.reply.Messages = append(t.reply.Messages, msgs...)
}

func (t *turn) say(text string) { t.send(Message{Text: text}) }

// hint says id, then asks again what the chat is waiting for.
func (t *turn) hint(id string) {
	t.say(t.T(id))
	t.send(t.question()...)
}

// refused explains an error of the Desk, or of the applicant's input.
func (t *turn) refused(err error) {
	switch tropa.ErrorCode(err) {
	case tropa.EBUSY, tropa.ERATELIMIT, tropa.EUNAVAILABLE:
		t.say(t.T("TelegramTryLater"))
	default:
		t.say(t.words().Explain(err))
	}
}
