package botapitest

import (
	"encoding/json"
	"fmt"
	"strconv"

	"tropa/telegram/botapi"
)

// Feed queues u for getUpdates as it is, with the next update_id when its
// ID is 0, and returns its ID. The chat of its message becomes one the bot
// may write to.
func (s *Server) Feed(u botapi.Update) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range []*botapi.Message{u.Message, u.EditedMessage} {
		if m != nil {
			s.chat(m.Chat.ID)
		}
	}
	if u.ID == 0 {
		u.ID = s.nextUpdate
	}
	raw, err := json.Marshal(u)
	if err != nil {
		s.fail("%v", err)
	}
	return s.queue(u.ID, raw)
}

// FeedRaw queues an update of any kind: {"update_id": next, kind: payload},
// payload being JSON. It returns the update's ID.
func (s *Server) FeedRaw(kind, payload string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextUpdate
	raw := fmt.Sprintf(`{"update_id":%d,%s:%s}`, id, strconv.Quote(kind), payload)
	if !json.Valid([]byte(raw)) {
		s.fail("FeedRaw of %s: payload is not JSON", kind)
	}
	return s.queue(id, []byte(raw))
}

// Text is the user writing text to the bot.
func (s *Server) Text(chatID int64, text string) botapi.Message {
	return s.user(chatID, text, func(m *botapi.Message) { m.Text = text })
}

// Photo is the user sending a photo, with a caption or none. The bot can
// download data by the file ID of any of the photo's two sizes.
func (s *Server) Photo(chatID int64, caption string, data []byte) botapi.Message {
	return s.user(chatID, caption, func(m *botapi.Message) {
		id := "photo" + strconv.FormatInt(m.ID, 10)
		s.files[id+"-small"], s.files[id] = data, data
		m.Caption = caption
		m.Photo = []botapi.PhotoSize{
			{FileID: id + "-small", FileUniqueID: "u" + id + "s", Width: 90, Height: 68, FileSize: int64(len(data))},
			{FileID: id, FileUniqueID: "u" + id, Width: 1280, Height: 960, FileSize: int64(len(data))},
		}
	})
}

// Document is the user sending a file; name and mime are his word.
func (s *Server) Document(chatID int64, name, mime string, data []byte) botapi.Message {
	return s.user(chatID, "", func(m *botapi.Message) {
		id := "doc" + strconv.FormatInt(m.ID, 10)
		s.files[id] = data
		m.Document = &botapi.Document{FileID: id, FileUniqueID: "u" + id, FileName: name, MimeType: mime, FileSize: int64(len(data))}
	})
}

// AddFile serves data for getFile under fileID.
func (s *Server) AddFile(fileID string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = data
}

// user adds the user's message to the chat and queues it.
func (s *Server) user(chatID int64, text string, fill func(*botapi.Message)) botapi.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.add(s.chat(chatID), false, text, nil)
	m := wire(chatID, b)
	m.Text = ""
	fill(&m)
	raw, err := json.Marshal(botapi.Update{ID: s.nextUpdate, Message: &m})
	if err != nil {
		s.fail("%v", err)
	}
	s.queue(s.nextUpdate, raw)
	return m
}

// EditText is the user editing his message messageID.
func (s *Server) EditText(chatID, messageID int64, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chat(chatID)
	i := c.find(messageID)
	if i < 0 || c.messages[i].Bot {
		return fmt.Errorf("botapitest: the user has no message %d to edit", messageID)
	}
	c.messages[i].Text = text
	m := wire(chatID, c.messages[i])
	raw, err := json.Marshal(botapi.Update{ID: s.nextUpdate, EditedMessage: &m})
	if err != nil {
		return err
	}
	s.queue(s.nextUpdate, raw)
	return nil
}

// Press is the user pressing the button with data under the bot's message
// messageID, refused if there is no such button. It returns the callback
// query's ID, for answerCallbackQuery.
func (s *Server) Press(chatID, messageID int64, data string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chat(chatID)
	i := c.find(messageID)
	if i < 0 || !hasButton(c.messages[i], data) {
		return "", fmt.Errorf("botapitest: no button %q under message %d", data, messageID)
	}
	s.nextQuery++
	id := "query" + strconv.FormatInt(s.nextQuery, 10)
	s.queries[id] = true
	m := wire(chatID, c.messages[i])
	raw, err := json.Marshal(botapi.Update{ID: s.nextUpdate, CallbackQuery: &botapi.CallbackQuery{ID: id, Data: data, Message: &m}})
	if err != nil {
		return "", err
	}
	s.queue(s.nextUpdate, raw)
	return id, nil
}

// Block is the user blocking the bot: sends to the chat are refused with
// 403, and a my_chat_member update says so, as Telegram's does.
func (s *Server) Block(chatID int64) { s.setBlocked(chatID, true, "kicked") }

// Unblock is the user starting the bot again after Block.
func (s *Server) Unblock(chatID int64) { s.setBlocked(chatID, false, "member") }

func (s *Server) setBlocked(chatID int64, blocked bool, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chat(chatID).blocked = blocked
	raw := fmt.Sprintf(`{"update_id":%d,"my_chat_member":{"chat":{"id":%d,"type":"private"},"date":%d,"new_chat_member":{"status":%q}}}`,
		s.nextUpdate, chatID, s.now().Unix(), status)
	s.queue(s.nextUpdate, []byte(raw))
}

func hasButton(b Bubble, data string) bool {
	for _, row := range b.Buttons {
		for _, x := range row {
			if x.Data == data {
				return true
			}
		}
	}
	return false
}

// chat is the chat with chatID, made on first use; s.mu is held.
func (s *Server) chat(chatID int64) *chat {
	c, ok := s.chats[chatID]
	if !ok {
		c = &chat{}
		s.chats[chatID] = c
	}
	return c
}

// add appends a message to c; s.mu is held.
func (s *Server) add(c *chat, bot bool, text string, buttons [][]botapi.Button) Bubble {
	b := Bubble{MessageID: s.nextMessage, Bot: bot, Text: text, Buttons: buttons, Date: s.now()}
	s.nextMessage++
	c.messages = append(c.messages, b)
	return b
}

// queue appends an update and wakes getUpdates; s.mu is held.
func (s *Server) queue(id int64, raw []byte) int64 {
	s.updates = append(s.updates, queued{id, raw})
	s.nextUpdate = max(s.nextUpdate, id+1)
	s.notify()
	return id
}
