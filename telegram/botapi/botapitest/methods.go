package botapitest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode/utf16"

	"tropa/telegram/botapi"
)

// method answers one Bot API method, its JSON parameters read.
type method func(w http.ResponseWriter, r *http.Request, p map[string]json.RawMessage)

func (s *Server) methods() map[string]method {
	return map[string]method{
		"getMe":               func(w http.ResponseWriter, _ *http.Request, _ map[string]json.RawMessage) { answer(w, s.Bot()) },
		"getUpdates":          s.getUpdates,
		"sendMessage":         s.sendMessage,
		"deleteMessage":       s.deleteMessage,
		"answerCallbackQuery": s.answerCallbackQuery,
		"getFile":             s.getFile,
		"setWebhook":          s.setWebhook,
		"deleteWebhook":       s.deleteWebhook,
		"setMyCommands":       s.setMyCommands,
	}
}

// param reads one parameter into v; a missing one leaves v as it is.
func param(p map[string]json.RawMessage, name string, v any) bool {
	raw, ok := p[name]
	return !ok || json.Unmarshal(raw, v) == nil
}

func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, p map[string]json.RawMessage) {
	var offset int64
	var timeout, limit int
	if !param(p, "offset", &offset) || !param(p, "timeout", &timeout) || !param(p, "limit", &limit) {
		refuse(w, 400, "Bad Request: wrong parameter", 0)
		return
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	deadline := time.After(time.Duration(timeout) * time.Second)
	for {
		s.mu.Lock()
		if s.webhook != "" {
			s.mu.Unlock()
			refuse(w, 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", 0)
			return
		}
		if offset > 0 {
			for len(s.updates) > 0 && s.updates[0].id < offset {
				s.updates = s.updates[1:]
			}
		}
		batch := make([]json.RawMessage, 0, limit)
		for _, u := range s.updates {
			if len(batch) == limit {
				break
			}
			batch = append(batch, u.raw)
		}
		changed := s.changed
		s.mu.Unlock()
		if len(batch) > 0 || timeout <= 0 {
			answer(w, batch)
			return
		}
		select {
		case <-changed:
		case <-deadline:
			timeout = 0
		case <-r.Context().Done():
			return
		}
	}
}

// keyboard reads reply_markup.
func keyboard(p map[string]json.RawMessage) ([][]botapi.Button, bool) {
	var m struct {
		InlineKeyboard [][]botapi.Button `json:"inline_keyboard"`
	}
	if !param(p, "reply_markup", &m) {
		return nil, false
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if b.Data == "" || len(b.Data) > botapi.MaxButtonData {
				return nil, false
			}
		}
	}
	return m.InlineKeyboard, true
}

// textError is Telegram's refusal of a message's text, "" for none.
func textError(text string) string {
	switch {
	case strings.TrimSpace(text) == "":
		return "Bad Request: message text is empty"
	case len(utf16.Encode([]rune(text))) > botapi.MaxText:
		return "Bad Request: message is too long"
	}
	return ""
}

// reachable is the chat the bot may write to, or Telegram's refusal;
// s.mu is held.
func (s *Server) reachable(w http.ResponseWriter, chatID int64) *chat {
	c, ok := s.chats[chatID]
	switch {
	case !ok:
		refuse(w, 400, "Bad Request: chat not found", 0)
		return nil
	case c.blocked:
		refuse(w, 403, "Forbidden: bot was blocked by the user", 0)
		return nil
	}
	return c
}

func (s *Server) sendMessage(w http.ResponseWriter, _ *http.Request, p map[string]json.RawMessage) {
	var chatID int64
	var text string
	var protect bool
	var reply struct {
		MessageID int64 `json:"message_id"`
		Anyway    bool  `json:"allow_sending_without_reply"`
	}
	buttons, ok := keyboard(p)
	switch {
	case !param(p, "chat_id", &chatID) || !param(p, "text", &text) || !param(p, "reply_parameters", &reply) ||
		!param(p, "protect_content", &protect):
		refuse(w, 400, "Bad Request: wrong parameter", 0)
		return
	case !ok:
		refuse(w, 400, "Bad Request: BUTTON_DATA_INVALID", 0)
		return
	case textError(text) != "":
		refuse(w, 400, textError(text), 0)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.reachable(w, chatID)
	if c == nil {
		return
	}
	if reply.MessageID != 0 && c.find(reply.MessageID) < 0 && !reply.Anyway {
		refuse(w, 400, "Bad Request: message to be replied not found", 0)
		return
	}
	b := s.add(c, true, text, buttons)
	s.record(Record{Method: "sendMessage", ChatID: chatID, MessageID: b.MessageID, Text: text, Buttons: buttons,
		ReplyTo: reply.MessageID, Protected: protect})
	answer(w, wire(chatID, b))
}

func (s *Server) deleteMessage(w http.ResponseWriter, _ *http.Request, p map[string]json.RawMessage) {
	var chatID, messageID int64
	if !param(p, "chat_id", &chatID) || !param(p, "message_id", &messageID) {
		refuse(w, 400, "Bad Request: wrong parameter", 0)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[chatID]
	if !ok {
		refuse(w, 400, "Bad Request: chat not found", 0)
		return
	}
	i := c.find(messageID)
	switch {
	case i < 0:
		refuse(w, 400, "Bad Request: message to delete not found", 0)
		return
	case s.now().Sub(c.messages[i].Date) > 48*time.Hour:
		refuse(w, 400, "Bad Request: message can't be deleted for everyone", 0)
		return
	}
	c.messages = append(c.messages[:i], c.messages[i+1:]...)
	s.record(Record{Method: "deleteMessage", ChatID: chatID, MessageID: messageID})
	answer(w, true)
}

func (s *Server) answerCallbackQuery(w http.ResponseWriter, _ *http.Request, p map[string]json.RawMessage) {
	var id, text string
	if !param(p, "callback_query_id", &id) || !param(p, "text", &text) {
		refuse(w, 400, "Bad Request: wrong parameter", 0)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.queries[id] {
		refuse(w, 400, "Bad Request: query is too old and response timeout expired or query ID is invalid", 0)
		return
	}
	delete(s.queries, id)
	s.record(Record{Method: "answerCallbackQuery", QueryID: id, Text: text})
	answer(w, true)
}

func (s *Server) setMyCommands(w http.ResponseWriter, _ *http.Request, p map[string]json.RawMessage) {
	var commands []botapi.Command
	var lang string
	if !param(p, "commands", &commands) || !param(p, "language_code", &lang) || len(commands) > 100 {
		refuse(w, 400, "Bad Request: wrong parameter", 0)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands[lang] = commands
	answer(w, true)
}

func (s *Server) getFile(w http.ResponseWriter, _ *http.Request, p map[string]json.RawMessage) {
	var id string
	if !param(p, "file_id", &id) {
		refuse(w, 400, "Bad Request: wrong parameter", 0)
		return
	}
	s.mu.Lock()
	data, ok := s.files[id]
	s.mu.Unlock()
	switch {
	case !ok:
		refuse(w, 400, "Bad Request: invalid file_id", 0)
	case len(data) > maxFile:
		refuse(w, 400, "Bad Request: file is too big", 0)
	default:
		answer(w, botapi.File{FileID: id, FileSize: int64(len(data)), FilePath: "files/" + id})
	}
}

func (s *Server) setWebhook(w http.ResponseWriter, _ *http.Request, p map[string]json.RawMessage) {
	var url, secret string
	if !param(p, "url", &url) || !param(p, "secret_token", &secret) || url == "" {
		refuse(w, 400, "Bad Request: bad webhook: an HTTPS URL must be provided for webhook", 0)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook, s.secret = url, secret
	s.notify()
	answer(w, true)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, _ *http.Request, p map[string]json.RawMessage) {
	var drop bool
	if !param(p, "drop_pending_updates", &drop) {
		refuse(w, 400, "Bad Request: wrong parameter", 0)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook, s.secret = "", ""
	if drop {
		s.updates = nil
	}
	s.notify()
	answer(w, true)
}

// record keeps r and wakes WaitSent; s.mu is held.
func (s *Server) record(r Record) {
	s.records = append(s.records, r)
	s.notify()
}

// find is the index of message id in the chat, -1 if it is not there.
func (c *chat) find(id int64) int {
	for i, b := range c.messages {
		if b.MessageID == id {
			return i
		}
	}
	return -1
}

// wire is a bubble as the Bot API returns a message.
func wire(chatID int64, b Bubble) botapi.Message {
	return botapi.Message{ID: b.MessageID, Chat: botapi.Chat{ID: chatID, Type: "private"}, Date: b.Date.Unix(), Text: b.Text}
}
