package web_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"tropa/store/storetest"
)

// BenchmarkStatsPage serves the figures page of a quarter, and of a year
// as a range of months, each beside the period before and a year before,
// to an analyst, over a million requests received in the four
// years to the day the server's clock reads: some 685 a day. It reports
// the server's time per page at the 50th and 99th percentile. It runs on
// SQLite, and on PostgreSQL when TROPA_TEST_POSTGRES is set.
func BenchmarkStatsPage(b *testing.B) {
	for _, backend := range []storetest.Backend{storetest.SQLite, storetest.Postgres} {
		b.Run(backend.Name, func(b *testing.B) {
			ts := newTestServerAt(b, backend.New(b))
			const days = 4 * 365
			storetest.FillFigures(b, ts.where, 1_000_000, days, ts.clock.now.AddDate(0, 0, -days).Truncate(24*time.Hour))
			ivan := ts.staffBrowser(b, analystName, analystPassword)
			for _, page := range []struct{ name, path string }{
				{"quarter", "/staff/stats?quarter=2025-Q4&lang=en"},
				{"year-range", "/staff/stats?from=2025-01&to=2025-12&lang=en"},
			} {
				b.Run(page.name, func(b *testing.B) {
					doc := ivan.get(b, page.path).doc(b)
					if got, _ := column(b, doc, "situation", "total", "n"); got == "0" {
						b.Fatalf("the page counts no request by situation in %s", page.path)
					}
					var times []time.Duration
					for b.Loop() {
						start := time.Now()
						resp := ivan.do(b, newRequest(b, http.MethodGet, page.path, nil), false)
						times = append(times, time.Since(start))
						if resp.status != http.StatusOK {
							b.Fatalf("GET %s = %d", page.path, resp.status)
						}
					}
					slices.Sort(times)
					b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
					b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
				})
			}
		})
	}
}
