package botapitest_test

import (
	"context"
	"testing"
	"time"

	"tropa/telegram/botapi"
	"tropa/telegram/botapi/botapitest"
)

// TestSimulation plays the user by hand, as a simulation outside a test
// would: Start, redraw on Changed, Close.
func TestSimulation(t *testing.T) {
	const chat int64 = 900000003
	s := botapitest.Start()
	defer s.Close()
	changed := s.Changed()
	s.Text(chat, "/start")
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Fatal("no change after the user wrote")
	}
	changed = s.Changed()
	go func() {
		s.Client().SendMessage(context.Background(), botapi.Text{ChatID: chat, Text: "Hello", Buttons: [][]botapi.Button{{{Text: "Go", Data: "go"}}}})
	}()
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Fatal("no change after the bot wrote")
	}
	bubbles := s.Chat(chat)
	if len(bubbles) != 2 || bubbles[0].Bot || bubbles[0].Text != "/start" || !bubbles[1].Bot || bubbles[1].Text != "Hello" {
		t.Fatalf("chat = %+v", bubbles)
	}
	if _, err := s.Press(chat, bubbles[1].MessageID, "go"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Press(chat, bubbles[0].MessageID, "go"); err == nil {
		t.Fatal("pressed a button under the user's own message")
	}
	s.Close()
	if _, err := s.Client().GetMe(context.Background()); err == nil {
		t.Fatal("the server answers after Close")
	}
}
