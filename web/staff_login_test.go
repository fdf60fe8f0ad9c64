package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"tropa/internal/htmlcheck"
)

func (b *browser) getNoFollow(tb testing.TB, path string) *response {
	tb.Helper()
	return b.do(tb, newRequest(tb, http.MethodGet, path, nil), false)
}

func (b *browser) postNoFollow(tb testing.TB, path string, form url.Values) *response {
	tb.Helper()
	return b.postRaw(tb, path, form.Encode(), false)
}

// wantRedirect fails the test unless resp is a 303 to location.
func wantRedirect(tb testing.TB, what string, resp *response, location string) {
	tb.Helper()
	if resp.status != http.StatusSeeOther || resp.header.Get("Location") != location {
		tb.Fatalf("%s = %d to %q, want 303 to %q", what, resp.status, resp.header.Get("Location"), location)
	}
}

func TestStaffPagesNeedLogin(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, path := range []string{"/staff/", "/staff/inbox", "/staff/requests/abc", "/staff/totp"} {
		t.Run(path, func(t *testing.T) {
			wantRedirect(t, "GET "+path, ts.browser(loopback).getNoFollow(t, path), "/staff/login")
		})
	}
	t.Run("a post without a session", func(t *testing.T) {
		resp := ts.browser(loopback).postNoFollow(t, "/staff/requests/abc/reply", url.Values{"message": {"hello"}})
		if resp.status != http.StatusUnauthorized {
			t.Fatalf("POST = %d, want 401", resp.status)
		}
		htmlcheck.HasText(t, resp.doc(t), "p.error", "Сеанс завершён")
	})
	t.Run("a forged cookie", func(t *testing.T) {
		b := ts.browser(loopback)
		req := newRequest(t, http.MethodGet, "/staff/inbox", nil)
		req.AddCookie(&http.Cookie{Name: "tropa_staff", Value: "abc.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
		wantRedirect(t, "GET /staff/inbox", b.do(t, req, false), "/staff/login")
	})
}

func TestStaffLoginFails(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct{ name, user, password, code string }{
		{"wrong password", caseworkerName, "not the password at all", ""},
		{"unknown name", "Nobody", caseworkerPassword + "!", ""},
		{"empty password", caseworkerName, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := ts.browser(loopback)
			resp := b.postNoFollow(t, "/staff/login", url.Values{"name": {tt.user}, "password": {tt.password}, "code": {tt.code}})
			if resp.status != http.StatusUnauthorized {
				t.Fatalf("POST /staff/login = %d, want 401", resp.status)
			}
			doc := resp.doc(t)
			htmlcheck.HasText(t, doc, "p.error", "Неверное имя, пароль или код")
			if got := attr(t, doc, "input#name", "value"); got != tt.user {
				t.Errorf("name field = %q, want %q kept", got, tt.user)
			}
			if got := attr(t, doc, "input#password", "value"); got != "" {
				t.Errorf("password field = %q, want it empty", got)
			}
			if c := resp.header.Values("Set-Cookie"); len(c) > 0 {
				t.Errorf("Set-Cookie = %q, want none", c)
			}
		})
	}
}

func TestStaffFirstLoginEnrolsTOTP(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.browser(loopback)
	resp := b.postNoFollow(t, "/staff/login", url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}})
	wantRedirect(t, "first login", resp, "/staff/totp")

	// Until enrolled, every staff page leads back to enrolment.
	wantRedirect(t, "GET /staff/inbox while enrolling", b.getNoFollow(t, "/staff/inbox"), "/staff/totp")

	resp = b.get(t, "/staff/totp")
	if resp.status != http.StatusOK {
		t.Fatalf("GET /staff/totp = %d, want 200", resp.status)
	}
	doc := resp.doc(t)
	htmlcheck.HasOne(t, doc, `img[src^="data:image/png;base64,"]`)
	secret := htmlcheck.Text(htmlcheck.HasOne(t, doc, "code.secret"))
	if len(secret) < 16 {
		t.Fatalf("TOTP secret %q, want a base32 key", secret)
	}

	enrolCode := ts.enrolCode(caseworkerName)
	resp = b.postNoFollow(t, "/staff/totp", url.Values{"enrol_code": {enrolCode}, "code": {"000000"}})
	if resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong code = %d, want 422", resp.status)
	}
	doc = resp.doc(t)
	htmlcheck.HasText(t, doc, "p.error", "Код неверный")
	if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "code.secret")); got != secret {
		t.Errorf("secret after a wrong code = %q, want the same %q", got, secret)
	}

	resp = b.postNoFollow(t, "/staff/totp", url.Values{"enrol_code": {enrolCode}, "code": {totpCode(t, secret, ts.deskClock.Now())}})
	wantRedirect(t, "right code", resp, "/staff/")
	resp = b.get(t, "/staff/")
	if resp.status != http.StatusOK || resp.path != "/staff/inbox" {
		t.Fatalf("GET /staff/ = %d at %s, want 200 at /staff/inbox", resp.status, resp.path)
	}
	htmlcheck.HasText(t, resp.doc(t), "h1", "Входящие")
	wantRedirect(t, "GET /staff/totp once enrolled", b.getNoFollow(t, "/staff/totp"), "/staff/")

	// From now on a login needs a code.
	again := ts.browser(loopback)
	resp = again.postNoFollow(t, "/staff/login", url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}})
	if resp.status != http.StatusUnauthorized {
		t.Fatalf("login without a code after enrolment = %d, want 401", resp.status)
	}
	ts.deskClock.Advance(30 * time.Second)
	resp = again.postNoFollow(t, "/staff/login", url.Values{"name": {caseworkerName}, "password": {caseworkerPassword},
		"code": {totpCode(t, secret, ts.deskClock.Now())}})
	wantRedirect(t, "login with a code", resp, "/staff/")
}

