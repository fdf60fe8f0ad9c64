package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tropa/internal/htmlcheck"
	"tropa/web"
)

// wantSecurityHeaders checks the headers every response must carry.
func wantSecurityHeaders(t *testing.T, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "*"} {
		if strings.Contains(csp, bad) {
			t.Errorf("Content-Security-Policy %q allows %s", csp, bad)
		}
	}
	// Other sites must get no referrer: no-referrer or same-origin (which
	// also lets an old browser's own form posts carry a real Origin).
	if rp := h.Get("Referrer-Policy"); rp != "no-referrer" && rp != "same-origin" {
		t.Errorf("Referrer-Policy = %q, want no-referrer or same-origin", rp)
	}
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "no-store",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	for _, tls := range []bool{false, true} {
		ts := newTestServer(t, func(c *web.Config) { c.TLS = tls })
		staff := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
		anyone := ts.browser(loopback)
		crossSite := ts.browser(loopback)
		crossSite.header.Set("Sec-Fetch-Site", "cross-site")
		tests := []struct {
			name       string
			b          *browser
			method     string
			path, body string
			wantStatus int
		}{
			{"applicant page", anyone, "GET", "/", "", 200},
			{"receipt page", anyone, "POST", "/", requestForm().Encode(), 200},
			{"refused receipt", anyone, "POST", "/check", "receipt=1", 422},
			{"staff login page", anyone, "GET", "/staff/login", "", 200},
			{"staff inbox", staff, "GET", "/staff/inbox", "", 200},
			{"redirect to login", anyone, "GET", "/staff/inbox", "", 303},
			{"missing page", anyone, "GET", "/nothing-here", "", 404},
			{"body too large", anyone, "POST", "/", strings.Repeat("a", 200<<10), 413},
			{"cross-origin refusal", crossSite, "POST", "/", requestForm().Encode(), 403},
			{"stylesheet", anyone, "GET", "/static/style.css", "", 200},
			{"missing static file", anyone, "GET", "/static/missing.css", "", 404},
			{"static directory is not listed", anyone, "GET", "/static/", "", 404},
			{"API submit refused", anyone, "POST", "/api/v1/requests", "{", 422},
			{"API without receipt", anyone, "GET", "/api/v1/requests/self", "", 401},
		}
		for _, tt := range tests {
			name := tt.name
			if tls {
				name += " over TLS"
			}
			t.Run(name, func(t *testing.T) {
				req := newRequest(t, tt.method, tt.path, strings.NewReader(tt.body))
				if tt.method == "POST" {
					ct := "application/x-www-form-urlencoded"
					if strings.HasPrefix(tt.path, "/api/") {
						ct = "application/json"
					}
					req.Header.Set("Content-Type", ct)
				}
				resp := tt.b.do(t, req, false)
				if resp.status != tt.wantStatus {
					t.Errorf("%s %s = %d, want %d", tt.method, tt.path, resp.status, tt.wantStatus)
				}
				wantSecurityHeaders(t, resp.header)
				hsts := resp.header.Get("Strict-Transport-Security")
				if tls && !strings.Contains(hsts, "max-age=") {
					t.Errorf("Strict-Transport-Security = %q over TLS, want max-age", hsts)
				} else if !tls && hsts != "" {
					t.Errorf("Strict-Transport-Security = %q without TLS, want none", hsts)
				}
			})
		}
	}
}

// Over HTTPS the session cookie is a __Host- cookie: Secure, for the whole
// host and set by it alone, so that no sibling domain and no page served
// over plain HTTP can plant or overwrite one; a cookie under the plain name,
// as such a page could set, is not read. Plain HTTP (loopback only) keeps
// the plain name, which browsers would refuse otherwise.
func TestSessionCookie(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		tls        bool
		name, path string
	}{
		{false, "tropa_staff", "/staff/"},
		{true, "__Host-tropa_staff", "/"},
	} {
		ts := newTestServer(t, func(c *web.Config) { c.TLS = tt.tls })
		b := ts.browser(loopback)
		resp := b.postNoFollow(t, "/staff/login", url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}})
		wantRedirect(t, "login", resp, "/staff/totp")
		cookies := (&http.Response{Header: resp.header}).Cookies()
		if len(cookies) != 1 {
			t.Fatalf("TLS %v: login sets %d cookies, want 1", tt.tls, len(cookies))
		}
		c := cookies[0]
		if c.Name != tt.name || c.Value == "" || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != tt.path ||
			c.Domain != "" || c.Secure != tt.tls || c.MaxAge != 0 || !c.Expires.IsZero() {
			t.Errorf("TLS %v: session cookie %q, want %s; HttpOnly; SameSite=Strict; Path=%s; no Domain, no expiry; Secure %v",
				tt.tls, resp.header.Get("Set-Cookie"), tt.name, tt.path, tt.tls)
		}
		if !tt.tls {
			continue
		}
		planted := newRequest(t, http.MethodGet, "/staff/totp", nil)
		planted.AddCookie(&http.Cookie{Name: "tropa_staff", Value: c.Value})
		wantRedirect(t, "GET /staff/totp with the session under the plain name", ts.browser(loopback).do(t, planted, false),
			"/staff/login")
		if resp := b.getNoFollow(t, "/staff/totp"); resp.status != http.StatusOK {
			t.Errorf("GET /staff/totp with the __Host- cookie = %d, want 200", resp.status)
		}
	}
}

