package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"tropa"
)

// DemoChat plays the applicant's side of a chat with the organization's
// bot over a fake Bot API, for the demo: nothing of it reaches Telegram.
type DemoChat interface {
	// Bubbles are the chat's messages as he sees them, oldest first.
	Bubbles() []DemoBubble
	// Write sends text as him, and waits a moment for the bot's answer.
	Write(ctx context.Context, text string) error
	// Press presses the button with data under the bot's message
	// messageID, and waits a moment for the bot's answer.
	Press(ctx context.Context, messageID int64, data string) error
}

// DemoBubble is one message of the demo chat.
type DemoBubble struct {
	ID int64
	// Bot is true for the bot's messages, false for his.
	Bot     bool
	Text    string
	Buttons [][]DemoButton
}

// DemoButton is a button under one of the bot's messages.
type DemoButton struct {
	Text, Data string
}

func (s *Server) demoChatShow(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r)
	p.Data = s.DemoChat.Bubbles()
	s.render(w, http.StatusOK, "demo_chat", p)
	return nil
}

func (s *Server) demoChatWrite(w http.ResponseWriter, r *http.Request) error {
	text := strings.TrimSpace(r.PostFormValue("text"))
	if text == "" {
		p := s.newPage(r)
		p.Error = p.T("DemoChatEmpty")
		p.Data = s.DemoChat.Bubbles()
		s.render(w, http.StatusUnprocessableEntity, "demo_chat", p)
		return nil
	}
	if err := s.DemoChat.Write(r.Context(), text); err != nil {
		return err
	}
	http.Redirect(w, r, s.newPage(r).URL("/demo/telegram"), http.StatusSeeOther)
	return nil
}

func (s *Server) demoChatPress(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PostFormValue("message"), 10, 64)
	if err != nil {
		return tropa.UserError(tropa.EINVALID, "DemoChatNoButton", nil)
	}
	if err := s.DemoChat.Press(r.Context(), id, r.PostFormValue("data")); err != nil {
		return tropa.UserError(tropa.EINVALID, "DemoChatNoButton", nil)
	}
	http.Redirect(w, r, s.newPage(r).URL("/demo/telegram"), http.StatusSeeOther)
	return nil
}
