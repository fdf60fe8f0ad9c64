package main

import (
	"context"
	"log/slog"
	"time"

	"tropa/telegram/botapi/botapitest"
	"tropa/web"
)

// demoChatID is the chat the demo's simulated applicant writes from: made
// up, as every id of the demo.
const demoChatID = 1000000001

// startDemoBot starts a fake Bot API on loopback and the organization's
// bot on it, for the demo's simulated chat: nothing reaches Telegram.
func startDemoBot(ctx context.Context, logger *slog.Logger) (*botapitest.Server, *telegramBot, error) {
	api := botapitest.Start()
	b, err := newTelegramBot(ctx, api.URL, botapitest.Token, "", logger, time.Now)
	if err != nil {
		api.Close()
		return nil, nil, err
	}
	return api, b, nil
}

// demoChat is the applicant's side of the demo chat, on the fake Bot API.
type demoChat struct {
	api *botapitest.Server
}

func (c demoChat) Bubbles() []web.DemoBubble {
	var out []web.DemoBubble
	for _, b := range c.api.Chat(demoChatID) {
		db := web.DemoBubble{ID: b.MessageID, Bot: b.Bot, Text: b.Text}
		for _, row := range b.Buttons {
			var r []web.DemoButton
			for _, btn := range row {
				r = append(r, web.DemoButton{Text: btn.Text, Data: btn.Data})
			}
			db.Buttons = append(db.Buttons, r)
		}
		out = append(out, db)
	}
	return out
}

func (c demoChat) Write(ctx context.Context, text string) error {
	before := c.bots()
	c.api.Text(demoChatID, text)
	c.awaitAnswer(ctx, before)
	return nil
}

func (c demoChat) Press(ctx context.Context, messageID int64, data string) error {
	before := c.bots()
	if _, err := c.api.Press(demoChatID, messageID, data); err != nil {
		return err
	}
	c.awaitAnswer(ctx, before)
	return nil
}

// bots is how many messages of the bot's the chat holds.
func (c demoChat) bots() int {
	n := 0
	for _, b := range c.api.Chat(demoChatID) {
		if b.Bot {
			n++
		}
	}
	return n
}

// demoAnswerWait is how long the page waits for the bot to answer before
// it shows the chat as it is; a later answer shows on the next visit.
const demoAnswerWait = 3 * time.Second

// awaitAnswer waits for the bot to send something after the before-th
// message of its, and for its messages to stop coming for a moment.
func (c demoChat) awaitAnswer(ctx context.Context, before int) {
	deadline := time.After(demoAnswerWait)
	for {
		changed := c.api.Changed()
		quiet := time.After(1500 * time.Millisecond)
		if c.bots() <= before {
			quiet = nil
		}
		select {
		case <-changed:
		case <-quiet:
			return
		case <-deadline:
			return
		case <-ctx.Done():
			return
		}
	}
}
