package botapi_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"tropa/telegram/botapi"
	"tropa/telegram/botapi/botapitest"
)

func TestSendMessage(t *testing.T) {
	ctx := context.Background()
	s := botapitest.New(t)
	c := s.Client()
	question := s.Text(chatA, "Can you help?")
	buttons := [][]botapi.Button{{{Text: "Yes", Data: "yes"}, {Text: "No", Data: "no"}}}
	m, err := c.SendMessage(ctx, botapi.Text{ChatID: chatA, Text: "Are you in Russia?", Buttons: buttons, ReplyTo: question.ID})
	if err != nil {
		t.Fatal(err)
	}
	r := s.WaitSent(1)
	if r.Method != "sendMessage" || r.ChatID != chatA || r.MessageID != m.ID || r.Text != "Are you in Russia?" || r.ReplyTo != question.ID || len(r.Buttons[0]) != 2 {
		t.Fatalf("recorded %+v", r)
	}
	chat := s.Chat(chatA)
	if len(chat) != 2 || chat[0].Bot || !chat[1].Bot || chat[1].Text != "Are you in Russia?" {
		t.Fatalf("chat = %+v", chat)
	}

	for name, tc := range map[string]struct {
		text    botapi.Text
		want    error
		refused bool // by Telegram, not before
	}{
		"unknown chat":   {botapi.Text{ChatID: chatB, Text: "hi"}, botapi.ErrBadRequest, true},
		"too long":       {botapi.Text{ChatID: chatA, Text: strings.Repeat("a", botapi.MaxText+1)}, botapi.ErrBadRequest, true},
		"empty":          {botapi.Text{ChatID: chatA, Text: " "}, botapi.ErrBadRequest, true},
		"long data":      {botapi.Text{ChatID: chatA, Text: "hi", Buttons: [][]botapi.Button{{{Text: "x", Data: strings.Repeat("d", 65)}}}}, botapi.ErrBadRequest, false},
		"no data":        {botapi.Text{ChatID: chatA, Text: "hi", Buttons: [][]botapi.Button{{{Text: "x"}}}}, botapi.ErrBadRequest, false},
		"gone reply":     {botapi.Text{ChatID: chatA, Text: "hi", ReplyTo: 999999}, nil, true},
		"emoji at limit": {botapi.Text{ChatID: chatA, Text: strings.Repeat("🙂", botapi.MaxText/2)}, nil, true},
	} {
		t.Run(name, func(t *testing.T) {
			calls := s.Calls("sendMessage")
			_, err := c.SendMessage(ctx, tc.text)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("%v, want %v", err, tc.want)
			}
			want := 0
			if tc.refused {
				want = 1
			}
			if sent := s.Calls("sendMessage") - calls; sent != want {
				t.Fatalf("%d calls reached Telegram, want %d", sent, want)
			}
		})
	}
}

func TestBlocked(t *testing.T) {
	ctx := context.Background()
	s := botapitest.New(t)
	c := s.Client()
	s.Text(chatA, "/start")
	s.Block(chatA)
	_, err := c.SendMessage(ctx, botapi.Text{ChatID: chatA, Text: "Your case has news"})
	var apiErr *botapi.Error
	if !errors.Is(err, botapi.ErrBlocked) || !errors.As(err, &apiErr) || apiErr.Code != 403 || errors.Is(err, botapi.ErrUnreachable) {
		t.Fatalf("blocked: %v", err)
	}
	s.Unblock(chatA)
	if _, err := c.SendMessage(ctx, botapi.Text{ChatID: chatA, Text: "Your case has news"}); err != nil {
		t.Fatalf("unblocked: %v", err)
	}
}

func TestTooManyRequests(t *testing.T) {
	s := botapitest.New(t)
	s.Text(chatA, "/start")
	s.TooManyRequests(1, 7)
	_, err := s.Client().SendMessage(context.Background(), botapi.Text{ChatID: chatA, Text: "hi"})
	wait, ok := botapi.RetryAfter(err)
	if !errors.Is(err, botapi.ErrTooManyRequests) || !ok || wait != 7*time.Second {
		t.Fatalf("429: %v, wait %v", err, wait)
	}
	if _, ok := botapi.RetryAfter(botapi.ErrBlocked); ok {
		t.Fatal("RetryAfter of a 403 asks for a wait")
	}
}

