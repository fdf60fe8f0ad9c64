package botapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"tropa/telegram/botapi"
)

// readSpy is a body that tells whether anything read it.
type readSpy struct {
	r    *strings.Reader
	read bool
}

func (b *readSpy) Read(p []byte) (int, error) {
	b.read = true
	return b.r.Read(p)
}

func TestWebhook(t *testing.T) {
	const secret = "Xq3-hook_secret-0123456789"
	const update = `{"update_id":5001,"message":{"message_id":7,"chat":{"id":900000001,"type":"private"},"date":1767225600,"text":"/start"}}`
	var got []botapi.Update
	fail := false
	h, err := botapi.NewWebhookHandler(secret, 4096, func(_ context.Context, u botapi.Update) error {
		if fail {
			return errors.New("database down")
		}
		got = append(got, u)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		method  string
		headers []string
		body    string
		fail    bool
		status  int
		handled bool
	}{
		{name: "no secret", headers: nil, body: update, status: 401},
		{name: "empty secret", headers: []string{""}, body: update, status: 403},
		{name: "wrong secret", headers: []string{"Xq3-hook_secret-0123456788"}, body: update, status: 403},
		{name: "longer secret", headers: []string{secret + "0"}, body: update, status: 403},
		{name: "two secrets", headers: []string{"guess", secret}, body: update, status: 401},
		{name: "right secret", headers: []string{secret}, body: update, status: 200, handled: true},
		{name: "get", method: http.MethodGet, headers: []string{secret}, status: 405},
		{name: "not json", headers: []string{secret}, body: "update_id=1", status: 400},
		{name: "too large", headers: []string{secret}, body: `{"update_id":1,"message":{"text":"` + strings.Repeat("a", 5000) + `"}}`, status: 413},
		{name: "unknown kind", headers: []string{secret}, body: `{"update_id":5002,"poll":{"id":"1"}}`, status: 200, handled: true},
		{name: "handler fails", headers: []string{secret}, body: update, fail: true, status: 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, fail = nil, tc.fail
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			body := &readSpy{r: strings.NewReader(tc.body)}
			r := httptest.NewRequest(method, "/telegram/webhook", body)
			for _, v := range tc.headers {
				r.Header.Add(botapi.SecretHeader, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d", w.Code, tc.status)
			}
			if tc.status == 401 || tc.status == 403 {
				if body.read {
					t.Fatal("the body of a refused post was read")
				}
			}
			if (len(got) == 1) != tc.handled {
				t.Fatalf("handled %d updates", len(got))
			}
		})
	}
	if _, err := botapi.NewWebhookHandler("", 4096, nil); err == nil {
		t.Fatal("a webhook without a secret")
	}
}

func TestWebhookDelivers(t *testing.T) {
	var got botapi.Update
	h, err := botapi.NewWebhookHandler("secret", botapi.MaxUpdateBody, func(_ context.Context, u botapi.Update) error {
		got = u
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"update_id":77,"callback_query":{"id":"4382bfdwdsb323b2d9","from":{"id":900000001,"is_bot":false,"first_name":"A"},` +
		`"message":{"message_id":12,"chat":{"id":900000001,"type":"private"},"date":1767225600,"text":"Language?"},"chat_instance":"-1","data":"lang:uk"}}`
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set(botapi.SecretHeader, "secret")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 || got.ID != 77 || got.Kind() != botapi.KindCallbackQuery || got.CallbackQuery.Data != "lang:uk" || got.CallbackQuery.Message.Chat.ID != 900000001 {
		t.Fatalf("status %d, update %+v", w.Code, got)
	}
}