func TestCrossOriginPostsRefused(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct {
		name   string
		header map[string]string
		refuse bool
	}{
		{"Sec-Fetch-Site cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}, true},
		{"Sec-Fetch-Site same-site", map[string]string{"Sec-Fetch-Site": "same-site"}, true},
		{"Origin of another site", map[string]string{"Origin": "https://evil.example"}, true},
		{"Sec-Fetch-Site same-origin", map[string]string{"Sec-Fetch-Site": "same-origin"}, false},
		{"Sec-Fetch-Site none", map[string]string{"Sec-Fetch-Site": "none"}, false},
		{"Origin of this site", map[string]string{"Origin": baseURL}, false},
		{"no browser headers", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(ts.storedRequests(t))
			b := ts.browser(loopback)
			for k, v := range tt.header {
				b.header.Set(k, v)
			}
			resp := b.post(t, "/", requestForm())
			stored := len(ts.storedRequests(t)) - before
			if !tt.refuse {
				if resp.status != http.StatusOK || stored != 1 {
					t.Errorf("POST / = %d, stored %d; want 200 and 1 stored", resp.status, stored)
				}
				return
			}
			if resp.status != http.StatusForbidden || stored != 0 {
				t.Fatalf("POST / = %d, stored %d; want 403 and nothing stored", resp.status, stored)
			}
			doc := resp.doc(t)
			htmlcheck.HasText(t, doc, "p.error", "Эта форма отправлена с другого сайта")
			htmlcheck.HasNone(t, doc, "p.receipt")
		})
	}
}

// Every state change refuses another site, also where a staff member's
// session would otherwise act.
func TestCrossOriginRefusedEverywhere(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	receipt := ts.browser(loopback).submit(t, requestForm())
	staff := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	_, links := inboxRows(t, staff.get(t, "/staff/inbox").doc(t))
	tests := []struct {
		name string
		b    *browser
		path string
		form url.Values
	}{
		{"applicant reply", ts.browser(loopback), "/check/reply", url.Values{"receipt": {receipt}, "message": {"forged"}}},
		{"staff login", ts.browser(loopback), "/staff/login", url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}}},
		{"staff reply", staff, links[0] + "/reply", url.Values{"message": {"forged"}}},
		{"staff logout", staff, "/staff/logout", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newRequest(t, http.MethodPost, tt.path, strings.NewReader(tt.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			resp := tt.b.do(t, req, false)
			if resp.status != http.StatusForbidden {
				t.Errorf("POST %s = %d, want 403", tt.path, resp.status)
			}
			if c := resp.header.Values("Set-Cookie"); len(c) > 0 {
				t.Errorf("POST %s sets cookies %q, want none", tt.path, c)
			}
		})
	}
	// Nothing was added, and the staff member is still logged in.
	doc := staff.get(t, links[0]).doc(t)
	if n := count(t, doc, "li.message"); n != 1 {
		t.Errorf("messages = %d, want the 1 the applicant sent", n)
	}
	htmlcheck.HasNone(t, doc, "li.message.staff")
}

// A browser that sends no Sec-Fetch-Site (Safari before 16.4, Chrome before
// 76, Firefox before 90: old phones) still sends Origin with a form it
// posts, and the Fetch standard ("append a request Origin header") makes
// that Origin "null" whenever the page's referrer policy is no-referrer,
// even when the form posts to the site that served it. Such an applicant
// must still be able to send his request.
func TestOldBrowserCanPostForms(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.browser(loopback)
	page := b.get(t, "/")
	policy := page.header.Get("Referrer-Policy")
	if meta := htmlcheck.MustQuery(t, page.doc(t), "meta[name=referrer]"); len(meta) > 0 {
		policy, _ = htmlcheck.Attr(meta[len(meta)-1], "content")
	}
	origin := baseURL
	if policy == "no-referrer" {
		origin = "null"
	}
	b.header.Set("Origin", origin)
	resp := b.post(t, "/", requestForm())
	if resp.status != http.StatusOK {
		t.Errorf("POST / from an old browser (no Sec-Fetch-Site; referrer policy %q, so Origin: %s) = %d, want 200: "+
			"the applicant's own form is refused as cross-origin", policy, origin, resp.status)
	}
}
