package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pires/go-proxyproto"

	"tropa/internal/htmlcheck"
)

var staffLine = regexp.MustCompile(`\(staff: (http://\S+/)staff/\)`)

// With --staff-addr the staff site is served there alone, and the
// applicant's address has no /staff/ at all. Behind --trusted-proxy each
// client the proxy names has logins of its own.
func TestServeStaffAddr(t *testing.T) {
	dir := t.TempDir()
	const password = "olga keeps the ledger by candlelight"
	mustRun(t, "", "init", "--data", dir)
	enrolCode := enrolCodeIn(t, mustRun(t, password+"\n", "user", "add", "--data", dir, "--name", "olga", "--role",
		"caseworker", "--password-stdin"))
	srv := startServer(t, dir, "--staff-addr", "127.0.0.1:0", "--trusted-proxy", "127.0.0.1/32, ::1")
	m := staffLine.FindSubmatch(srv.out.Bytes())
	if m == nil {
		t.Fatalf("no staff address in:\n%s", srv.out.Bytes())
	}
	staffURL := string(m[1])
	for _, tt := range []struct {
		url  string
		want int
	}{
		{srv.url, http.StatusOK},
		{srv.url + "staff/", http.StatusNotFound},
		{srv.url + "staff/login", http.StatusNotFound},
		{staffURL + "staff/login", http.StatusOK},
		{staffURL, http.StatusNotFound},
		{staffURL + "check", http.StatusNotFound},
	} {
		resp, err := http.Get(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("GET %s = %d, want %d", tt.url, resp.StatusCode, tt.want)
		}
	}

	login := func(client, name string) int {
		req, err := http.NewRequest(http.MethodPost, staffURL+"staff/login",
			strings.NewReader(url.Values{"name": {name}, "password": {"guess"}}.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", client)
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range 11 {
		if got, want := login("203.0.113.7", fmt.Sprintf("guess-%d", i)), map[bool]int{true: 429, false: 401}[i == 10]; got != want {
			t.Fatalf("login %d of the client behind the proxy = %d, want %d", i+1, got, want)
		}
	}
	if got := login("198.51.100.9", "guess-elsewhere"); got != http.StatusUnauthorized {
		t.Errorf("login of another client behind the proxy = %d, want 401", got)
	}

	// On loopback the staff site is plain HTTP, with its cookie.
	staff := newClient(t)
	page := staff.postForm(staffURL+"staff/login", url.Values{"name": {"olga"}, "password": {password}})
	secret := htmlcheck.Text(htmlcheck.HasOne(t, page, "code.secret"))
	page = staff.postForm(staffURL+"staff/totp", url.Values{"enrol_code": {enrolCode}, "code": {totpCode(t, secret, 0)}})
	if n := htmlcheck.MustQuery(t, page, "p.error"); len(n) > 0 {
		t.Fatalf("enrolment: %s", htmlcheck.Text(n[0]))
	}
	htmlcheck.HasText(t, page, "h1", "Входящие")
}

// With --proxy-protocol, Tor on loopback must send the header, and the
// site is served behind it.
func TestServeProxyProtocol(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "", "init", "--data", dir)
	srv := startServer(t, dir, "--proxy-protocol")
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			h := proxyproto.HeaderProxyFromAddrs(2, &net.TCPAddr{IP: net.ParseIP("fc00:dead:beef:4dad::1:7"), Port: 80},
				&net.TCPAddr{IP: net.IPv6loopback, Port: 80})
			_, err = h.WriteTo(conn)
			return conn, err
		}}, Timeout: 10 * time.Second}
	resp, err := c.Get(srv.url)
	if err != nil {
		t.Fatalf("GET over a circuit: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET over a circuit = %d, want 200", resp.StatusCode)
	}
	if resp, err := http.Get(srv.url); err == nil {
		resp.Body.Close()
		t.Errorf("GET from loopback without the header = %d, want the connection refused", resp.StatusCode)
	}
}

// A --trusted-proxy that is not an address stops serve from starting,
// rather than trust no one without saying so.
func TestServeRefusesBadTrustedProxy(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "", "init", "--data", dir)
	err := run(t.Context(), []string{"serve", "--data", dir, "--trusted-proxy", "10.0.0.0/8,proxy.example"}, noEnv,
		strings.NewReader(""), &lockedBuffer{}, &lockedBuffer{})
	if err == nil {
		t.Fatal("serve with a trusted proxy that is no address started")
	}
}
