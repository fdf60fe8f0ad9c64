package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"tropa"
)

// FuzzStatsExportQuery asks the figures' exports for arbitrary queries, as
// an analyst, over 6 legal requests and 2 on surrender: the answer is an
// export or a refusal, never a server error, and no export publishes a
// count from 1 to 4 or a rule other than the page's.
func FuzzStatsExportQuery(f *testing.F) {
	ts := newFuzzServer(f)
	for i := range 8 {
		kind := tropa.KindLegal
		if i >= 6 {
			kind = tropa.KindSurrender
		}
		if _, err := ts.desk.Submit(context.Background(), tropa.Submission{Kind: kind, Situation: tropa.SituationHospital,
			Channel: tropa.ChannelWeb, Message: "Ранен, лежу в госпитале. Как быть дальше?"}); err != nil {
			f.Fatalf("Submit: %v", err)
		}
	}
	token := ts.staffBrowser(f, analystName, analystPassword).sessionCookie()
	paths := []string{"/staff/stats.csv", "/staff/stats.json"}
	for _, seed := range []string{"month=2026-03", "quarter=2026-Q1&compare=year&table=kind", "month=2026-03&month=2026-02",
		"quarter=0000-Q1", "month=9999-12&compare=previous", "table=%3D1%2B1", "compare=&table=", "lang=uk&table=calls",
		"from=2025-06&to=2025-11", "from=2026-01-15&to=0001-01", "from=2024-04&to=2026-03&compare=year&table=kind", "to=2026-02"} {
		for i := range paths {
			f.Add(uint8(i), seed)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		path := paths[int(which)%len(paths)]
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.URL.RawQuery = query
		req.Header.Set("Cookie", "tropa_staff="+token)
		rec := ts.serve(req)
		if rec.Code == http.StatusUnprocessableEntity {
			return
		}
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s?%s = %d; body:\n%s", path, query, rec.Code, rec.Body)
		}
		var figures []string
		if strings.HasSuffix(path, ".csv") {
			rows, err := csv.NewReader(rec.Body).ReadAll()
			if err != nil || len(rows) < 2 || rows[len(rows)-1][1] != "threshold=5;complementary;suppressed_by=quarter" {
				t.Fatalf("GET %s?%s: %v\n%q", path, query, err, rows)
			}
			for _, r := range rows[1 : len(rows)-1] {
				figures = append(figures, r[3], r[4], r[6])
			}
		} else {
			var e struct {
				Rule struct {
					Threshold int `json:"threshold"`
				} `json:"rule"`
				Tables []struct {
					Rows []struct {
						Now, Before any
						YearBefore  any `json:"year_before"`
					} `json:"rows"`
				} `json:"tables"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Rule.Threshold != 5 || len(e.Tables) == 0 {
				t.Fatalf("GET %s?%s: %v\n%s", path, query, err, rec.Body)
			}
			for _, tb := range e.Tables {
				for _, r := range tb.Rows {
					figures = append(figures, fmtAny(r.Now), fmtAny(r.Before), fmtAny(r.YearBefore))
				}
			}
		}
		if i := slices.IndexFunc(figures, func(s string) bool { n, err := strconv.Atoi(s); return err == nil && n >= 1 && n < 5 }); i >= 0 {
			t.Fatalf("GET %s?%s publishes %s", path, query, figures[i])
		}
	})
}

// fmtAny is a JSON figure as the CSV writes it.
func fmtAny(v any) string {
	if n, ok := v.(float64); ok {
		return strconv.Itoa(int(n))
	}
	s, _ := v.(string)
	return s
}
