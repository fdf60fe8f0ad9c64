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

// submitMany puts n legal questions in through the web form's desk.
func (ts *testServer) submitMany(tb testing.TB, n int) {
	tb.Helper()
	for range n {
		if _, err := ts.desk.Submit(context.Background(), tropa.Submission{Kind: tropa.KindLegal, Situation: tropa.SituationHospital,
			Channel: tropa.ChannelWeb, Message: "Ранен, лежу в госпитале. Как быть дальше?"}); err != nil {
			tb.Fatalf("Submit: %v", err)
		}
	}
}

// An administrator raises the threshold to 10: a count of 7, shown as it
// is under the default, reads "<10" on the page, in the CSV and in the
// JSON, whose rule says 10.
func TestStatsThresholdSetting(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addMember(t, danaName, tropa.RoleAdmin, danaPassword)
	admin := ts.staffBrowser(t, danaName, danaPassword)
	ivan := ts.staffBrowser(t, analystName, analystPassword)
	ts.submitMany(t, 7)
	if got, _ := figure(t, ivan.get(t, "/staff/stats?lang=en").doc(t), "kind", "legal"); got != "7" {
		t.Fatalf("7 legal questions under the default threshold read %q", got)
	}

	doc := admin.get(t, "/staff/settings").doc(t)
	if got := attr(t, doc, "input#threshold", "value"); got != "5" {
		t.Errorf("threshold shows %q, want the default 5", got)
	}
	action := attr(t, doc, "form.figures", "action")
	loc, _ := admin.postSeeOther(t, action, url.Values{"threshold": {" 10 "}})
	if loc != "/staff/settings?done=figures#figures" {
		t.Errorf("setting the threshold leads to %q", loc)
	}

	page := ivan.get(t, "/staff/stats?lang=en").doc(t)
	if got, suppressed := figure(t, page, "kind", "legal"); got != "<10" || !suppressed {
		t.Errorf("7 legal questions read %q on the page, want <10", got)
	}
	if got := htmlcheck.Text(htmlcheck.HasOne(t, page, "p.rule")); !strings.Contains(got, "“<10”") {
		t.Errorf("the page's rule reads %q, want it to name <10", got)
	}
	rows, err := csv.NewReader(strings.NewReader(ivan.get(t, "/staff/stats.csv?lang=en").body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r[0] == "kind" && r[1] == "legal" && r[3] != "<10" {
			t.Errorf("7 legal questions read %q in the CSV, want <10", r[3])
		}
		if r[0] == "rule" && (r[1] != "threshold=10;complementary;suppressed_by=quarter" || !strings.Contains(r[2], "from 1 to 9")) {
			t.Errorf("CSV rule %q", r)
		}
	}
	var got struct {
		Rule struct {
			Threshold int    `json:"threshold"`
			Small     string `json:"small"`
		} `json:"rule"`
		Tables []struct {
			Rows []struct {
				Key string `json:"key"`
				Now any    `json:"now"`
			} `json:"rows"`
		} `json:"tables"`
	}
	body := ivan.get(t, "/staff/stats.json?table=kind&lang=en").body
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Rule.Threshold != 10 || got.Rule.Small != "<10" || len(got.Tables) != 1 {
		t.Fatalf("JSON:\n%s", body)
	}
	for _, r := range got.Tables[0].Rows {
		if r.Key == "legal" && r.Now != "<10" {
			t.Errorf("7 legal questions in the JSON: %#v, want \"<10\"", r.Now)
		}
	}
}

// A threshold that would withhold nothing, or nearly everything, or is no
// number, is refused in the administrator's language with what was typed
// kept, and changes nothing.
func TestStatsThresholdRefused(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addMember(t, danaName, tropa.RoleAdmin, danaPassword)
	admin := ts.staffBrowser(t, danaName, danaPassword)
	for _, typed := range []string{"1", "2", "101", "five", "", "7.5", "-5"} {
		t.Run(typed, func(t *testing.T) {
			resp := admin.post(t, "/staff/settings/figures?lang=ru", url.Values{"threshold": {typed}, "exact": {"on"}})
			if resp.status != http.StatusUnprocessableEntity {
				t.Fatalf("threshold %q = %d, want 422", typed, resp.status)
			}
			doc := resp.doc(t)
			if msg := htmlcheck.Text(htmlcheck.HasOne(t, doc, "p.error")); !strings.Contains(msg, "от 3 до 100") {
				t.Errorf("threshold %q refused with %q, want the bounds in Russian", typed, msg)
			}
			if got := attr(t, doc, "input#threshold", "value"); got != typed {
				t.Errorf("threshold shows %q, want %q as typed", got, typed)
			}
			if _, ok := htmlcheck.Attr(htmlcheck.HasOne(t, doc, "input#exact"), "checked"); !ok {
				t.Error("the exact figures box lost its tick")
			}
		})
	}
	if p, err := ts.desk.FiguresPolicy(context.Background()); err != nil || p.Threshold != 5 || p.Exact {
		t.Errorf("after refusals the policy is %+v, %v", p, err)
	}
}

// Exact figures: off, ?exact=1 is ignored with a notice and the figures
// stay publish-safe; once an administrator allows them, an analyst
// follows the page's link to the exact count, marked not for publication
// and kept off paper, while the exports stay publish-safe; the viewing is
// in the audit log with the period and no figure.
func TestStatsExactFigures(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addMember(t, danaName, tropa.RoleAdmin, danaPassword)
	admin := ts.staffBrowser(t, danaName, danaPassword)
	ivan := ts.staffBrowser(t, analystName, analystPassword)
	ts.submitMany(t, 3)

	resp := ivan.get(t, "/staff/stats?month=2026-03&exact=1&lang=en")
	if resp.status != http.StatusOK {
		t.Fatalf("?exact=1 while not allowed = %d", resp.status)
	}
	doc := resp.doc(t)
	if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "p.notice")); !strings.Contains(got, "does not allow exact figures") {
		t.Errorf("notice %q", got)
	}
	if got, _ := figure(t, doc, "kind", "legal"); got != "<5" {
		t.Errorf("3 legal questions read %q with exact figures not allowed", got)
	}
	htmlcheck.HasNone(t, doc, "p.exact-link")
	htmlcheck.HasNone(t, doc, "p.exact-mark")

	admin.postSeeOther(t, "/staff/settings/figures", url.Values{"threshold": {"5"}, "exact": {"on"}})
	doc = ivan.get(t, "/staff/stats?month=2026-03&lang=en").doc(t)
	if got, _ := figure(t, doc, "kind", "legal"); got != "<5" {
		t.Errorf("3 legal questions read %q before asking for exact figures", got)
	}
	link := attr(t, doc, "p.exact-link a", "href")
	if link != "/staff/stats?month=2026-03&exact=1&lang=en" {
		t.Errorf("exact figures link %q", link)
	}
	doc = ivan.get(t, link).doc(t)
	if got, suppressed := figure(t, doc, "kind", "legal"); got != "3" || suppressed {
		t.Errorf("3 legal questions read %q on the exact page", got)
	}
	if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "p.exact-mark")); !strings.Contains(got, "not for publication") {
		t.Errorf("exact mark %q", got)
	}
	htmlcheck.HasOne(t, doc, "div.figures.exact section#stats-kind h2 span.exact-mark")
	htmlcheck.HasOne(t, doc, "p.exact-print")
	htmlcheck.HasNone(t, doc, "p.rule")
	css := ivan.get(t, "/static/style.css").body
	if !strings.Contains(css, ".figures.exact, p.exact-mark, p.exact-link { display: none; }") {
		t.Error("the print stylesheet does not keep exact figures off paper")
	}
	// The page's downloads are publish-safe whatever it shows.
	csvLink := "/staff/stats.csv?month=2026-03&lang=en"
	htmlcheck.HasOne(t, doc, `p.export a[href="`+csvLink+`"]`)
	if strings.Contains(csvLink, "exact") || !strings.Contains(ivan.get(t, csvLink).body, "kind,legal,Legal question,<5,") {
		t.Errorf("the exact page's CSV (%s) is not publish-safe", csvLink)
	}
	var exported struct {
		Tables []struct {
			Total struct {
				Now any `json:"now"`
			} `json:"total"`
		} `json:"tables"`
	}
	body := ivan.get(t, "/staff/stats.json?month=2026-03&exact=1&table=kind").body
	if err := json.Unmarshal([]byte(body), &exported); err != nil || len(exported.Tables) != 1 || exported.Tables[0].Total.Now != "<5" {
		t.Errorf("JSON asked for exact figures (%v):\n%s", err, body)
	}

	lines, err := ts.store.AuditLog(context.Background(), tropa.AuditFilter{Action: tropa.ActionStatsExact})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || lines[0].Detail != "2026-03" || lines[0].Actor != ts.staffID(t, analystName) {
		t.Errorf("audit of exact figures: %+v, want one entry by the analyst for 2026-03", lines)
	}

	admin.postSeeOther(t, "/staff/settings/figures", url.Values{"threshold": {"5"}})
	if got, _ := figure(t, ivan.get(t, link).doc(t), "kind", "legal"); got != "<5" {
		t.Errorf("3 legal questions read %q through the old link once exact figures are off again", got)
	}
}
