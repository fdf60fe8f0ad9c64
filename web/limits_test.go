package web_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pires/go-proxyproto"

	"tropa"
	"tropa/internal/htmlcheck"
	"tropa/web"
)

// behindProxy trusts the reverse proxy on loopback to name the client.
func behindProxy(c *web.Config) {
	c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
}

// forwardedFor is a browser that reaches ts through the proxy on
// loopback, which names it as client in X-Forwarded-For.
func (ts *testServer) forwardedFor(client string) *browser {
	b := ts.browser(loopback)
	b.header.Set("X-Forwarded-For", client)
	return b
}

// One client behind the proxy sends 80 logins at once: it gets its own
// share, and a staff member elsewhere still logs in. Before, every client
// behind the proxy was one, and the flood spent everyone's logins.
func TestLoginFloodBehindProxyLeavesOthersIn(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, behindProxy)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := range 80 {
		wg.Go(func() {
			// What the flooder writes himself stands left of what the
			// proxy appends, and changes nothing.
			b := ts.forwardedFor(fmt.Sprintf("198.51.100.%d, 203.0.113.7", i))
			resp := b.postNoFollow(t, "/staff/login", url.Values{"name": {fmt.Sprintf("guess-%d", i)}, "password": {"guess"}})
			mu.Lock()
			statuses[resp.status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if statuses[http.StatusUnauthorized] != 10 || statuses[http.StatusTooManyRequests] != 70 {
		t.Errorf("80 logins from one client behind the proxy: %v, want 10 checked (401) and 70 refused (429)", statuses)
	}
	resp := ts.forwardedFor("198.51.100.9").postNoFollow(t, "/staff/login",
		url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}})
	wantRedirect(t, "a staff member's login from another client during the flood", resp, "/staff/totp")
	for _, addr := range []string{"203.0.113", "198.51.100"} {
		if strings.Contains(ts.logs.String(), addr) {
			t.Errorf("the log holds a client's address %s", addr)
		}
	}
}

// Without a trusted proxy, X-Forwarded-For is anyone's to write, and is
// not believed: a client cannot escape its limit by naming another.
func TestForwardedForIgnoredUntrusted(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for i := range 11 {
		b := ts.browser(remoteAddr)
		b.header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))
		resp := b.postNoFollow(t, "/staff/login", url.Values{"name": {fmt.Sprintf("guess-%d", i)}, "password": {"guess"}})
		if want := map[bool]int{true: http.StatusTooManyRequests, false: http.StatusUnauthorized}[i == 10]; resp.status != want {
			t.Fatalf("login %d naming another client = %d, want %d", i+1, resp.status, want)
		}
	}
}

// Guesses at one account from as many networks as the guesser likes: after
// a few, the account takes no more for a while, whatever the source, and
// every guess checked is in the audit log under the account, without what
// was typed. The owner is not shut out for long.
func TestPasswordGuessingThrottledPerAccount(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	guess := func(i int) string { return fmt.Sprintf("sunflower-%d-guess", i) }
	for i := range 12 {
		b := ts.browser(fmt.Sprintf("203.0.%d.7:1234", i))
		resp := b.postNoFollow(t, "/staff/login", url.Values{"name": {caseworkerName}, "password": {guess(i)}})
		want := http.StatusUnauthorized
		if i >= 5 {
			want = http.StatusTooManyRequests
		}
		if resp.status != want {
			t.Fatalf("guess %d from network %d = %d, want %d", i+1, i, resp.status, want)
		}
		if want == http.StatusTooManyRequests && resp.header.Get("Retry-After") == "" {
			t.Errorf("guess %d refused without Retry-After", i+1)
		}
	}
	olena := ts.staffID(t, caseworkerName)
	failed := 0
	if err := ts.store.AuditEntries(context.Background(), func(e *tropa.AuditEntry) error {
		if e.Action == tropa.ActionLoginFailed {
			failed++
			if e.Actor != olena || e.Detail != "password" {
				t.Errorf("failed login audited as %q %q, want %q password", e.Actor, e.Detail, olena)
			}
		}
		for i := range 12 {
			if strings.Contains(e.Actor+e.Detail, guess(i)) {
				t.Errorf("audit entry %d holds the guessed password %q", e.Seq, guess(i))
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if failed != 5 {
		t.Errorf("%d failed logins audited, want the 5 checked", failed)
	}
	ts.clock.Advance(20 * time.Second)
	resp := ts.browser(otherRemote).postNoFollow(t, "/staff/login",
		url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}})
	wantRedirect(t, "the owner's login 20 s after the guessing", resp, "/staff/totp")
}

// enrolAttempt logs name in with password from a new browser and posts
// the enrolment form with enrolCode and a right code for the key the page
// shows, as anyone who has the password can.
func (ts *testServer) enrolAttempt(tb testing.TB, name, password, enrolCode string) *response {
	tb.Helper()
	b := ts.browser(loopback)
	resp := b.post(tb, "/staff/login", url.Values{"name": {name}, "password": {password}})
	if resp.path != "/staff/totp" {
		tb.Fatalf("login of %s with the password: %d at %s, want /staff/totp", name, resp.status, resp.path)
	}
	secret := htmlcheck.Text(htmlcheck.HasOne(tb, resp.doc(tb), "code.secret"))
	return b.postNoFollow(tb, "/staff/totp", url.Values{"enrol_code": {enrolCode},
		"code": {totpCode(tb, secret, ts.deskClock.Now())}})
}

// Whoever learnt the password of a staff member who has not enrolled yet
// cannot enrol his own authenticator with it: the enrolment code must
// come too. The staff member, with it, enrols once.
func TestEnrolWithPasswordAloneFails(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, code := range []string{"", "AAAA-BBBB-CCCC-DDDD"} {
		resp := ts.enrolAttempt(t, caseworkerName, caseworkerPassword, code)
		if resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("enrolment with the password and code %q = %d, want 422", code, resp.status)
		}
		htmlcheck.HasText(t, resp.doc(t), "p.error", "Код регистрации неверный")
	}
	if st, err := ts.store.StaffByName(context.Background(), caseworkerName); err != nil || st.TOTPEnrolled {
		t.Fatalf("after the attempts without the code: enrolled %v, %v; want not enrolled", st.TOTPEnrolled, err)
	}
	code := ts.enrolCode(caseworkerName)
	wantRedirect(t, "enrolment with the code", ts.enrolAttempt(t, caseworkerName, caseworkerPassword, code), "/staff/")
	resp := ts.browser(loopback).postNoFollow(t, "/staff/login", url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}})
	if resp.status != http.StatusUnauthorized {
		t.Errorf("login with the password alone once enrolled = %d, want 401", resp.status)
	}
}

