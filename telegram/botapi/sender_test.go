package botapi_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"tropa/telegram/botapi"
	"tropa/telegram/botapi/botapitest"
)

// clock is a Sender's clock that its sleeps move, so that no test waits.
type clock struct {
	mu    sync.Mutex
	now   time.Time
	slept time.Duration
}

func newClock() *clock { return &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept += d
	return ctx.Err()
}

func (c *clock) Slept() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.slept
}

func newSender(s *botapitest.Server, c *clock) *botapi.Sender {
	return botapi.NewSender(s.Client(), botapi.Limits{Now: c.Now, Sleep: c.Sleep})
}

func TestSenderSplits(t *testing.T) {
	s := botapitest.New(t)
	question := s.Text(chatA, "What now?")
	var text strings.Builder
	for i := range 30 {
		text.WriteString(strings.TrimSpace(strings.Repeat("Ответ "+string(rune('А'+i))+". ", 40)) + "\n\n")
	}
	buttons := [][]botapi.Button{{{Text: "OK", Data: "ok"}}}
	sent, err := newSender(s, newClock()).Send(context.Background(), botapi.Text{ChatID: chatA, Text: text.String(), Buttons: buttons, ReplyTo: question.ID})
	if err != nil {
		t.Fatal(err)
	}
	records := s.Sent()
	if len(sent) < 3 || len(records) != len(sent) {
		t.Fatalf("%d parts sent, %d recorded; want 3 or more", len(sent), len(records))
	}
	var joined []string
	for i, r := range records {
		if r.MessageID != sent[i].ID {
			t.Errorf("part %d: message %d recorded, %d returned", i, r.MessageID, sent[i].ID)
		}
		if (r.ReplyTo != 0) != (i == 0) || (r.Buttons != nil) != (i == len(records)-1) {
			t.Errorf("part %d: reply to %d, buttons %v: the first part replies, the last has the buttons", i, r.ReplyTo, r.Buttons)
		}
		if !strings.HasSuffix(r.Text, ".") {
			t.Errorf("part %d is not cut at a paragraph: ends %q", i, r.Text[len(r.Text)-10:])
		}
		joined = append(joined, r.Text)
	}
	if strings.Join(joined, "\n\n") != strings.TrimSpace(text.String()) {
		t.Fatal("the parts joined are not the text, in order")
	}

	// Telegram goes away after the first part; the reply goes on later
	// where it stopped.
	clk := newClock()
	var goAway sync.Once
	sender := botapi.NewSender(s.Client(), botapi.Limits{Now: clk.Now, Sleep: func(ctx context.Context, d time.Duration) error {
		goAway.Do(func() { s.SetUnreachable(true) })
		return clk.Sleep(ctx, d)
	}})
	reply := botapi.Text{ChatID: chatA, Text: text.String()}
	sent, err = sender.Send(context.Background(), reply)
	if !errors.Is(err, botapi.ErrUnreachable) || len(sent) != 1 {
		t.Fatalf("unreachable after a part: %d sent, %v; want 1", len(sent), err)
	}

}

