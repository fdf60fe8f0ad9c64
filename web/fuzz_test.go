package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"tropa/internal/htmlcheck"
)

// newFuzzServer is one server for a whole fuzz target. Its clock moves a
// second at every reading, so that rate limits seldom hide what the input
// does; they may still answer 429, which is allowed.
func newFuzzServer(f *testing.F) *testServer {
	ts := newTestServer(f)
	ts.clock.step = time.Second
	return ts
}

// serve sends req from loopback and returns the recorded response.
func (ts *testServer) serve(req *http.Request) *httptest.ResponseRecorder {
	req.RemoteAddr = loopback
	rec := httptest.NewRecorder()
	ts.handler.ServeHTTP(rec, req)
	return rec
}

// FuzzRequestForm posts arbitrary bytes as the applicant form: the answer is
// a receipt or a page that explains what to correct, never a server error.
func FuzzRequestForm(f *testing.F) {
	ts := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		ts.postApplicantForm(t, "application/x-www-form-urlencoded", body)
	})
}

// postApplicantForm posts body as the applicant form, sent as contentType,
// and checks the answer: a receipt or a page that explains what to
// correct, never a server error, and never a page with markup from body.
func (ts *testServer) postApplicantForm(t *testing.T, contentType string, body []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	rec := ts.serve(req)
	want := []int{http.StatusOK, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge,
		http.StatusTooManyRequests}
	if !slices.Contains(want, rec.Code) {
		t.Fatalf("POST / with %q = %d, want one of %v; body:\n%s", body, rec.Code, want, rec.Body)
	}
	doc := htmlcheck.Parse(t, rec.Body.String())
	if rec.Code == http.StatusOK {
		htmlcheck.HasOne(t, doc, "p.receipt")
	} else {
		htmlcheck.HasOne(t, doc, "p.error")
	}
	htmlcheck.HasNone(t, doc, "script")
}

// FuzzAPISubmit posts arbitrary bytes as JSON: the answer is a receipt or a
// JSON error, never a server error.
func FuzzAPISubmit(f *testing.F) {
	ts := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/requests", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := ts.serve(req)
		want := []int{http.StatusCreated, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge,
			http.StatusTooManyRequests}
		if !slices.Contains(want, rec.Code) {
			t.Fatalf("POST /api/v1/requests with %q = %d, want one of %v; body: %s", body, rec.Code, want, rec.Body)
		}
		var out struct {
			Receipt string
			Error   struct{ Code, Message string }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("answer %q is not JSON: %v", rec.Body, err)
		}
		if rec.Code == http.StatusCreated && !receiptPattern.MatchString(out.Receipt) {
			t.Fatalf("201 with receipt %q", out.Receipt)
		}
		if rec.Code != http.StatusCreated && (out.Error.Code == "" || out.Error.Message == "") {
			t.Fatalf("%d with error %+v, want a code and a message", rec.Code, out.Error)
		}
	})
}

// FuzzReceiptHeader sends arbitrary Authorization headers: each is refused
// as missing, malformed or unknown, never a server error.
func FuzzReceiptHeader(f *testing.F) {
	ts := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, auth string) {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/requests/self", nil)
		req.Header.Set("Authorization", auth)
		rec := ts.serve(req)
		want := []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusUnprocessableEntity,
			http.StatusTooManyRequests}
		if !slices.Contains(want, rec.Code) {
			t.Fatalf("GET /api/v1/requests/self with Authorization %q = %d, want one of %v; body: %s",
				auth, rec.Code, want, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("Content-Type %q, want JSON", ct)
		}
	})
}
