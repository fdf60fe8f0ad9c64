package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"tropa/seal"
	"tropa/web"
)

// BenchmarkRequestSubmit posts the applicant form to the handler, middleware
// and all, and renders the receipt page: with the production cost of the
// receipt's argon2id, and with a trivial one, which leaves what the HTTP
// side, sealing, wrapping and the commit cost beyond it; and with the
// trivial one behind a trusted proxy, each submission from a network of
// its own, which adds reading X-Forwarded-For and the limits per network.
func BenchmarkRequestSubmit(b *testing.B) {
	for _, cost := range []struct {
		name   string
		params seal.Params
		proxy  bool
	}{
		{"kdf=production", seal.ReceiptParams, false},
		{"kdf=test", seal.TestParams, false},
		{"kdf=test/behind=proxy", seal.TestParams, true},
	} {
		b.Run(cost.name, func(b *testing.B) {
			limits := func(c *web.Config) {
				c.IntakeRate = 1e9
				if cost.proxy {
					behindProxy(c)
				}
			}
			ts := newTestServer(b, limits)
			ts.receiptParams = cost.params
			ts.open(b, []func(*web.Config){limits})
			body := requestForm("message", strings.Repeat("Меня призвали, повестка на завтра. ", 20)).Encode()
			n := 0
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, baseURL+"/", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.RemoteAddr = loopback
				if cost.proxy {
					n++
					req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.1, 10.%d.%d.7", n>>8&255, n&255))
				}
				rec := httptest.NewRecorder()
				ts.handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `id="receipt"`) {
					b.Fatalf("POST / = %d, want 200 with a receipt", rec.Code)
				}
			}
		})
	}
}
