package botapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tropa/telegram/botapi"
	"tropa/telegram/botapi/botapitest"
)

// Made-up chat ids: no real Telegram user.
const (
	chatA int64 = 900000001
	chatB int64 = 900000002
)

// noToken fails the test if err's text holds the token.
func noToken(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), botapitest.Token) {
		t.Fatalf("the token is in the error: %v", err)
	}
}

// press is the user in chatA pressing a button under message id.
func press(t *testing.T, s *botapitest.Server, id int64, data string) string {
	t.Helper()
	query, err := s.Press(chatA, id, data)
	if err != nil {
		t.Fatal(err)
	}
	return query
}

func TestGetMe(t *testing.T) {
	s := botapitest.New(t)
	me, err := s.Client().GetMe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if me != s.Bot() {
		t.Fatalf("getMe = %+v, want %+v", me, s.Bot())
	}
}

func TestTokenRefused(t *testing.T) {
	s := botapitest.New(t)
	wrong := botapi.New(s.URL, "7000000001:AAWrongTokenWrongTokenWrongToken01", s.HTTPClient())
	_, err := wrong.GetMe(context.Background())
	if !errors.Is(err, botapi.ErrUnauthorized) || errors.Is(err, botapi.ErrUnreachable) {
		t.Fatalf("wrong token: %v, want ErrUnauthorized", err)
	}
	if strings.Contains(err.Error(), "AAWrongToken") {
		t.Fatalf("the token is in the error: %v", err)
	}

	s.Revoke()
	_, err = s.Client().SendMessage(context.Background(), botapi.Text{ChatID: chatA, Text: "hello"})
	if !errors.Is(err, botapi.ErrUnauthorized) {
		t.Fatalf("revoked token: %v, want ErrUnauthorized", err)
	}
	noToken(t, err)
}

func TestUnreachable(t *testing.T) {
	ctx := context.Background()
	s := botapitest.New(t)
	c := s.Client()
	s.Text(chatA, "/start")
	s.SetUnreachable(true)
	_, err := c.SendMessage(ctx, botapi.Text{ChatID: chatA, Text: "hello"})
	if !errors.Is(err, botapi.ErrUnreachable) {
		t.Fatalf("dropped connection: %v, want ErrUnreachable", err)
	}
	for _, refusal := range []error{botapi.ErrBadRequest, botapi.ErrBlocked, botapi.ErrUnauthorized, botapi.ErrTooManyRequests} {
		if errors.Is(err, refusal) {
			t.Fatalf("dropped connection is also %v", refusal)
		}
	}
	noToken(t, err)
	s.SetUnreachable(false)
	if _, err := c.SendMessage(ctx, botapi.Text{ChatID: chatA, Text: "hello"}); err != nil {
		t.Fatalf("reachable again: %v", err)
	}

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.GetMe(canceled)
	if !errors.Is(err, context.Canceled) || errors.Is(err, botapi.ErrUnreachable) {
		t.Fatalf("canceled call: %v, want context.Canceled and not ErrUnreachable", err)
	}

	_, err = botapi.New("://no scheme", botapitest.Token, nil).GetMe(ctx)
	if err == nil {
		t.Fatal("a base URL without a scheme")
	}
	noToken(t, err)

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	_, err = botapi.New(closed.URL, botapitest.Token, nil).GetMe(ctx)
	if !errors.Is(err, botapi.ErrUnreachable) {
		t.Fatalf("no server: %v, want ErrUnreachable", err)
	}
	noToken(t, err)
}

// TestNotTheBotAPI is an answer from something else than the Bot API: a
// proxy's error page, or the Bot API's own server error.
func TestNotTheBotAPI(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"proxy page": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "<html>502 Bad Gateway</html>", http.StatusBadGateway)
		},
		"server error": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			w.Write([]byte(`{"ok":false,"error_code":500,"description":"Internal Server Error"}`))
		},
		"empty 200": func(w http.ResponseWriter, r *http.Request) {},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			_, err := botapi.New(srv.URL, botapitest.Token, srv.Client()).GetMe(context.Background())
			if !errors.Is(err, botapi.ErrUnreachable) || errors.Is(err, botapi.ErrBadRequest) {
				t.Fatalf("%v, want ErrUnreachable only", err)
			}
			noToken(t, err)
		})
	}
}