func TestStaffLogout(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	cookies := b.jar.Cookies(&url.URL{Scheme: "http", Host: "tropa.test", Path: "/staff/"})
	if len(cookies) != 1 {
		t.Fatalf("cookies after login = %v, want the session cookie", cookies)
	}
	old := cookies[0]

	doc := b.get(t, "/staff/inbox").doc(t)
	if got := attr(t, doc, `form[action="/staff/logout"]`, "method"); got != "post" {
		t.Fatalf("logout form method = %q, want post", got)
	}
	resp := b.postNoFollow(t, "/staff/logout", nil)
	wantRedirect(t, "logout", resp, "/staff/login")
	wantRedirect(t, "GET /staff/inbox after logout", b.getNoFollow(t, "/staff/inbox"), "/staff/login")

	// Someone who kept a copy of the cookie gets nothing with it.
	thief := ts.browser(loopback)
	req := newRequest(t, http.MethodGet, "/staff/inbox", nil)
	req.AddCookie(&http.Cookie{Name: old.Name, Value: old.Value})
	wantRedirect(t, "GET /staff/inbox with the old cookie", thief.do(t, req, false), "/staff/login")
}

// A session unused for longer than the idle timeout ends.
func TestStaffSessionIdleTimeout(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	ts.deskClock.Advance(29 * time.Minute)
	if resp := b.getNoFollow(t, "/staff/inbox"); resp.status != http.StatusOK {
		t.Fatalf("GET /staff/inbox after 29 idle minutes = %d, want 200", resp.status)
	}
	ts.deskClock.Advance(31 * time.Minute)
	resp := b.getNoFollow(t, "/staff/inbox")
	wantRedirect(t, "GET /staff/inbox after 31 idle minutes", resp, "/staff/login")
	cleared := false
	for _, c := range (&http.Response{Header: resp.header}).Cookies() {
		cleared = cleared || (c.Name == "tropa_staff" && c.MaxAge < 0)
	}
	if !cleared {
		t.Errorf("Set-Cookie = %q, want the session cookie cleared", resp.header.Values("Set-Cookie"))
	}
}

// Password guesses from one network are limited; the form keeps the name.
func TestStaffLoginRateLimit(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.browser(remoteAddr)
	for i := range 10 {
		// Each at another name: a name of its own has fewer tries.
		wrong := url.Values{"name": {fmt.Sprintf("guess-%d", i)}, "password": {"wrong password guess"}}
		if resp := b.postNoFollow(t, "/staff/login", wrong); resp.status != http.StatusUnauthorized {
			t.Fatalf("guess %d = %d, want 401", i+1, resp.status)
		}
	}
	resp := b.postNoFollow(t, "/staff/login", url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}})
	if resp.status != http.StatusTooManyRequests {
		t.Fatalf("11th login = %d, want 429", resp.status)
	}
	doc := resp.doc(t)
	htmlcheck.HasText(t, doc, "p.error", "Слишком много попыток")
	if got := attr(t, doc, "input#name", "value"); got != caseworkerName {
		t.Errorf("name field = %q, want %q", got, caseworkerName)
	}
	resp = ts.browser(otherRemote).postNoFollow(t, "/staff/login",
		url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}})
	wantRedirect(t, "login from another network", resp, "/staff/totp")
}

// The TOTP page offers a logout button like every staff page; it must end
// the half-finished login too (a shared computer, a scan that failed).
func TestStaffLogoutWhileEnrolling(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.browser(loopback)
	resp := b.post(t, "/staff/login", url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}})
	if resp.path != "/staff/totp" {
		t.Fatalf("first login ended at %s, want /staff/totp", resp.path)
	}
	htmlcheck.HasOne(t, resp.doc(t), `form[action="/staff/logout"] button`)
	resp = b.postNoFollow(t, "/staff/logout", nil)
	if resp.status != http.StatusSeeOther || resp.header.Get("Location") != "/staff/login" {
		t.Errorf("logout while enrolling = %d to %q, want 303 to /staff/login", resp.status, resp.header.Get("Location"))
	}
	resp = b.getNoFollow(t, "/staff/totp")
	if resp.status != http.StatusSeeOther || resp.header.Get("Location") != "/staff/login" {
		t.Errorf("GET /staff/totp after logout = %d to %q, want 303 to /staff/login: the session (and the TOTP key "+
			"it shows) outlives the logout button", resp.status, resp.header.Get("Location"))
	}
}
