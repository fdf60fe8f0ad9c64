package web_test

import (
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
// side, sealing, wrapping and the commit cost beyond it.
func BenchmarkRequestSubmit(b *testing.B) {
	for _, cost := range []struct {
		name   string
		params seal.Params
	}{
		{"kdf=production", seal.ReceiptParams},
		{"kdf=test", seal.TestParams},
	} {
		b.Run(cost.name, func(b *testing.B) {
			ts := newTestServer(b, func(c *web.Config) { c.IntakeRate = 1e9 })
			ts.desk.ReceiptParams = cost.params
			body := requestForm("message", strings.Repeat("Меня призвали, повестка на завтра. ", 20)).Encode()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, baseURL+"/", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.RemoteAddr = loopback
				rec := httptest.NewRecorder()
				ts.handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `id="receipt"`) {
					b.Fatalf("POST / = %d, want 200 with a receipt", rec.Code)
				}
			}
		})
	}
}
