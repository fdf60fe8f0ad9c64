package web_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tropa/internal/htmlcheck"
)

// After everything an applicant and a caseworker do, the log holds one line
// a request and nothing that identifies anyone or tells what they wrote.
func TestLogsHoldNoCaseData(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	const userAgent = "Mozilla/5.0 (Linux; Android 12; SM-A515F) unique-agent-7731"
	secrets := map[string]string{
		"message":        "Я в части под Курском, хочу уйти, помогите",
		"contact":        "telegram: @hidden_handle_42",
		"second message": "Пишу ещё раз: меня переводят завтра",
		"staff reply":    "Мы получили ваше сообщение, свяжемся в Signal",
		"API message":    "Сообщение через сайт партнёра 5512",
		"password":       caseworkerPassword,
		"wrong password": "guessing-password-99",
		"user agent":     userAgent,
		"address":        "203.0.113",
	}

	applicant := ts.browser(remoteAddr)
	applicant.header.Set("User-Agent", userAgent)
	applicant.get(t, "/")
	receipt := applicant.submit(t, requestForm("message", secrets["message"], "contact", secrets["contact"]))
	applicant.post(t, "/check", url.Values{"receipt": {receipt}})
	applicant.post(t, "/check/reply", url.Values{"receipt": {receipt}, "message": {secrets["second message"]}})
	applicant.post(t, "/check", url.Values{"receipt": {otherSecret(receipt)}})

	staff := ts.browser(remoteAddr)
	staff.header.Set("User-Agent", userAgent)
	if resp := staff.post(t, "/staff/login", url.Values{"name": {caseworkerName}, "password": {secrets["wrong password"]}}); resp.status != http.StatusUnauthorized {
		t.Fatalf("login with a wrong password = %d, want 401", resp.status)
	}
	staff.login(t, caseworkerName, caseworkerPassword)
	_, links := inboxRows(t, staff.get(t, "/staff/inbox").doc(t))
	if len(links) != 1 {
		t.Fatalf("inbox has %d requests, want 1", len(links))
	}
	secrets["request id"] = strings.TrimPrefix(links[0], "/staff/requests/")
	staff.get(t, links[0])
	staff.post(t, links[0]+"/reply", url.Values{"message": {secrets["staff reply"]}})
	htmlcheck.HasText(t, applicant.post(t, "/check", url.Values{"receipt": {receipt}}).doc(t), "li.message.staff", secrets["staff reply"])
	for _, c := range staff.jar.Cookies(&url.URL{Scheme: "http", Host: "tropa.test", Path: "/staff/"}) {
		secrets["session cookie"] = c.Value
	}
	staff.post(t, "/staff/logout", nil)

	api := ts.browser(remoteAddr)
	out := api.json(t, "POST", "/api/v1/requests", "", `{"kind":"legal","situation":"abroad","message":"`+secrets["API message"]+`"}`)
	secrets["API receipt"] = out["receipt"].(string)
	api.json(t, "GET", "/api/v1/requests/self", secrets["API receipt"], "")

	digits := strings.ReplaceAll(receipt, " ", "")
	secrets["receipt"], secrets["receipt digits"] = receipt, digits
	secrets["receipt lookup"], secrets["receipt secret"] = digits[:8], digits[8:]
	secrets["API receipt digits"] = strings.ReplaceAll(secrets["API receipt"], " ", "")

	logs := ts.logs.String()
	for what, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the log holds the %s %q", what, s)
		}
	}

	requests := applicant.requests.Load() + staff.requests.Load() + api.requests.Load()
	var lines int64
	patterns := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var line struct {
			Level, Msg, Pattern string
			Status              int
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if line.Msg != "http" {
			t.Errorf("log line %s, want only request lines after a flow with no failure", sc.Text())
			continue
		}
		lines++
		if line.Pattern == "" || line.Status < 100 {
			t.Errorf("log line %s lacks a pattern or a status", sc.Text())
		}
		patterns[line.Pattern] = true
	}
	if lines != requests {
		t.Errorf("log has %d request lines for %d requests, want one a request", lines, requests)
	}
	for _, p := range []string{"GET /{$}", "POST /{$}", "POST /check", "POST /check/reply", "POST /staff/login",
		"GET /staff/requests/{id}", "POST /staff/requests/{id}/reply", "POST /api/v1/requests", "GET /api/v1/requests/self"} {
		if !patterns[p] {
			t.Errorf("no log line with pattern %q; patterns: %v", p, patterns)
		}
	}
}
