package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/internal/htmlcheck"
)

// member is a staff member who has enrolled TOTP, with what they need to
// log in again.
type member struct {
	name, password, secret string
}

// addMember adds a staff member of role to the desk.
func (ts *testServer) addMember(tb testing.TB, name string, role tropa.Role, password string) {
	tb.Helper()
	st := tropa.Staff{Name: name, Role: role, Intake: role.JoinsIntakeByDefault()}
	a, err := ts.desk.AddStaff(context.Background(), st, password)
	if err != nil {
		tb.Fatalf("AddStaff(%q): %v", name, err)
	}
	ts.added(a)
}

// enrol logs a staff member in for the first time, enrolling TOTP, and
// returns the browser and what logs them in again.
func (ts *testServer) enrol(tb testing.TB, name, password string) (*browser, member) {
	tb.Helper()
	b := ts.browser(loopback)
	resp := b.post(tb, "/staff/login", url.Values{"name": {name}, "password": {password}})
	if resp.path != "/staff/totp" {
		tb.Fatalf("first login of %s: %d at %s, want /staff/totp", name, resp.status, resp.path)
	}
	secret := htmlcheck.Text(htmlcheck.HasOne(tb, resp.doc(tb), "code.secret"))
	resp = b.post(tb, "/staff/totp", url.Values{"enrol_code": {ts.enrolCode(name)}, "code": {totpCode(tb, secret, ts.deskClock.Now())}})
	if resp.status != http.StatusOK || resp.path == "/staff/totp" {
		tb.Fatalf("TOTP enrolment of %s: %d at %s", name, resp.status, resp.path)
	}
	return b, member{name: name, password: password, secret: secret}
}

// tryLogin logs m in from a new browser with password and a fresh code, and
// returns the browser and where the login ended.
func (ts *testServer) tryLogin(tb testing.TB, m member, password string) (*browser, *response) {
	tb.Helper()
	// A code is accepted once: the next login waits for the next one.
	ts.deskClock.Advance(30 * time.Second)
	b := ts.browser(loopback)
	resp := b.post(tb, "/staff/login", url.Values{"name": {m.name}, "password": {password},
		"code": {totpCode(tb, m.secret, ts.deskClock.Now())}})
	return b, resp
}

// loginAgain logs an enrolled staff member in from another browser.
func (ts *testServer) loginAgain(tb testing.TB, m member) *browser {
	tb.Helper()
	b, resp := ts.tryLogin(tb, m, m.password)
	if resp.status != http.StatusOK || resp.path == "/staff/login" || resp.path == "/staff/totp" {
		tb.Fatalf("login of %s: %d at %s", m.name, resp.status, resp.path)
	}
	return b
}

// wantLoggedOut fails the test unless b's session has ended.
func wantLoggedOut(tb testing.TB, b *browser) {
	tb.Helper()
	wantRedirect(tb, "GET /staff/account", b.getNoFollow(tb, "/staff/account"), "/staff/login")
}

// wantLoggedIn fails the test unless b's session still works.
func wantLoggedIn(tb testing.TB, b *browser) {
	tb.Helper()
	if resp := b.getNoFollow(tb, "/staff/account"); resp.status != http.StatusOK {
		tb.Fatalf("GET /staff/account = %d (to %q), want 200", resp.status, resp.header.Get("Location"))
	}
}

// sessionID is the id of the session b holds, from its cookie.
func (b *browser) sessionID(tb testing.TB) string {
	tb.Helper()
	u, _ := url.Parse(baseURL + "/staff/")
	for _, c := range b.jar.Cookies(u) {
		if c.Name == "tropa_staff" {
			id, _, _ := strings.Cut(c.Value, ".")
			return id
		}
	}
	tb.Fatal("no session cookie")
	return ""
}

