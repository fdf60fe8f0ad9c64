package web_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"tropa"
)

var staffURL, _ = url.Parse(baseURL + "/staff/")

// sessionCookie is the value of the staff cookie b holds, or "".
func (b *browser) sessionCookie() string {
	for _, c := range b.jar.Cookies(staffURL) {
		if c.Name == "tropa_staff" {
			return c.Value
		}
	}
	return ""
}

// plant sets the staff cookie in b, as an attacker who once had the phone,
// or a sibling domain, could.
func (b *browser) plant(value string) {
	b.jar.SetCookies(staffURL, []*http.Cookie{{Name: "tropa_staff", Value: value, Path: "/staff/"}})
}

// withCookie is a new browser holding only value as its staff cookie.
func (ts *testServer) withCookie(value string) *browser {
	b := ts.browser(loopback)
	b.plant(value)
	return b
}

// A session cookie planted before login is never the one login leaves in
// place: login issues a new one, and the planted value opens nothing. A
// browser that logs in again ends the session it had.
func TestSessionFixation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, true)
	_, olena := ts.enrol(t, caseworkerName, caseworkerPassword)
	attacker := ts.staffBrowser(t, coordinatorName, staffPassword)
	attackerToken := attacker.sessionCookie()
	old := ts.loginAgain(t, olena)
	oldToken := old.sessionCookie()

	tests := []struct{ name, planted string }{
		{"made-up value", "0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
		// Ended too: whoever holds a session's cookie may end it anyway.
		{"the attacker's own session", attackerToken},
		{"the victim's previous session", oldToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			victim := ts.withCookie(tt.planted)
			// A code is accepted once: this login waits for the next one.
			ts.deskClock.Advance(30 * time.Second)
			resp := victim.postNoFollow(t, "/staff/login", url.Values{"name": {olena.name}, "password": {olena.password},
				"code": {totpCode(t, olena.secret, ts.deskClock.Now())}})
			if resp.status != http.StatusSeeOther {
				t.Fatalf("login with a planted cookie = %d, want 303", resp.status)
			}
			issued := victim.sessionCookie()
			if issued == "" || issued == tt.planted {
				t.Fatalf("after login the browser holds %q, want a new session, not the planted %q", issued, tt.planted)
			}
			wantLoggedIn(t, victim)
			wantLoggedOut(t, ts.withCookie(tt.planted))
		})
	}
}

// tamper returns the ways an attacker may change a session cookie, from a
// valid one and another session's.
func tamper(token, other string) map[string]string {
	id, key, _ := strings.Cut(token, ".")
	otherID, otherKey, _ := strings.Cut(other, ".")
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	return map[string]string{
		"id byte flipped":            flip(id, len(id)/2) + "." + key,
		"key byte flipped":           id + "." + flip(key, len(key)/2),
		"key's first byte flipped":   id + "." + flip(key, 0),
		"key from another session":   id + "." + otherKey,
		"id of another session":      otherID + "." + key,
		"truncated key":              id + "." + key[:len(key)-1],
		"key only":                   key,
		"id only":                    id,
		"id and a dot":               id + ".",
		"empty":                      "",
		"two dots":                   id + "." + key + "." + key,
		"huge":                       id + "." + strings.Repeat(key, 100),
		"huge id":                    strings.Repeat(id, 100) + "." + key,
		"not base64":                 id + ".!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
		"padded base64":              id + "." + key + "=",
		"standard base64 characters": id + "." + strings.NewReplacer("-", "+", "_", "/").Replace(key) + "+/",
		"SQL in the id":              "x' OR '1'='1." + key,
		"percent-encoded dot":        id + "%2E" + key,
	}
}

// A session cookie changed in any way is refused as "not logged in": a
// redirect to the login page, or a page saying the session ended, never a
// server error; the log holds the route and status and nothing else; the
// real session goes on working.
func TestSessionCookieTampering(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, true)
	real := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	other := ts.staffBrowser(t, coordinatorName, staffPassword)
	token := real.sessionCookie()
	tampered := tamper(token, other.sessionCookie())
	logStart := len(ts.logs.String())
	for name, value := range tampered {
		t.Run(name, func(t *testing.T) {
			// Sent raw: a cookie jar would refuse values no browser sends.
			b := ts.browser(loopback)
			get := newRequest(t, http.MethodGet, "/staff/account", nil)
			get.Header.Set("Cookie", "tropa_staff="+value)
			resp := b.do(t, get, false)
			wantRedirect(t, "GET /staff/account with a tampered cookie", resp, "/staff/login")
			post := newRequest(t, http.MethodPost, "/staff/account/sessions/end-others", nil)
			post.Header.Set("Cookie", "tropa_staff="+value)
			if resp := b.do(t, post, false); resp.status != http.StatusUnauthorized {
				t.Errorf("POST with a tampered cookie = %d, want 401", resp.status)
			}
		})
	}
	wantLoggedIn(t, real)
	wantLoggedIn(t, other)
	sc := bufio.NewScanner(strings.NewReader(ts.logs.String()[logStart:]))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		keys := make([]string, 0, len(line))
		for k := range line {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if line["msg"] != "http" || !slices.Equal(keys, []string{"level", "ms", "msg", "pattern", "status", "time"}) {
			t.Errorf("log line %s, want only the route, status and time", sc.Text())
		}
		if s, _ := line["status"].(float64); s >= 500 {
			t.Errorf("log line %s: a server error", sc.Text())
		}
	}
}
