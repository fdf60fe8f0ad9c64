package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"tropa/admission"
)

// BenchmarkLimitBehindProxy is what the limits add to every submission
// behind a trusted proxy: finding the client in X-Forwarded-For and
// taking a try from its network's bucket and everyone's, with a new
// network at every request.
func BenchmarkLimitBehindProxy(b *testing.B) {
	s := &Server{Config: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}}
	l := admission.NewLimiter(time.Minute, 5, 1e9)
	now := time.Now()
	var allowed int
	h := s.realClient(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if wait, _ := l.Reserve(clientKey(r), now); wait == 0 {
			allowed++
		}
	}))
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	req.RemoteAddr = "127.0.0.1:40000"
	n := 0
	for b.Loop() {
		n++
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.1, 10.%d.%d.7", n>>8&255, n&255))
		h.ServeHTTP(nil, req)
	}
	if allowed == 0 {
		b.Fatal("nothing allowed")
	}
}
