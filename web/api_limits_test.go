package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"tropa"
	"tropa/web"
)

// The documented body limit is 128 KiB: a body of exactly that size is read,
// one byte more is refused as too large, wherever the extra byte is.
func TestAPIBodyLimit(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	head := `{"kind":"legal","situation":"front","message":"` + strings.Repeat("😀", tropa.MaxMessageLen) + `"`
	tests := []struct {
		name string
		size int
		// after puts the padding after the object instead of inside it.
		after      bool
		wantStatus int
	}{
		{"exactly 128 KiB", 128 << 10, false, http.StatusCreated},
		{"exactly 128 KiB ending in whitespace", 128 << 10, true, http.StatusCreated},
		{"one byte more inside the object", 128<<10 + 1, false, http.StatusRequestEntityTooLarge},
		{"one byte more after the object", 128<<10 + 1, true, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pad := strings.Repeat(" ", tt.size-len(head)-1)
			body := head + pad + "}"
			if tt.after {
				body = head + "}" + pad
			}
			status, out := ts.browser(loopback).api(t, apiCall{method: "POST", path: "/api/v1/requests", body: body})
			if status != tt.wantStatus {
				t.Errorf("POST %d bytes = %d %v, want %d: a body over the documented 128 KiB is too_large",
					len(body), status, out, tt.wantStatus)
			}
		})
	}
}

// Rate limits answer 429 in JSON, and nothing is stored.
func TestAPIRateLimits(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.browser(remoteAddr)
	valid := `{"kind":"legal","situation":"front","message":"hi"}`
	for i := range 5 {
		if status, out := b.api(t, apiCall{method: "POST", path: "/api/v1/requests", body: valid}); status != http.StatusCreated {
			t.Fatalf("submission %d = %d %v, want 201", i+1, status, out)
		}
	}
	status, out := b.api(t, apiCall{method: "POST", path: "/api/v1/requests", body: valid, acceptLanguage: "en"})
	e, _ := out["error"].(map[string]any)
	if status != http.StatusTooManyRequests || e["code"] != "rate_limited" {
		t.Errorf("6th submission = %d %v, want 429 rate_limited", status, out)
	}
	if msg, _ := e["message"].(string); !strings.Contains(msg, "Too many attempts") {
		t.Errorf("6th submission message %q, want the English too-many error", msg)
	}
	if n := len(ts.storedRequests(t)); n != 5 {
		t.Errorf("stored requests = %d, want 5", n)
	}

	for i := range 10 {
		call := apiCall{method: "GET", path: "/api/v1/requests/self", receipt: fmt.Sprintf("%028d", i)}
		if status, out := b.api(t, call); status != http.StatusNotFound {
			t.Fatalf("receipt guess %d = %d %v, want 404", i+1, status, out)
		}
	}
	status, out = b.api(t, apiCall{method: "GET", path: "/api/v1/requests/self", receipt: fmt.Sprintf("%028d", 99)})
	if e, _ := out["error"].(map[string]any); status != http.StatusTooManyRequests || e["code"] != "rate_limited" {
		t.Errorf("11th receipt guess = %d %v, want 429 rate_limited", status, out)
	}
	other := ts.browser(otherRemote)
	status, _ = other.api(t, apiCall{method: "GET", path: "/api/v1/requests/self", receipt: fmt.Sprintf("%028d", 99)})
	if status != http.StatusNotFound {
		t.Errorf("a guess from another network = %d, want 404", status)
	}
}

// docs/api.md promises every API error as {"error": {"code", "message"}},
// with codes that include "forbidden"; the refusals made before a route's
// handler runs must keep that promise too.
func TestAPIErrorsAreJSONEverywhere(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	valid := `{"kind":"legal","situation":"front","message":"hi"}`
	tests := []struct {
		name       string
		method     string
		path       string
		header     map[string]string
		wantStatus int
		wantCode   string
	}{
		{"cross-origin submission", "POST", "/api/v1/requests", map[string]string{"Sec-Fetch-Site": "cross-site"},
			http.StatusForbidden, "forbidden"},
		{"cross-origin reply", "POST", "/api/v1/requests/self/messages",
			map[string]string{"Origin": "https://evil.example", "Authorization": "Receipt " + strings.Repeat("1", 28)},
			http.StatusForbidden, "forbidden"},
		{"unknown API path", "GET", "/api/v1/nothing", nil, http.StatusNotFound, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newRequest(t, tt.method, tt.path, strings.NewReader(valid))
			req.Header.Set("Content-Type", "application/json")
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp := ts.browser(loopback).do(t, req, false)
			if resp.status != tt.wantStatus {
				t.Fatalf("%s %s = %d, want %d", tt.method, tt.path, resp.status, tt.wantStatus)
			}
			if ct := resp.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("%s %s: Content-Type %q, want the documented JSON error with code %q; got:\n%.200s",
					tt.method, tt.path, ct, tt.wantCode, resp.body)
			}
			if !strings.Contains(resp.body, `"code":"`+tt.wantCode+`"`) {
				t.Errorf("body %s, want code %q", resp.body, tt.wantCode)
			}
		})
	}
	if n := len(ts.storedRequests(t)); n != 0 {
		t.Errorf("stored requests = %d, want 0", n)
	}
}

// The intake limit for all applicants together is the configured rate,
// with two seconds' worth of burst; beyond it, submissions are refused at
// once as busy. Loopback, where Tor delivers every applicant, has no limit of its
// own, so this is the only one a flood through Tor meets.
func TestIntakeRate(t *testing.T) {
	t.Parallel()
	for _, rate := range []float64{3, 60} {
		t.Run(fmt.Sprint(rate), func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t, func(c *web.Config) { c.IntakeRate = rate })
			b := ts.browser(loopback)
			valid := `{"kind":"legal","situation":"front","message":"hi"}`
			burst := int(2 * rate)
			for i := range burst {
				if status, out := b.api(t, apiCall{method: "POST", path: "/api/v1/requests", body: valid}); status != http.StatusCreated {
					t.Fatalf("submission %d of %d = %d %v, want 201", i+1, burst, status, out)
				}
			}
			if status, out := b.api(t, apiCall{method: "POST", path: "/api/v1/requests", body: valid}); status != http.StatusServiceUnavailable || !strings.Contains(fmt.Sprint(out), "code:busy") {
				t.Errorf("submission %d = %d %v, want 503 busy: the whole intake is saturated", burst+1, status, out)
			}
			if n := len(ts.storedRequests(t)); n != burst {
				t.Errorf("stored requests = %d, want %d", n, burst)
			}
		})
	}
}
