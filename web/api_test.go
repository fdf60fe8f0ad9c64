package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// apiCall is one call to the JSON API.
type apiCall struct {
	method, path string
	// auth is the Authorization header; receipt is sent as "Receipt <receipt>".
	auth, receipt  string
	contentType    string // application/json unless set; "-" for none
	body           string
	acceptLanguage string
}

func (b *browser) api(tb testing.TB, c apiCall) (int, map[string]any) {
	tb.Helper()
	req := newRequest(tb, c.method, c.path, strings.NewReader(c.body))
	switch {
	case c.receipt != "":
		req.Header.Set("Authorization", "Receipt "+c.receipt)
	case c.auth != "":
		req.Header.Set("Authorization", c.auth)
	}
	switch c.contentType {
	case "":
		req.Header.Set("Content-Type", "application/json")
	case "-":
	default:
		req.Header.Set("Content-Type", c.contentType)
	}
	if c.acceptLanguage != "" {
		req.Header.Set("Accept-Language", c.acceptLanguage)
	}
	resp := b.do(tb, req, false)
	if ct := resp.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		tb.Fatalf("%s %s: Content-Type %q, want JSON; body:\n%s", c.method, c.path, ct, resp.body)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(resp.body), &out); err != nil {
		tb.Fatalf("%s %s: body %q is not a JSON object: %v", c.method, c.path, resp.body, err)
	}
	return resp.status, out
}

// json makes a call that must succeed and returns its body.
func (b *browser) json(tb testing.TB, method, path, receipt, body string) map[string]any {
	tb.Helper()
	status, out := b.api(tb, apiCall{method: method, path: path, receipt: receipt, body: body})
	if status != http.StatusOK && status != http.StatusCreated {
		tb.Fatalf("%s %s = %d: %v", method, path, status, out)
	}
	return out
}

