package botapi

import (
	"encoding/json"
	"errors"
)

// Kind is what an update carries, of the kinds tropa reads.
type Kind int

const (
	// KindUnknown is any other update (a channel post, a poll, a member
	// change, a kind Telegram adds tomorrow) or one whose known part could
	// not be read. It is acknowledged and ignored.
	KindUnknown Kind = iota
	KindMessage
	KindEditedMessage
	KindCallbackQuery
)

func (k Kind) String() string {
	switch k {
	case KindMessage:
		return "message"
	case KindEditedMessage:
		return "edited_message"
	case KindCallbackQuery:
		return "callback_query"
	}
	return "unknown"
}

// AllowedUpdates are the kinds tropa asks Telegram for, in getUpdates and
// setWebhook; others may still come (Telegram keeps an earlier setting
// until it is changed) and are KindUnknown.
func AllowedUpdates() []string {
	return []string{"message", "edited_message", "callback_query"}
}

// Update is one incoming update. At most one of its pointers is set.
type Update struct {
	ID            int64          `json:"update_id"`
	Message       *Message       `json:"message,omitempty"`
	EditedMessage *Message       `json:"edited_message,omitempty"`
	CallbackQuery *CallbackQuery `json:"callback_query,omitempty"`
}

// Kind says which of the update's parts is set.
func (u Update) Kind() Kind {
	switch {
	case u.Message != nil:
		return KindMessage
	case u.EditedMessage != nil:
		return KindEditedMessage
	case u.CallbackQuery != nil:
		return KindCallbackQuery
	}
	return KindUnknown
}

// Chat is where a message was written. Type is "private" for a person's
// chat with the bot; the bot answers nothing else.
type Chat struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
}

// Message is a message as tropa reads it: who it came from is the chat,
// never a name or a username.
type Message struct {
	ID       int64       `json:"message_id"`
	Chat     Chat        `json:"chat"`
	Date     int64       `json:"date"`
	Text     string      `json:"text,omitempty"`
	Caption  string      `json:"caption,omitempty"`
	Photo    []PhotoSize `json:"photo,omitempty"`
	Document *Document   `json:"document,omitempty"`
}

// Private reports whether m was written in a person's own chat with the bot.
func (m Message) Private() bool { return m.Chat.Type == "private" }

// Largest is the photo's largest size of at most limit bytes (0 for no
// limit), the one worth downloading, else its largest; false when m has
// no photo.
func (m Message) Largest(limit int64) (PhotoSize, bool) {
	var best, within PhotoSize
	for _, p := range m.Photo {
		if p.Width*p.Height >= best.Width*best.Height {
			best = p
		}
		if (limit == 0 || p.FileSize <= limit) && p.Width*p.Height >= within.Width*within.Height {
			within = p
		}
	}
	if within.FileID != "" {
		best = within
	}
	return best, len(m.Photo) > 0
}

// PhotoSize is one size Telegram keeps of a photo.
type PhotoSize struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	FileSize     int64  `json:"file_size,omitempty"`
}

// Document is a file sent as a file. Its name and type are the sender's
// word, not checked by Telegram.
type Document struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileName     string `json:"file_name,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int64  `json:"file_size,omitempty"`
}

// CallbackQuery is a press on an inline button. Message is the bot's
// message that carried the button; it is nil when Telegram no longer has
// it.
type CallbackQuery struct {
	ID      string   `json:"id"`
	Data    string   `json:"data,omitempty"`
	Message *Message `json:"message,omitempty"`
}

// errNoUpdateID is an update without a readable update_id.
var errNoUpdateID = errors.New("botapi: not an update: no update_id")

// DecodeUpdate reads one update as Telegram sends it (a webhook's body, an
// element of getUpdates' result). It fails only when data has no readable
// update_id: a part that does not read as tropa expects (a message without
// a chat, a field of an unexpected type) leaves the update KindUnknown, so
// that one odd update is acknowledged and skipped instead of being
// delivered again forever.
func DecodeUpdate(data []byte) (Update, error) {
	var id struct {
		ID *int64 `json:"update_id"`
	}
	if err := json.Unmarshal(data, &id); err != nil || id.ID == nil {
		return Update{}, errNoUpdateID
	}
	var u Update
	if err := json.Unmarshal(data, &u); err != nil {
		return Update{ID: *id.ID}, nil
	}
	u.ID = *id.ID
	if u.Message != nil && u.Message.Chat.ID == 0 {
		u.Message = nil
	}
	if u.EditedMessage != nil && u.EditedMessage.Chat.ID == 0 {
		u.EditedMessage = nil
	}
	if u.CallbackQuery != nil && u.CallbackQuery.ID == "" {
		u.CallbackQuery = nil
	}
	if u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat.ID == 0 {
		u.CallbackQuery.Message = nil
	}
	// Telegram sends one part per update; should two come, the first
	// read wins and the rest are dropped, so Kind never hides a part.
	switch u.Kind() {
	case KindMessage:
		u.EditedMessage, u.CallbackQuery = nil, nil
	case KindEditedMessage:
		u.CallbackQuery = nil
	}
	return u, nil
}
