package botapi_test

import (
	"encoding/json"
	"testing"

	"tropa/telegram/botapi"
)

// FuzzUpdate feeds the decoder what a webhook or getUpdates could bring.
// The seed corpus under testdata holds updates shaped like Telegram's: a
// text, a photo, a document, a button press, an edit, kinds tropa does not
// read, a group's message and a malformed one.
func FuzzUpdate(f *testing.F) {
	f.Add([]byte(`{"update_id":1}`))
	f.Add([]byte(`{"update_id":2,"message":null,"callback_query":{"id":"q","data":"x"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		u, err := botapi.DecodeUpdate(data)
		if err != nil {
			return
		}
		set := 0
		for _, part := range []bool{u.Message != nil, u.EditedMessage != nil, u.CallbackQuery != nil} {
			if part {
				set++
			}
		}
		if set > 1 {
			t.Fatalf("%d parts set in one update", set)
		}
		for _, m := range []*botapi.Message{u.Message, u.EditedMessage} {
			if m != nil && m.Chat.ID == 0 {
				t.Fatal("a message without a chat")
			}
		}
		if q := u.CallbackQuery; q != nil && (q.ID == "" || q.Message != nil && q.Message.Chat.ID == 0) {
			t.Fatalf("a callback query without an id or with a message without a chat: %+v", q)
		}
		if m := u.Message; m != nil {
			m.Largest(0)
		}
		again, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		v, err := botapi.DecodeUpdate(again)
		if err != nil || v.ID != u.ID || v.Kind() != u.Kind() {
			t.Fatalf("decoded again: %+v, %v; was %+v", v, err, u)
		}
	})
}

func TestDecodeUpdate(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		kind botapi.Kind
		err  bool
	}{
		{"text", `{"update_id":3,"message":{"message_id":1,"chat":{"id":9,"type":"private"},"text":"hi"}}`, botapi.KindMessage, false},
		{"unknown", `{"update_id":3,"poll_answer":{"poll_id":"1"}}`, botapi.KindUnknown, false},
		{"no chat", `{"update_id":3,"message":{"message_id":1,"text":"hi"}}`, botapi.KindUnknown, false},
		{"odd field", `{"update_id":3,"message":{"message_id":1,"chat":{"id":9},"text":5}}`, botapi.KindUnknown, false},
		{"no id", `{"message":{"message_id":1,"chat":{"id":9}}}`, 0, true},
		{"not json", `update_id=3`, 0, true},
		{"array", `[{"update_id":3}]`, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := botapi.DecodeUpdate([]byte(tc.data))
			if (err != nil) != tc.err || u.Kind() != tc.kind {
				t.Fatalf("kind %v, error %v", u.Kind(), err)
			}
			if err == nil && u.ID != 3 {
				t.Fatalf("update id %d, want 3", u.ID)
			}
		})
	}
}
