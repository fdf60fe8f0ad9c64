package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// The page links to its exports, and each export carries the page's
// figures, the rule that withheld the others, and labels an administrator
// typed kept from being read as a formula by a spreadsheet.
func TestStatsExport(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addMember(t, danaName, tropa.RoleAdmin, danaPassword)
	admin := ts.staffBrowser(t, danaName, danaPassword)
	const formula = `=HYPERLINK("http://example.org/","x")`
	admin.postSeeOther(t, "/staff/settings/terms/outcomes/withdrew", url.Values{"name_ru": {"Отказался"}, "name_en": {formula}})
	for range 6 {
		if _, err := ts.desk.Submit(context.Background(), tropa.Submission{Kind: tropa.KindLegal, Situation: tropa.SituationHospital,
			Channel: tropa.ChannelWeb, Message: "Ранен, лежу в госпитале. Как быть дальше?"}); err != nil {
			t.Fatalf("Submit: %v", err)
		}
	}
	ivan := ts.staffBrowser(t, analystName, analystPassword)

	doc := ivan.get(t, "/staff/stats?lang=en").doc(t)
	htmlcheck.HasOne(t, doc, `p.export a[href="/staff/stats.csv?month=2026-03&lang=en"]`)
	htmlcheck.HasOne(t, doc, `p.export a[href="/staff/stats.json?month=2026-03&lang=en"]`)
	htmlcheck.HasOne(t, doc, `section#stats-closed p.export a[href="/staff/stats.csv?month=2026-03&lang=en&table=closed"]`)

	resp := ivan.get(t, "/staff/stats.csv?month=2026-03&lang=en")
	if resp.status != http.StatusOK || resp.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		resp.header.Get("Content-Disposition") != `attachment; filename="stats-2026-03.csv"` {
		t.Fatalf("GET /staff/stats.csv = %d, %q, %q", resp.status, resp.header.Get("Content-Type"), resp.header.Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(strings.NewReader(resp.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"kind/legal":      {"kind", "legal", "Legal question", "6", "0", "new"},
		"closed/withdrew": {"closed", "withdrew", "'" + formula, "0", "0", ""},
		"rule/":           {"rule", "threshold=5;complementary;suppressed_by=quarter"},
	}
	for _, r := range rows {
		w, ok := want[r[0]+"/"+r[1]]
		if r[0] == "rule" {
			w, ok = want["rule/"], true
		}
		if !ok {
			continue
		}
		delete(want, r[0]+"/"+r[1])
		delete(want, "rule/")
		if got := strings.Join(r[:len(w)], "|"); got != strings.Join(w, "|") {
			t.Errorf("CSV row %q, want %q", got, strings.Join(w, "|"))
		}
	}
	if len(want) > 0 {
		t.Errorf("CSV lacks rows %v:\n%s", want, resp.body)
	}

	resp = ivan.get(t, "/staff/stats.json?quarter=2026-Q1&compare=year&table=kind&lang=en")
	var got struct {
		Period       string `json:"period"`
		ComparedWith struct {
			Period string `json:"period"`
		} `json:"compared_with"`
		Rule struct {
			Threshold     int    `json:"threshold"`
			Small         string `json:"small"`
			Complementary bool   `json:"complementary"`
			SuppressedBy  string `json:"suppressed_by"`
		} `json:"rule"`
		Tables []struct {
			ID   string `json:"id"`
			Rows []struct {
				Key string `json:"key"`
				Now any    `json:"now"`
			} `json:"rows"`
		} `json:"tables"`
	}
	if err := json.Unmarshal([]byte(resp.body), &got); err != nil {
		t.Fatalf("GET /staff/stats.json: %v\n%s", err, resp.body)
	}
	if got.Period != "2026-Q1" || got.ComparedWith.Period != "2025-Q1" || got.Rule.Threshold != 5 || got.Rule.Small != "<5" ||
		!got.Rule.Complementary || got.Rule.SuppressedBy != "quarter" || len(got.Tables) != 1 || got.Tables[0].ID != "kind" {
		t.Fatalf("GET /staff/stats.json:\n%s", resp.body)
	}
	legal := 0
	for _, r := range got.Tables[0].Rows {
		if r.Key == "legal" {
			legal++
			if r.Now != 6.0 {
				t.Errorf("legal requests in the JSON: %#v, want 6 as a number", r.Now)
			}
		}
	}
	if legal != 1 {
		t.Errorf("%d rows of legal requests in the JSON:\n%s", legal, resp.body)
	}
}

// A period, comparison or table the page does not have is refused in the
// staff member's language, not exported as something else.
func TestStatsExportRefusesBadQuery(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ivan := ts.staffBrowser(t, analystName, analystPassword)
	for _, q := range []string{"month=2026-13", "quarter=2026-Q5", "compare=decade", "table=people", "month=2026-03&table=%3Dcmd"} {
		for _, ext := range []string{"csv", "json"} {
			resp := ivan.get(t, "/staff/stats."+ext+"?lang=en&"+q)
			if resp.status != http.StatusUnprocessableEntity || strings.Contains(resp.header.Get("Content-Disposition"), "attachment") {
				t.Errorf("GET /staff/stats.%s?%s = %d, %q", ext, q, resp.status, resp.header.Get("Content-Disposition"))
			}
		}
	}
}
