package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"golang.org/x/net/html"

	"tropa/internal/htmlcheck"
)

// browser is someone using the site from one address: a client that keeps
// cookies and follows redirects, served in-process by the handler.
type browser struct {
	ts       *testServer
	remote   string
	header   http.Header // sent with every request, e.g. Accept-Language
	jar      *cookiejar.Jar
	requests atomic.Int64
}

const baseURL = "http://tropa.test"

func (ts *testServer) browser(remote string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{ts: ts, remote: remote, header: http.Header{}, jar: jar}
}

// RoundTrip serves one request with the handler, as if it came from b.remote.
func (b *browser) RoundTrip(req *http.Request) (*http.Response, error) {
	b.requests.Add(1)
	var body io.Reader
	if req.Body != nil {
		defer req.Body.Close()
		body = req.Body
	}
	// Browsers keep the #fragment to themselves.
	u := *req.URL
	u.Fragment, u.RawFragment = "", ""
	sreq := httptest.NewRequest(req.Method, u.String(), body)
	sreq.Header = req.Header.Clone()
	sreq.ContentLength = req.ContentLength
	sreq.RemoteAddr = b.remote
	rec := httptest.NewRecorder()
	b.ts.handler.ServeHTTP(rec, sreq)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// response is what came back, read whole.
type response struct {
	status int
	header http.Header
	body   string
	// path is where the browser ended up after redirects.
	path string
}

func (r *response) doc(tb testing.TB) *html.Node {
	tb.Helper()
	return htmlcheck.Parse(tb, r.body)
}

// do sends req; follow says whether to follow redirects.
func (b *browser) do(tb testing.TB, req *http.Request, follow bool) *response {
	tb.Helper()
	if b.ts.tls {
		req.URL.Scheme = "https"
	}
	for k, v := range b.header {
		if req.Header.Get(k) == "" {
			req.Header[k] = v
		}
	}
	c := &http.Client{Transport: b, Jar: b.jar}
	if !follow {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: string(body), path: resp.Request.URL.RequestURI()}
}

func newRequest(tb testing.TB, method, path string, body io.Reader) *http.Request {
	tb.Helper()
	req, err := http.NewRequest(method, baseURL+path, body)
	if err != nil {
		tb.Fatalf("NewRequest: %v", err)
	}
	return req
}

func (b *browser) get(tb testing.TB, path string) *response {
	tb.Helper()
	return b.do(tb, newRequest(tb, http.MethodGet, path, nil), true)
}

// post sends a form as a browser without JavaScript does.
func (b *browser) post(tb testing.TB, path string, form url.Values) *response {
	tb.Helper()
	return b.postRaw(tb, path, form.Encode(), true)
}

func (b *browser) postRaw(tb testing.TB, path, body string, follow bool) *response {
	tb.Helper()
	req := newRequest(tb, http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(tb, req, follow)
}

// requestForm is a complete applicant form; kv replace or, with an empty
// value, remove its fields.
func requestForm(kv ...string) url.Values {
	f := url.Values{"kind": {"legal"}, "situation": {"front"}, "contact": {"signal: ivan.42"},
		"message": {"Меня призвали, повестка на завтра. Что делать?"}}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			f.Del(kv[i])
		} else {
			f.Set(kv[i], kv[i+1])
		}
	}
	return f
}

// submit posts the applicant form and returns the receipt as the page shows it.
func (b *browser) submit(tb testing.TB, form url.Values) string {
	tb.Helper()
	resp := b.post(tb, "/", form)
	if resp.status != http.StatusOK {
		tb.Fatalf("POST / = %d, want 200; body:\n%s", resp.status, resp.body)
	}
	return htmlcheck.Text(htmlcheck.HasOne(tb, resp.doc(tb), "p.receipt"))
}

// staffBrowser logs a staff member in from loopback and returns the browser
// holding the session.
func (ts *testServer) staffBrowser(tb testing.TB, name, password string) *browser {
	tb.Helper()
	b := ts.browser(loopback)
	b.login(tb, name, password)
	return b
}

// login logs a staff member in for the first time through the real pages,
// enrolling TOTP from the key the page shows.
func (b *browser) login(tb testing.TB, name, password string) {
	tb.Helper()
	resp := b.post(tb, "/staff/login", url.Values{"name": {name}, "password": {password}})
	if resp.status != http.StatusOK || resp.path != "/staff/totp" {
		tb.Fatalf("first login of %s: %d at %s, want 200 at /staff/totp", name, resp.status, resp.path)
	}
	secret := htmlcheck.Text(htmlcheck.HasOne(tb, resp.doc(tb), "code.secret"))
	resp = b.post(tb, "/staff/totp", url.Values{"enrol_code": {b.ts.enrolCode(name)},
		"code": {totpCode(tb, secret, b.ts.deskClock.Now())}})
	if resp.status != http.StatusOK || !strings.HasPrefix(resp.path, "/staff/") || resp.path == "/staff/totp" {
		tb.Fatalf("TOTP enrolment of %s: %d at %s", name, resp.status, resp.path)
	}
}

func totpCode(tb testing.TB, secret string, at time.Time) string {
	tb.Helper()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		tb.Fatalf("GenerateCode: %v", err)
	}
	return code
}

// count is the number of elements matching selector.
func count(tb testing.TB, doc *html.Node, selector string) int {
	tb.Helper()
	return len(htmlcheck.MustQuery(tb, doc, selector))
}

// attr is an attribute of the one element matching selector.
func attr(tb testing.TB, doc *html.Node, selector, name string) string {
	tb.Helper()
	v, _ := htmlcheck.Attr(htmlcheck.HasOne(tb, doc, selector), name)
	return v
}

// getPage fetches path as a browser asking for acceptLanguage ("" for none)
// and checks the status.
func (ts *testServer) getPage(tb testing.TB, path, acceptLanguage string, wantStatus int) *response {
	tb.Helper()
	b := ts.browser(loopback)
	if acceptLanguage != "" {
		b.header.Set("Accept-Language", acceptLanguage)
	}
	resp := b.get(tb, path)
	if resp.status != wantStatus {
		tb.Fatalf("GET %s = %d, want %d", path, resp.status, wantStatus)
	}
	return resp
}
