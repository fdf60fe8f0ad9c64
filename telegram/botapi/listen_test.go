package botapi_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"tropa/telegram/botapi"
	"tropa/telegram/botapi/botapitest"
)

func TestListener(t *testing.T) {
	s := botapitest.New(t)
	clk := newClock()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var handled []string
	var reported []error
	failOnce := true
	l := botapi.Listener{
		Client:  s.Client(),
		Timeout: time.Second,
		Sleep:   clk.Sleep,
		Report:  func(err error) { reported = append(reported, err) },
		Handle: func(_ context.Context, u botapi.Update) error {
			if u.Kind() != botapi.KindMessage {
				return nil
			}
			text := u.Message.Text
			if text == "two" && failOnce {
				failOnce = false
				return errors.New("database down")
			}
			handled = append(handled, text)
			if text == "three" {
				cancel()
			}
			return nil
		},
	}
	s.Text(chatA, "one")
	s.FeedRaw("poll", `{"id":"1","question":"?","options":[]}`)
	s.Text(chatA, "two")
	s.Text(chatB, "three")
	if err := l.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("run: %v", err)
	}
	if got := len(handled); got != 3 || handled[0] != "one" || handled[1] != "two" || handled[2] != "three" {
		t.Fatalf("handled %q: want one, two, three, each once, in order", handled)
	}
	if len(reported) != 1 || clk.Slept() != time.Second {
		t.Fatalf("reported %v, waited %v: want the failure reported and a second's wait", reported, clk.Slept())
	}
}

func TestListenerWaitsForTelegram(t *testing.T) {
	s := botapitest.New(t)
	clk := newClock()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.SetUnreachable(true)
	var waits []time.Duration
	l := botapi.Listener{
		Client:  s.Client(),
		Timeout: time.Second,
		Sleep: func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			if len(waits) == 3 {
				s.SetUnreachable(false)
			}
			return clk.Sleep(ctx, d)
		},
		Handle: func(context.Context, botapi.Update) error {
			cancel()
			return nil
		},
	}
	s.Text(chatA, "hello")
	if err := l.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("run: %v", err)
	}
	if len(waits) != 3 || waits[0] != time.Second || waits[1] != 2*time.Second || waits[2] != 4*time.Second {
		t.Fatalf("waits %v, want 1s 2s 4s", waits)
	}

	s.Revoke()
	if err := l.Run(context.Background()); !errors.Is(err, botapi.ErrUnauthorized) {
		t.Fatalf("revoked token: %v, want ErrUnauthorized", err)
	}
	s2 := botapitest.New(t)
	if err := s2.Client().SetWebhook(context.Background(), botapi.Webhook{URL: "https://desk.example.org/hook", Secret: "abc"}); err != nil {
		t.Fatal(err)
	}
	l.Client = s2.Client()
	if err := l.Run(context.Background()); !errors.Is(err, botapi.ErrConflict) {
		t.Fatalf("webhook set: %v, want ErrConflict", err)
	}
}
