package telegram_test

import (
	"encoding/json"
	"strings"
	"testing"

	"tropa"
	"tropa/telegram"
)

// fuzzTexts are texts the fuzzer picks from, besides raw bytes.
var fuzzTexts = []string{"", "/start", "/language", "/status", "/delete", "/help", "/verify", "/start@example_help_bot x",
	"/", "/ unit", "/START", secretMessage, secretContact, "a\x00b", "\u202e", strings.Repeat("я", tropa.MaxMessageLen+1),
	strings.Repeat("c", tropa.MaxContactLen+1), "\xff\xfe", "/link " + staffCode, "/start link-" + staffCode, "/link",
	"/start link-"}

// fuzzData are button data the fuzzer picks from: every button the bot
// shows, and some it never does.
var fuzzData = []string{"lang:ru", "lang:uk", "lang:en", "lang:", "lang:xx", "kind:leave_unit", "kind:other", "kind:",
	"sit:front", "sit:custody", "sit:moon", "done", "nocontact", "send", "restart", "delete:yes", "delete:no", "", "\x00"}

var fuzzErrors = []error{tropa.Errorf(tropa.EBUSY, "busy"), tropa.Errorf(tropa.ENOTFOUND, "gone"),
	tropa.Errorf(tropa.EUNAVAILABLE, "full"), tropa.Errorf(tropa.EINTERNAL, "broken"),
	tropa.UserError(tropa.EINVALID, "ErrTooManyFiles", map[string]any{"Max": 3})}

var fuzzCalls = []string{"Submit", "FollowUp", "Status", "Erase", "Channels", "LinkStaff"}

// FuzzConversation feeds random sequences of events, and desk failures
// between them, to one chat: the bot never panics, always answers, and
// never keeps his words once the request is sent. Each event is an
// operation byte and its arguments; the seed corpus under testdata plays
// whole conversations.
func FuzzConversation(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		c := newChat(t)
		next := func() byte {
			if len(data) == 0 {
				return 0
			}
			b := data[0]
			data = data[1:]
			return b
		}
		for events := 0; len(data) > 0 && events < 200; events++ {
			var ev telegram.Event
			switch op := next() % 8; op {
			case 0:
				ev = telegram.Event{Kind: telegram.EventText, Text: fuzzTexts[int(next())%len(fuzzTexts)]}
			case 1:
				ev = telegram.Event{Kind: telegram.EventButton, Data: fuzzData[int(next())%len(fuzzData)]}
			case 2:
				n := min(int(next()), len(data))
				ev = telegram.Event{Kind: telegram.EventText, Text: lowerASCII(data[:n])}
				data = data[n:]
			case 3:
				ev = telegram.Event{Kind: telegram.EventFile, Text: fuzzTexts[int(next())%len(fuzzTexts)],
					File: &telegram.File{Kind: telegram.FileKind(next() % 4), ID: "f", Size: int64(next()) << 16,
						MIME: []string{"image/jpeg", "image/png", "application/pdf", ""}[next()%4]}}
			case 4:
				ev = telegram.Event{Kind: telegram.EventKind(next() % 7), Text: "x"}
			case 5:
				c.desk.fail[fuzzCalls[int(next())%len(fuzzCalls)]] = fuzzErrors[int(next())%len(fuzzErrors)]
				continue
			case 6:
				ev = telegram.Event{Kind: telegram.EventEdited, Text: secretMessage}
			case 7:
				c.desk.noList = !c.desk.noList
				continue
			}
			c.event(ev)
			b, err := json.Marshal(c.st)
			if err != nil {
				t.Fatal(err)
			}
			if c.st.Step == telegram.StepCase && (c.st.Answers != telegram.Answers{} ||
				strings.Contains(string(b), "marker-")) {
				t.Fatalf("state of a sent request holds his words: %s", b)
			}
			var back telegram.State
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("state %s does not read back: %v", b, err)
			}
		}
	})
}

// lowerASCII is raw bytes as a text, its capitals made small so that an
// echo of it is not mistaken for a catalog id; invalid UTF-8 stays.
func lowerASCII(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return string(out)
}