func TestAPISubmitReadAndReply(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.browser(loopback)
	status, out := b.api(t, apiCall{method: "POST", path: "/api/v1/requests",
		body: `{"kind":"surrender","situation":"front","contact":"@ivan","message":"Хочу сдаться, как?"}`})
	if status != http.StatusCreated {
		t.Fatalf("POST /api/v1/requests = %d %v, want 201", status, out)
	}
	receipt, _ := out["receipt"].(string)
	if !receiptPattern.MatchString(receipt) {
		t.Fatalf("receipt %q, want 7 groups of 5 digits", receipt)
	}
	reqs := ts.storedRequests(t)
	if len(reqs) != 1 || reqs[0].Channel != "api" {
		t.Fatalf("stored requests = %+v, want 1 from the API channel", reqs)
	}

	thread := b.json(t, "GET", "/api/v1/requests/self", receipt, "")
	if thread["kind"] != "surrender" || thread["situation"] != "front" || thread["contact"] != "@ivan" {
		t.Errorf("thread = %v, want the request as sent", thread)
	}
	msgs, _ := thread["messages"].([]any)
	if len(msgs) != 1 {
		t.Fatalf("messages = %v, want 1", thread["messages"])
	}
	if m, _ := msgs[0].(map[string]any); m["from"] != "applicant" || m["body"] != "Хочу сдаться, как?" || m["at"] == nil {
		t.Errorf("message = %v, want from applicant with body and time", msgs[0])
	}

	status, out = b.api(t, apiCall{method: "POST", path: "/api/v1/requests/self/messages",
		receipt: strings.ReplaceAll(receipt, " ", "-"), body: `{"message":"Ещё вопрос"}`})
	if status != http.StatusCreated {
		t.Fatalf("POST messages = %d %v, want 201", status, out)
	}
	thread = b.json(t, "GET", "/api/v1/requests/self", strings.ReplaceAll(receipt, " ", ""), "")
	msgs, _ = thread["messages"].([]any)
	if len(msgs) != 2 {
		t.Fatalf("messages after reply = %d, want 2", len(msgs))
	}
	if m, _ := msgs[1].(map[string]any); m["from"] != "applicant" || m["body"] != "Ещё вопрос" {
		t.Errorf("second message = %v", msgs[1])
	}
}

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	receipt := ts.browser(loopback).json(t, "POST", "/api/v1/requests", "",
		`{"kind":"legal","situation":"abroad","message":"вопрос"}`)["receipt"].(string)
	submit := func(body string) apiCall { return apiCall{method: "POST", path: "/api/v1/requests", body: body} }
	valid := `{"kind":"legal","situation":"front","contact":"","message":"hi"}`
	tests := []struct {
		name        string
		call        apiCall
		wantStatus  int
		wantCode    string
		wantMessage string
	}{
		{"unknown receipt in Russian", apiCall{method: "GET", path: "/api/v1/requests/self", receipt: otherLookup(receipt)},
			404, "not_found", "По этому коду квитанции не найдено"},
		{"wrong secret in English", apiCall{method: "GET", path: "/api/v1/requests/self", receipt: otherSecret(receipt),
			acceptLanguage: "en"}, 404, "not_found", "This receipt code does not open any request"},
		{"reply with a wrong receipt", apiCall{method: "POST", path: "/api/v1/requests/self/messages",
			receipt: otherSecret(receipt), body: `{"message":"x"}`}, 404, "not_found", "квитанции"},
		{"malformed receipt", apiCall{method: "GET", path: "/api/v1/requests/self", receipt: "1234"},
			422, "invalid", "35"},
		{"a typo in the receipt", apiCall{method: "GET", path: "/api/v1/requests/self", receipt: typoInGroup(receipt, 2)},
			422, "invalid", "в группе 2"},
		{"no Authorization", apiCall{method: "GET", path: "/api/v1/requests/self"}, 401, "unauthorized", "Authorization: Receipt"},
		{"reply without Authorization", apiCall{method: "POST", path: "/api/v1/requests/self/messages", body: `{"message":"x"}`},
			401, "unauthorized", "Authorization: Receipt"},
		{"another scheme", apiCall{method: "GET", path: "/api/v1/requests/self", auth: "Bearer " + receipt},
			401, "unauthorized", "Authorization: Receipt"},
		{"unknown field", submit(`{"kind":"legal","situation":"front","message":"hi","name":"Ivan"}`), 422, "invalid", "JSON"},
		{"trailing data", submit(valid + `x`), 422, "invalid", "JSON"},
		{"two objects", submit(valid + valid), 422, "invalid", "JSON"},
		{"not an object", submit(`["legal"]`), 422, "invalid", "JSON"},
		{"empty body", submit(``), 422, "invalid", "JSON"},
		{"wrong Content-Type", apiCall{method: "POST", path: "/api/v1/requests", contentType: "text/plain", body: valid},
			422, "invalid", "Content-Type: application/json"},
		{"form Content-Type", apiCall{method: "POST", path: "/api/v1/requests",
			contentType: "application/x-www-form-urlencoded", body: valid}, 422, "invalid", "application/json"},
		{"no Content-Type", apiCall{method: "POST", path: "/api/v1/requests", contentType: "-", body: valid},
			422, "invalid", "application/json"},
		{"unknown kind", submit(`{"kind":"holiday","situation":"front","message":"hi"}`), 422, "invalid", "Выберите"},
		{"empty message", submit(`{"kind":"legal","situation":"front","message":""}`), 422, "invalid", "Сообщение"},
		{"body too large", submit(`{"kind":"legal","situation":"front","message":"` + strings.Repeat("a", 200<<10) + `"}`),
			413, "too_large", "слишком длинный"},
		{"empty reply", apiCall{method: "POST", path: "/api/v1/requests/self/messages", receipt: receipt,
			body: `{"message":""}`}, 422, "invalid", "Сообщение"},
		{"reply with an unknown field", apiCall{method: "POST", path: "/api/v1/requests/self/messages", receipt: receipt,
			body: `{"message":"x","from":"organization"}`}, 422, "invalid", "JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := ts.browser(loopback).api(t, tt.call)
			e, _ := out["error"].(map[string]any)
			if status != tt.wantStatus || e["code"] != tt.wantCode {
				t.Fatalf("%s %s = %d %v, want %d with code %q", tt.call.method, tt.call.path, status, out,
					tt.wantStatus, tt.wantCode)
			}
			if msg, _ := e["message"].(string); !strings.Contains(msg, tt.wantMessage) {
				t.Errorf("error message %q, want it to contain %q", msg, tt.wantMessage)
			}
		})
	}
	if n := len(ts.storedRequests(t)); n != 1 {
		t.Errorf("stored requests = %d, want only the first", n)
	}
	thread := ts.browser(loopback).json(t, "GET", "/api/v1/requests/self", receipt, "")
	if msgs, _ := thread["messages"].([]any); len(msgs) != 1 {
		t.Errorf("messages = %d, want 1: no refused reply was added", len(msgs))
	}
}