func TestDeleteAnswer(t *testing.T) {
	ctx := context.Background()
	s := botapitest.New(t)
	c := s.Client()
	s.Text(chatA, "/start")
	m, err := c.SendMessage(ctx, botapi.Text{ChatID: chatA, Text: "Language?", Buttons: [][]botapi.Button{{{Text: "English", Data: "en"}}}})
	if err != nil {
		t.Fatal(err)
	}
	query := press(t, s, m.ID, "en")
	if err := c.AnswerCallbackQuery(ctx, query, ""); err != nil {
		t.Fatal(err)
	}
	if err := c.AnswerCallbackQuery(ctx, query, ""); !errors.Is(err, botapi.ErrBadRequest) {
		t.Fatalf("answered twice: %v", err)
	}

	if err := c.DeleteMessage(ctx, chatA, m.ID); err != nil {
		t.Fatal(err)
	}
	if chat := s.Chat(chatA); len(chat) != 1 || chat[0].Bot {
		t.Fatalf("after the delete: %+v", chat)
	}
	if err := c.DeleteMessage(ctx, chatA, m.ID); !errors.Is(err, botapi.ErrBadRequest) {
		t.Fatalf("deleted twice: %v", err)
	}
	methods := []string{}
	for _, r := range s.Sent() {
		methods = append(methods, r.Method)
	}
	if got := strings.Join(methods, " "); got != "sendMessage answerCallbackQuery deleteMessage" {
		t.Fatalf("recorded %s", got)
	}

	// Telegram lets a bot delete its messages for 48 hours only.
	old, err := c.SendMessage(ctx, botapi.Text{ChatID: chatA, Text: "Your receipt"})
	if err != nil {
		t.Fatal(err)
	}
	s.SetNow(func() time.Time { return time.Now().Add(49 * time.Hour) })
	if err := c.DeleteMessage(ctx, chatA, old.ID); !errors.Is(err, botapi.ErrBadRequest) {
		t.Fatalf("deleting a message 49 hours old: %v", err)
	}
}

func TestDownload(t *testing.T) {
	ctx := context.Background()
	s := botapitest.New(t)
	c := s.Client()
	jpeg := bytes.Repeat([]byte{0xff, 0xd8}, 500)
	m := s.Photo(chatA, "", jpeg)
	largest, _ := m.Largest(0)
	f, err := c.GetFile(ctx, largest.FileID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Download(ctx, f, 1000)
	if err != nil || !bytes.Equal(got, jpeg) {
		t.Fatalf("download: %d bytes, %v", len(got), err)
	}
	if _, err := c.Download(ctx, f, 999); !errors.Is(err, botapi.ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	// A size Telegram did not give is checked while reading.
	f.FileSize = 0
	if _, err := c.Download(ctx, f, 999); !errors.Is(err, botapi.ErrTooLarge) {
		t.Fatalf("over the limit, size unknown: %v", err)
	}
	if _, err := c.GetFile(ctx, "no-such-file"); !errors.Is(err, botapi.ErrBadRequest) {
		t.Fatalf("unknown file: %v", err)
	}
	s.AddFile("huge", make([]byte, 20<<20+1))
	if _, err := c.GetFile(ctx, "huge"); !errors.Is(err, botapi.ErrBadRequest) {
		t.Fatalf("a file over Telegram's 20 MB: %v", err)
	}
	gone := botapi.File{FileID: "gone", FilePath: "files/gone"}
	if _, err := c.Download(ctx, gone, 1000); !errors.Is(err, botapi.ErrBadRequest) || errors.Is(err, botapi.ErrUnauthorized) {
		t.Fatalf("an expired file path: %v, want ErrBadRequest", err)
	}
	s.SetUnreachable(true)
	_, err = c.Download(ctx, f, 1000)
	if !errors.Is(err, botapi.ErrUnreachable) {
		t.Fatalf("download, Telegram unreachable: %v", err)
	}
	noToken(t, err)
}