func TestUpdates(t *testing.T) {
	ctx := context.Background()
	s := botapitest.New(t)
	c := s.Client()
	start := s.Text(chatA, "/start")
	menu, err := c.SendMessage(ctx, botapi.Text{ChatID: chatA, Text: "Choose", Buttons: [][]botapi.Button{{{Text: "Russian", Data: "lang:ru"}}}})
	if err != nil {
		t.Fatal(err)
	}
	query := press(t, s, menu.ID, "lang:ru")
	if _, err := s.Press(chatA, menu.ID, "lang:de"); err == nil {
		t.Fatal("pressed a button that is not there")
	}
	if err := s.EditText(chatA, menu.ID, "not his"); err == nil {
		t.Fatal("the user edited the bot's message")
	}
	if err := s.EditText(chatA, start.ID, "/start again"); err != nil {
		t.Fatal(err)
	}
	photo := s.Photo(chatA, "my papers", []byte("jpeg bytes"))
	s.Document(chatB, "scan.pdf", "application/pdf", []byte("%PDF-1.7"))
	s.FeedRaw("channel_post", `{"message_id":5,"chat":{"id":-1001,"type":"channel"},"date":1}`)
	s.FeedRaw("message", `{"message_id":"not a number","chat":{"id":1}}`)
	s.Block(chatB)

	got, err := c.GetUpdates(ctx, botapi.Poll{AllowedUpdates: botapi.AllowedUpdates()})
	if err != nil {
		t.Fatal(err)
	}
	want := []botapi.Kind{botapi.KindMessage, botapi.KindCallbackQuery, botapi.KindEditedMessage, botapi.KindMessage,
		botapi.KindMessage, botapi.KindUnknown, botapi.KindUnknown, botapi.KindUnknown}
	if len(got) != len(want) {
		t.Fatalf("%d updates, want %d", len(got), len(want))
	}
	for i, u := range got {
		if u.Kind() != want[i] {
			t.Errorf("update %d is %v, want %v", i, u.Kind(), want[i])
		}
		if i > 0 && u.ID <= got[i-1].ID {
			t.Errorf("update ids not increasing: %d after %d", u.ID, got[i-1].ID)
		}
	}
	if m := got[0].Message; m.Text != "/start" || m.Chat.ID != chatA || !m.Private() {
		t.Errorf("text message = %+v", m)
	}
	if q := got[1].CallbackQuery; q.ID != query || q.Data != "lang:ru" || q.Message.ID != menu.ID || q.Message.Chat.ID != chatA {
		t.Errorf("callback = %+v", q)
	}
	if m := got[2].EditedMessage; m.ID != start.ID || m.Text != "/start again" {
		t.Errorf("edited = %+v", m)
	}
	if largest, ok := got[3].Message.Largest(0); !ok || largest.FileID != photo.Photo[1].FileID || got[3].Message.Caption != "my papers" {
		t.Errorf("photo = %+v", got[3].Message)
	}
	if d := got[4].Message.Document; d == nil || d.FileName != "scan.pdf" || d.MimeType != "application/pdf" || d.FileSize != 8 {
		t.Errorf("document = %+v", d)
	}

	// The next offset acknowledges all of them, the odd ones included.
	offset := got[len(got)-1].ID + 1
	again, err := c.GetUpdates(ctx, botapi.Poll{Offset: offset})
	if err != nil || len(again) != 0 {
		t.Fatalf("after the offset: %d updates, %v; want none", len(again), err)
	}

	// A long poll returns as soon as an update comes.
	go s.Text(chatA, "later")
	later, err := c.GetUpdates(ctx, botapi.Poll{Offset: offset, Timeout: 30 * time.Second})
	if err != nil || len(later) != 1 || later[0].Message.Text != "later" {
		t.Fatalf("long poll: %+v, %v", later, err)
	}

	// Telegram may deliver an update twice: both reach the caller, who
	// must count it once.
	twice := later[0]
	twice.ID = later[0].ID + 10
	s.Feed(twice)
	s.Feed(twice)
	dup, err := c.GetUpdates(ctx, botapi.Poll{Offset: later[0].ID + 1})
	if err != nil || len(dup) != 2 || dup[0].ID != twice.ID || dup[1].ID != twice.ID {
		t.Fatalf("an update delivered twice: %+v, %v", dup, err)
	}
}

func TestWebhookExcludesPolling(t *testing.T) {
	ctx := context.Background()
	s := botapitest.New(t)
	c := s.Client()
	if err := c.SetWebhook(ctx, botapi.Webhook{URL: "https://desk.example.org/telegram", Secret: "bad secret!"}); err == nil {
		t.Fatal("a secret Telegram refuses was sent")
	}
	err := c.SetWebhook(ctx, botapi.Webhook{URL: "https://desk.example.org/telegram", Secret: "s3cret_-X", AllowedUpdates: botapi.AllowedUpdates()})
	if err != nil {
		t.Fatal(err)
	}
	if url, secret := s.Webhook(); url != "https://desk.example.org/telegram" || secret != "s3cret_-X" {
		t.Fatalf("webhook = %q, %q", url, secret)
	}
	if _, err := c.GetUpdates(ctx, botapi.Poll{}); !errors.Is(err, botapi.ErrConflict) {
		t.Fatalf("getUpdates with a webhook: %v, want ErrConflict", err)
	}
	if err := c.DeleteWebhook(ctx, false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetUpdates(ctx, botapi.Poll{}); err != nil {
		t.Fatalf("getUpdates after deleteWebhook: %v", err)
	}
}

// TestUpdateWithoutID is a batch with an element no update could be: it is
// left out, and the rest still come.
func TestUpdateWithoutID(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"ok":true,"result":[{"message":{"message_id":1}},7,{"update_id":5,"poll":{}}]}`))
	}))
	defer srv.Close()
	got, err := botapi.New(srv.URL, botapitest.Token, srv.Client()).GetUpdates(context.Background(), botapi.Poll{})
	if err != nil || len(got) != 1 || got[0].ID != 5 || got[0].Kind() != botapi.KindUnknown {
		t.Fatalf("%+v, %v: want update 5 alone", got, err)
	}
}