// The enrolment page speaks the staff member's language.
func TestEnrolPageLanguages(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for lang, want := range map[string]string{"ru": "Код регистрации", "uk": "Код реєстрації", "en": "Enrolment code"} {
		b := ts.browser(loopback)
		b.header.Set("Accept-Language", lang)
		resp := b.post(t, "/staff/login", url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}})
		htmlcheck.HasText(t, resp.doc(t), `label[for="enrol_code"]`, want)
	}
}

// dialCircuit connects to addr as Tor does for the circuit with the given
// number: a PROXY protocol header naming the circuit's own address first.
func dialCircuit(circuit uint32) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		src := netip.MustParseAddr("fc00:dead:beef:4dad::").As16()
		src[12], src[13], src[14], src[15] = byte(circuit>>24), byte(circuit>>16), byte(circuit>>8), byte(circuit)
		h := proxyproto.HeaderProxyFromAddrs(1, &net.TCPAddr{IP: src[:], Port: 80}, &net.TCPAddr{IP: net.IPv6loopback, Port: 80})
		if _, err := h.WriteTo(c); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	}
}

// Behind an onion service every connection comes from Tor on loopback;
// with the PROXY protocol each circuit is a client of its own. One circuit
// that spends its logins leaves another circuit its own.
func TestProxyProtocolCircuitsLimitedApart(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *web.Config) { c.ProxyProtocol = true })
	addr := ts.listen(t)
	login := func(circuit uint32, name string) int {
		c := &http.Client{Transport: &http.Transport{DialContext: dialCircuit(circuit), DisableKeepAlives: true},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.PostForm("http://"+addr+"/staff/login", url.Values{"name": {name}, "password": {"guess"}})
		if err != nil {
			t.Fatalf("login over circuit %d: %v", circuit, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range 11 {
		want := http.StatusUnauthorized
		if i == 10 {
			want = http.StatusTooManyRequests
		}
		if got := login(1, fmt.Sprintf("guess-%d", i)); got != want {
			t.Fatalf("login %d over circuit 1 = %d, want %d", i+1, got, want)
		}
	}
	if got := login(2, "guess-on-2"); got != http.StatusUnauthorized {
		t.Errorf("first login over circuit 2 = %d, want 401: its own limit, not circuit 1's", got)
	}
	if strings.Contains(ts.logs.String(), "4dad") {
		t.Error("the log holds a circuit's address")
	}
	// Without the header, from loopback where Tor is, nothing is served.
	if resp, err := http.Get("http://" + addr + "/staff/login"); err == nil {
		resp.Body.Close()
		t.Errorf("GET without a PROXY header from loopback = %d, want the connection refused", resp.StatusCode)
	}
}

// With the staff site on a listener of its own, the applicant's listener
// has no staff site at all, and the staff listener no applicant site.
func TestStaffSiteOnItsOwnListener(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	public, staff := ts.server.SiteHandler(web.SitePublic), ts.server.SiteHandler(web.SiteStaff)
	tests := []struct {
		handler http.Handler
		method  string
		path    string
		want    int
	}{
		{public, "GET", "/staff/", http.StatusNotFound},
		{public, "GET", "/staff/login", http.StatusNotFound},
		{public, "POST", "/staff/login", http.StatusNotFound},
		{public, "GET", "/staff", http.StatusNotFound},
		{public, "GET", "/staff/../staff/login", http.StatusNotFound},
		{public, "GET", "/%73taff/login", http.StatusNotFound},
		{public, "GET", "/", http.StatusOK},
		{public, "GET", "/check", http.StatusOK},
		{staff, "GET", "/staff/login", http.StatusOK},
		{staff, "GET", "/static/style.css", http.StatusOK},
		{staff, "GET", "/", http.StatusNotFound},
		{staff, "GET", "/check", http.StatusNotFound},
		{staff, "GET", "/api/v1/challenge", http.StatusNotFound},
	}
	for _, tt := range tests {
		got, path := 0, tt.path
		// Follow the redirects a browser would, to a path cleaned up.
		for range 3 {
			req := httptest.NewRequest(tt.method, path, strings.NewReader(url.Values{"name": {caseworkerName},
				"password": {caseworkerPassword}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.RemoteAddr = loopback
			rec := httptest.NewRecorder()
			tt.handler.ServeHTTP(rec, req)
			if got = rec.Code; got != http.StatusMovedPermanently && got != http.StatusTemporaryRedirect {
				break
			}
			path = rec.Header().Get("Location")
		}
		if got != tt.want {
			t.Errorf("%s %s = %d, want %d", tt.method, tt.path, got, tt.want)
		}
	}
}