func TestAccountPasswordChange(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b, olena := ts.enrol(t, caseworkerName, caseworkerPassword)
	other := ts.loginAgain(t, olena)
	const newPassword = "the river is wide in april"

	tests := []struct {
		name                  string
		current, next, repeat string
	}{
		{"wrong current password", "not my password at all", newPassword, newPassword},
		{"repeat differs", caseworkerPassword, newPassword, newPassword + "!"},
		{"new password too short", caseworkerPassword, "tiny pw 7", "tiny pw 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := b.post(t, "/staff/account/password", url.Values{"current": {tt.current}, "new": {tt.next}, "repeat": {tt.repeat}})
			if resp.status != http.StatusUnprocessableEntity {
				t.Fatalf("POST = %d, want 422", resp.status)
			}
			doc := resp.doc(t)
			htmlcheck.HasOne(t, doc, "p.error")
			if n := count(t, doc, "form.password input[type=password]"); n != 3 {
				t.Errorf("%d password inputs, want 3", n)
			}
			htmlcheck.HasNone(t, doc, "input[type=password][value]")
			if strings.Contains(resp.body, tt.current) || strings.Contains(resp.body, tt.next) {
				t.Error("the page shows a password typed")
			}
			wantLoggedIn(t, other)
		})
	}
	if _, resp := ts.tryLogin(t, olena, caseworkerPassword); resp.path == "/staff/login" {
		t.Fatalf("the old password no longer works after refused changes: %d", resp.status)
	}

	resp := b.post(t, "/staff/account/password", url.Values{"current": {caseworkerPassword}, "new": {newPassword},
		"repeat": {newPassword}})
	if resp.status != http.StatusOK || resp.path != "/staff/account?done=password" {
		t.Fatalf("change = %d at %s, want 200 at /staff/account?done=password", resp.status, resp.path)
	}
	htmlcheck.HasOne(t, resp.doc(t), "p.notice")
	wantLoggedIn(t, b)
	wantLoggedOut(t, other)
	if _, resp := ts.tryLogin(t, olena, caseworkerPassword); resp.status != http.StatusUnauthorized {
		t.Errorf("login with the old password = %d at %s, want 401", resp.status, resp.path)
	}
	olena.password = newPassword
	ts.loginAgain(t, olena)
}

func TestAccountSessions(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b, olena := ts.enrol(t, caseworkerName, caseworkerPassword)
	other := ts.loginAgain(t, olena)

	resp := b.get(t, "/staff/account")
	doc := resp.doc(t)
	if n := count(t, doc, "table.sessions tr.session"); n != 2 {
		t.Fatalf("%d sessions listed, want 2", n)
	}
	current := htmlcheck.HasOne(t, doc, "tr.session.current")
	if id := b.sessionID(t); !strings.Contains(htmlcheck.Text(current), id[:6]) {
		t.Errorf("the current session's row %q does not show the start of its id %q", htmlcheck.Text(current), id[:6])
	}
	if text := htmlcheck.Text(htmlcheck.HasOne(t, doc, "main")); strings.Contains(text, b.sessionID(t)) ||
		strings.Contains(text, other.sessionID(t)) {
		t.Error("the page shows a whole session id")
	}
	end := "/staff/account/sessions/" + other.sessionID(t) + "/end"
	htmlcheck.HasOne(t, doc, `tr.session form.end-session[action="`+end+`"]`)
	htmlcheck.HasNone(t, doc, `tr.session.current form.end-session[action="`+end+`"]`)

	resp = b.post(t, end, nil)
	if resp.status != http.StatusOK || resp.path != "/staff/account?done=ended" {
		t.Fatalf("ending the other session = %d at %s", resp.status, resp.path)
	}
	wantLoggedOut(t, other)
	wantLoggedIn(t, b)
	doc = resp.doc(t)
	if n := count(t, doc, "tr.session"); n != 1 {
		t.Errorf("%d sessions listed after ending one, want 1", n)
	}
	htmlcheck.HasNone(t, doc, "form.end-others")

	t.Run("someone else's session", func(t *testing.T) {
		ivan := ts.staffBrowser(t, analystName, analystPassword)
		resp := ivan.post(t, "/staff/account/sessions/"+b.sessionID(t)+"/end", nil)
		if resp.status != http.StatusNotFound {
			t.Errorf("ending Olena's session as Ivan = %d, want 404", resp.status)
		}
		wantLoggedIn(t, b)
	})
}

func TestAccountSessionsEndOthers(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b, olena := ts.enrol(t, caseworkerName, caseworkerPassword)
	others := []*browser{ts.loginAgain(t, olena), ts.loginAgain(t, olena)}
	ivan := ts.staffBrowser(t, analystName, analystPassword)

	doc := b.get(t, "/staff/account").doc(t)
	resp := b.post(t, attr(t, doc, "form.end-others", "action"), nil)
	if resp.status != http.StatusOK || resp.path != "/staff/account?done=others&ended=2" {
		t.Fatalf("logging out elsewhere = %d at %s", resp.status, resp.path)
	}
	htmlcheck.HasOne(t, resp.doc(t), "p.notice")
	for _, o := range others {
		wantLoggedOut(t, o)
	}
	wantLoggedIn(t, b)
	wantLoggedIn(t, ivan)
}

func TestAccountEndCurrentSessionLogsOut(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.staffBrowser(t, analystName, analystPassword)
	doc := b.get(t, "/staff/account").doc(t)
	resp := b.post(t, attr(t, doc, "tr.session.current form.end-session", "action"), nil)
	if resp.status != http.StatusOK || resp.path != "/staff/login" {
		t.Fatalf("ending the current session = %d at %s, want the login page", resp.status, resp.path)
	}
	u, _ := url.Parse(baseURL + "/staff/")
	if cs := b.jar.Cookies(u); len(cs) != 0 {
		t.Errorf("cookies left: %v", cs)
	}
	wantLoggedOut(t, b)
}