func TestSenderLimits(t *testing.T) {
	ctx := context.Background()
	s := botapitest.New(t)
	clk := newClock()
	sender := newSender(s, clk)
	s.Text(chatA, "/start")
	s.Text(chatB, "/start")
	for range 3 {
		if _, err := sender.Send(ctx, botapi.Text{ChatID: chatA, Text: "to A"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := clk.Slept(); got < 2*time.Second || got > 2100*time.Millisecond {
		t.Fatalf("three messages to one chat waited %v, want about 2s (one a second)", got)
	}
	before := clk.Slept()
	if _, err := sender.Send(ctx, botapi.Text{ChatID: chatB, Text: "to B"}); err != nil {
		t.Fatal(err)
	}
	if got := clk.Slept() - before; got > 100*time.Millisecond {
		t.Fatalf("a message to another chat waited %v", got)
	}

	// Deleting is no message to the chat: thirty deletions take the overall
	// limit's second, not the chat's thirty.
	sent, err := sender.Send(ctx, botapi.Text{ChatID: chatB, Text: strings.Repeat("word ", 30*botapi.MaxText/5)})
	if err != nil {
		t.Fatal(err)
	}
	before = clk.Slept()
	for _, m := range sent {
		if err := sender.Delete(ctx, chatB, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got := clk.Slept() - before; len(sent) < 30 || got > 1100*time.Millisecond {
		t.Fatalf("%d deletions in one chat waited %v, want at most the overall limit's second", len(sent), got)
	}

	// Thirty a second overall: 61 chats, one message each, take two seconds.
	overall := botapitest.New(t)
	clk = newClock()
	sender = newSender(overall, clk)
	for i := range int64(61) {
		overall.Text(chatA+i, "/start")
		if _, err := sender.Send(ctx, botapi.Text{ChatID: chatA + i, Text: "hello"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := clk.Slept(); got < 1900*time.Millisecond || got > 2100*time.Millisecond {
		t.Fatalf("61 messages to 61 chats waited %v, want about 2s (thirty a second)", got)
	}
}

func TestSenderRetriesAfter429(t *testing.T) {
	ctx := context.Background()
	s := botapitest.New(t)
	clk := newClock()
	sender := newSender(s, clk)
	s.Text(chatA, "/start")
	s.Text(chatB, "/start")
	s.TooManyRequests(2, 5)
	if _, err := sender.Send(ctx, botapi.Text{ChatID: chatA, Text: "reply"}); err != nil {
		t.Fatalf("after two 429s: %v", err)
	}
	if n := s.Calls("sendMessage"); n != 3 {
		t.Fatalf("%d calls, want 3", n)
	}
	if got := clk.Slept(); got < 10*time.Second {
		t.Fatalf("waited %v after two 429s with retry_after 5, want 10s", got)
	}

	// A 429 pauses every chat, not only the one that met it.
	s.TooManyRequests(1, 30)
	if _, err := sender.Send(ctx, botapi.Text{ChatID: chatA, Text: "again"}); err != nil {
		t.Fatal(err)
	}
	at := clk.Slept()
	if _, err := sender.Send(ctx, botapi.Text{ChatID: chatB, Text: "other"}); err != nil {
		t.Fatal(err)
	}
	if at < 40*time.Second || clk.Slept()-at > time.Second {
		t.Fatalf("slept %v in all, %v for the other chat", at, clk.Slept()-at)
	}

	s.TooManyRequests(10, 5)
	_, err := sender.Send(ctx, botapi.Text{ChatID: chatA, Text: "again"})
	if !errors.Is(err, botapi.ErrTooManyRequests) {
		t.Fatalf("after every retry: %v, want ErrTooManyRequests", err)
	}
}

func TestSenderStops(t *testing.T) {
	s := botapitest.New(t)
	clk := newClock()
	sender := newSender(s, clk)
	s.Text(chatA, "/start")
	s.Block(chatA)
	if _, err := sender.Send(context.Background(), botapi.Text{ChatID: chatA, Text: "reply"}); !errors.Is(err, botapi.ErrBlocked) {
		t.Fatalf("blocked: %v", err)
	}
	if n := s.Calls("sendMessage"); n != 1 {
		t.Fatalf("a 403 was sent %d times", n)
	}
	if _, err := sender.Send(context.Background(), botapi.Text{ChatID: chatA, Text: " \n "}); !errors.Is(err, botapi.ErrBadRequest) {
		t.Fatalf("nothing to send: %v", err)
	}

	s.Unblock(chatA)
	s.TooManyRequests(1, 60)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sender.Send(ctx, botapi.Text{ChatID: chatA, Text: "reply"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: %v", err)
	}
}

func TestSplit(t *testing.T) {
	long := strings.Repeat("a", 10)
	for _, tc := range []struct {
		name string
		text string
		want []string
	}{
		{"fits", "hello", []string{"hello"}},
		{"exactly", long, []string{long}},
		{"paragraph", "aaaa aa\n\nbbbb", []string{"aaaa aa", "bbbb"}},
		{"line", "aaaaaa\nbbbbbb", []string{"aaaaaa", "bbbbbb"}},
		{"space", "aaaaaa bbbbbbb", []string{"aaaaaa", "bbbbbbb"}},
		{"no break", long + "bc", []string{long, "bc"}},
		{"break too early", "a\n" + long, []string{"a\naaaaaaaa", "aa"}},
		{"cyrillic", strings.Repeat("я", 12), []string{strings.Repeat("я", 10), "яя"}},
		{"emoji counts two", strings.Repeat("🙂", 6), []string{strings.Repeat("🙂", 5), "🙂"}},
		{"blank", " \n\n ", nil},
		{"blank part", long + "\n\n\n\n   \n\nb", []string{long, "b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := botapi.Split(tc.text, 10)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Fatalf("Split(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("Привет.\n\nЭто длинный ответ 🙂 с абзацами.", 7)
	f.Add("\xff\xfe broken", 3)
	f.Fuzz(func(t *testing.T, text string, limit int) {
		limit = 2 + int(uint(limit)%200)
		parts := botapi.Split(text, limit)
		for _, p := range parts {
			if n := len(utf16.Encode([]rune(p))); n > limit && utf8.RuneCountInString(p) > 1 {
				t.Fatalf("part of %d units over %d", n, limit)
			}
			if utf8.ValidString(text) && !utf8.ValidString(p) {
				t.Fatalf("part %q cut inside a character", p)
			}
			if strings.TrimSpace(p) == "" {
				t.Fatal("a blank part")
			}
			i := strings.Index(text, p)
			if i < 0 {
				t.Fatalf("part %q is not in the text", p)
			}
			text = text[i+len(p):]
		}
	})
}
