package web_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"tropa"
	"tropa/internal/htmlcheck"
	"tropa/stats"
)

// rangeData puts in, on chosen days, the requests of the press's example
// and the year before it, and returns the page's test server and an
// analyst. Counted by hand, by kind (all by web unless said):
//
//	2024-05-20  1 legal                    (the organization counts from here)
//	2024-07-10  40 legal
//	2024-10-05  20 surrender by Telegram
//	2025-01-15  100 legal
//	2025-05-05  50 leaving the country
//	2025-06-10  200 legal
//	2025-07-15  105 leaving the country by Telegram
//	2025-09-01  500 legal
//	2025-11-30  74 leaving the country by Telegram, 3 surrender by the hotline
//
// June to August 2025 is 305, September to November 577 (October none).
func rangeData(t *testing.T) (*testServer, *browser) {
	t.Helper()
	ts := newTestServer(t)
	for _, put := range []struct {
		day  string
		n    int
		kind tropa.Kind
		ch   tropa.Channel
	}{
		{"2024-05-20", 1, tropa.KindLegal, tropa.ChannelWeb},
		{"2024-07-10", 40, tropa.KindLegal, tropa.ChannelWeb},
		{"2024-10-05", 20, tropa.KindSurrender, tropa.ChannelTelegram},
		{"2025-01-15", 100, tropa.KindLegal, tropa.ChannelWeb},
		{"2025-05-05", 50, tropa.KindLeaveCountry, tropa.ChannelWeb},
		{"2025-06-10", 200, tropa.KindLegal, tropa.ChannelWeb},
		{"2025-07-15", 105, tropa.KindLeaveCountry, tropa.ChannelTelegram},
		{"2025-09-01", 500, tropa.KindLegal, tropa.ChannelWeb},
		{"2025-11-30", 74, tropa.KindLeaveCountry, tropa.ChannelTelegram},
		{"2025-11-30", 3, tropa.KindSurrender, tropa.ChannelHotline},
	} {
		day, err := time.Parse(time.DateOnly, put.day)
		if err != nil {
			t.Fatal(err)
		}
		ts.submitOn(t, day.Add(12*time.Hour), put.n, put.kind, put.ch)
	}
	return ts, ts.staffBrowser(t, analystName, analystPassword)
}

// cells reads a table's figures for the keys as the page shows them, by
// column: n, was, change, year, year-change.
func cells(t *testing.T, doc *html.Node, table string, want map[string][5]string) {
	t.Helper()
	for key, w := range want {
		for i, col := range []string{"n", "was", "change", "year", "year-change"} {
			if got, _ := column(t, doc, table, key, col); got != w[i] {
				t.Errorf("%s %s %s = %q, want %q", table, key, col, got, w[i])
			}
		}
	}
}

// June to November 2025 against December to May and against June to
// November 2024, counted by hand; and the press's September to November
// against June to August.
func TestStatsRange(t *testing.T) {
	t.Parallel()
	_, ivan := rangeData(t)

	resp := ivan.get(t, "/staff/stats?from=2025-06&to=2025-11&lang=en")
	if resp.status != http.StatusOK {
		t.Fatalf("GET ?from=2025-06&to=2025-11 = %d", resp.status)
	}
	doc := resp.doc(t)
	htmlcheck.HasText(t, doc, "p.period", "From 2025-06-01 to 2025-11-30")
	htmlcheck.HasText(t, doc, "p.period", "Compared with 2024-12-01 to 2025-05-31")
	htmlcheck.HasText(t, doc, "p.period", "And with 2024-06-01 to 2024-11-30, a year before")
	htmlcheck.HasText(t, doc, "p.counted", "Whole months counted: Jun 2025 – Nov 2025")
	htmlcheck.HasText(t, doc, "form.range p.hint", "Figures count whole months, up to 24")
	if n := count(t, doc, "section#stats-kind thead th"); n != 5 {
		t.Errorf("%d column heads, want 5 with the year before and its change", n)
	}
	// June is the second quarter's, July to September the third's whole,
	// October and November the fourth's. November's 74 leaving is withheld
	// on its own page beside the 3 surrender there, so every range that
	// adds it withholds leaving too; the 3 are the range's only surrender,
	// and read "<5" as they do in November.
	cells(t, doc, "kind", map[string][5]string{
		"legal":         {"700", "100", "+600%", "40", "+1650%"},
		"leave_country": {"hidden", "50", "", "0", ""},
		"surrender":     {"<5", "0", "", "20", ""},
		"other":         {"0", "0", "", "0", ""},
		"total":         {"882", "150", "+488%", "60", "+1370%"},
	})
	cells(t, doc, "channel", map[string][5]string{
		"web":      {"700", "150", "+367%", "40", "+1650%"},
		"telegram": {"hidden", "0", "", "20", ""},
		"hotline":  {"<5", "0", "", "0", ""},
		"total":    {"882", "150", "+488%", "60", "+1370%"},
	})
	if got := attr(t, doc, "a[rel=prev]", "href"); got != "/staff/stats?from=2024-12&to=2025-05&lang=en" {
		t.Errorf("the months before link to %q", got)
	}
	if got := attr(t, doc, "a[rel=next]", "href"); got != "/staff/stats?from=2025-12&to=2026-05&lang=en" {
		t.Errorf("the months after link to %q", got)
	}
	if got := attr(t, doc, "input#from", "value"); got != "2025-06" {
		t.Errorf("from shows %q", got)
	}
	// The chart and the calls go month by month, October's none too.
	if n := count(t, doc, "section#stats-calls tbody tr"); n != 6 {
		t.Errorf("calls in %d rows, want the range's 6 months", n)
	}
	chartOctober := htmlcheck.HasOne(t, doc, `figure#stats-chart tr[data-key="2025-10"] td.n`)
	if got := htmlcheck.Text(chartOctober); got != "0" {
		t.Errorf("the chart's October reads %q, want 0", got)
	}
	if n := count(t, doc, "figure#stats-chart svg g.now"); n != 6 {
		t.Errorf("the chart has %d bars for the range, want 6", n)
	}

	// The press's example, typed as dates: a date stands for its month.
	doc = ivan.get(t, "/staff/stats?from=2025-09-15&to=2025-11-02&lang=en").doc(t)
	htmlcheck.HasText(t, doc, "p.counted", "Whole months counted: Sep 2025 – Nov 2025")
	htmlcheck.HasText(t, doc, "p.period", "Compared with 2025-06-01 to 2025-08-31")
	if got := attr(t, doc, "input#from", "value"); got != "2025-09-15" {
		t.Errorf("from shows %q, want it as typed", got)
	}
	cells(t, doc, "kind", map[string][5]string{
		"total": {"577", "305", "+89%", "20", "+2785%"},
		"legal": {"500", "200", "+150%", "0", "new"},
	})

	// A year before the organization began counting has no column.
	doc = ivan.get(t, "/staff/stats?from=2024-06&to=2024-11&lang=en").doc(t)
	htmlcheck.HasNone(t, doc, "td.year")
	if n := count(t, doc, "section#stats-kind thead th"); n != 3 {
		t.Errorf("%d column heads without a year before, want 3", n)
	}
	if got, _ := column(t, doc, "kind", "total", "n"); got != "60" {
		t.Errorf("June to November 2024 shows %q requests, want 60", got)
	}
	// A month and a quarter have theirs too: November 2025 against
	// November 2024, 0.
	doc = ivan.get(t, "/staff/stats?month=2025-11&lang=en").doc(t)
	cells(t, doc, "kind", map[string][5]string{"total": {"77", "0", "new", "0", "new"}})
	doc = ivan.get(t, "/staff/stats?quarter=2025-Q3&lang=en").doc(t)
	cells(t, doc, "kind", map[string][5]string{"total": {"605", "250", "+142%", "40", "+1413%"}})
}

// The range's figures leave the server as the page shows them, in the
// year-before column too.
func TestStatsRangeExport(t *testing.T) {
	t.Parallel()
	_, ivan := rangeData(t)
	doc := ivan.get(t, "/staff/stats?from=2025-06&to=2025-11&lang=en").doc(t)
	htmlcheck.HasOne(t, doc, `p.export a[href="/staff/stats.csv?from=2025-06&to=2025-11&lang=en"]`)

	resp := ivan.get(t, "/staff/stats.csv?from=2025-06&to=2025-11&lang=en")
	if resp.status != http.StatusOK ||
		resp.header.Get("Content-Disposition") != `attachment; filename="stats-2025-06-01..2025-11-30.csv"` {
		t.Fatalf("GET /staff/stats.csv = %d, %q", resp.status, resp.header.Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(strings.NewReader(resp.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"table|key|label|this_period|period_before|change|year_before|year_change": "",
		"kind|total|Total|882|150|+488%|60|+1370%":                                 "",
		"kind|leave_country|Leave the country|hidden|50||0|":                       "",
		"kind|surrender|Surrender safely|<5|0||20|":                                "",
	}
	for _, r := range rows {
		delete(want, strings.Join(r, "|"))
		if r[0] == "rule" && (r[3] != "2025-06-01..2025-11-30" || r[4] != "2024-12-01..2025-05-31" ||
			r[6] != "2024-06-01..2024-11-30" || !strings.Contains(r[2], "taking one range from another")) {
			t.Errorf("CSV rule row %q", r)
		}
	}
	if len(want) > 0 {
		t.Errorf("CSV lacks rows %v:\n%s", want, resp.body)
	}

	resp = ivan.get(t, "/staff/stats.json?from=2025-09&to=2025-11&table=kind&lang=en")
	var got struct {
		YearBefore struct {
			Period string `json:"period"`
		} `json:"year_before"`
		Tables []struct {
			Total struct {
				Now        any    `json:"now"`
				Before     any    `json:"before"`
				Change     string `json:"change"`
				YearBefore any    `json:"year_before"`
				YearChange string `json:"year_change"`
			} `json:"total"`
		} `json:"tables"`
	}
	if err := json.Unmarshal([]byte(resp.body), &got); err != nil {
		t.Fatalf("GET /staff/stats.json: %v\n%s", err, resp.body)
	}
	if total := got.Tables[0].Total; got.YearBefore.Period != "2024-09-01..2024-11-30" || total.Now != 577.0 ||
		total.Before != 305.0 || total.Change != "+89%" || total.YearBefore != 20.0 || total.YearChange != "+2785%" {
		t.Errorf("GET /staff/stats.json:\n%s", resp.body)
	}
}

// A range the page cannot show is refused in the analyst's language, and
// the form keeps what was typed.
func TestStatsRangeRefused(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ivan := ts.staffBrowser(t, analystName, analystPassword)
	for _, tt := range []struct{ from, to, want string }{
		{"2025-11", "2025-06", "The first month must not come after the last."},
		{"2023-01", "2025-06", "A range covers at most 24 months; this one has 30."},
		{"June", "2025-06", "Give the first and last month as year and month"},
		{"2025-06", "2025-13-01", "Give the first and last month as year and month"},
	} {
		resp := ivan.get(t, "/staff/stats?lang=en&from="+tt.from+"&to="+tt.to)
		if resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("GET ?from=%s&to=%s = %d, want 422", tt.from, tt.to, resp.status)
		}
		doc := resp.doc(t)
		htmlcheck.HasText(t, doc, "p.error", tt.want)
		htmlcheck.HasNone(t, doc, "table.counts")
		if got := attr(t, doc, "input#from", "value"); got != tt.from {
			t.Errorf("from shows %q, want %q as typed", got, tt.from)
		}
		if got := attr(t, doc, "input#to", "value"); got != tt.to {
			t.Errorf("to shows %q, want %q as typed", got, tt.to)
		}
		for _, ext := range []string{"csv", "json"} {
			if resp := ivan.get(t, "/staff/stats."+ext+"?lang=en&from="+tt.from+"&to="+tt.to); resp.status != http.StatusUnprocessableEntity {
				t.Errorf("GET /staff/stats.%s?from=%s&to=%s = %d, want 422", ext, tt.from, tt.to, resp.status)
			}
		}
	}
	resp := ivan.get(t, "/staff/stats?lang=ru&from=2023-01&to=2025-06")
	htmlcheck.HasText(t, resp.doc(t), "p.error", "не больше 24 месяцев")
}

// A reader downloads the table by kind for every month and quarter from
// April 2024 to December 2025 and for ranges across them, knows that a
// quarter or a range adds its months up and a total its rows, and works
// out by subtraction all he can: nothing the pages withhold comes out, and
// every page reads the same figure for the same months.
func TestStatsRangeAcrossPages(t *testing.T) {
	t.Parallel()
	_, ivan := rangeData(t)
	var queries []string
	for m := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC); m.Year() < 2026; m = m.AddDate(0, 1, 0) {
		queries = append(queries, "month="+m.Format("2006-01"))
		if m.Month()%3 == 1 {
			queries = append(queries, fmt.Sprintf("quarter=%d-Q%d", m.Year(), m.Month()/3+1))
		}
	}
	for _, r := range [][2]string{{"2025-06", "2025-11"}, {"2025-09", "2025-11"}, {"2025-10", "2025-11"}, {"2025-11", "2025-12"},
		{"2025-10", "2026-01"}, {"2024-05", "2024-06"}, {"2025-07", "2025-11"}, {"2025-08", "2025-12"}} {
		queries = append(queries, "from="+r[0]+"&to="+r[1])
	}
	// figures[period][key] is what the pages publish; months[period] the
	// months a period adds up.
	figures := map[string]map[string]string{}
	months := map[string][]string{}
	publish := func(period, key, value string) {
		if figures[period] == nil {
			figures[period] = map[string]string{}
		}
		if was, ok := figures[period][key]; ok && was != value {
			t.Errorf("%s %s reads %q on one page and %q on another", period, key, was, value)
		}
		figures[period][key] = value
	}
	for _, q := range queries {
		resp := ivan.get(t, "/staff/stats.csv?table=kind&lang=en&"+q)
		rows, err := csv.NewReader(strings.NewReader(resp.body)).ReadAll()
		if err != nil || resp.status != http.StatusOK {
			t.Fatalf("GET ?%s = %d, %v", q, resp.status, err)
		}
		rule := rows[len(rows)-1]
		for _, col := range []struct{ at, period int }{{3, 3}, {4, 4}, {6, 6}} {
			period := rule[col.period]
			if period == "" {
				continue
			}
			p, err := stats.ParsePeriod(period)
			if err != nil {
				t.Fatalf("period %q: %v", period, err)
			}
			months[period] = nil
			for m := p.First; m.Before(p.To()); m = m.AddDate(0, 1, 0) {
				months[period] = append(months[period], m.Format("2006-01"))
			}
			for _, r := range rows[1 : len(rows)-1] {
				publish(period, r[1], r[col.at])
			}
		}
	}
	// The equations: a period's figure is the sum of its months', a total
	// the sum of its rows.
	type equation struct {
		total [2]string
		parts [][2]string
	}
	var eqs []equation
	for period, ms := range months {
		var rows [][2]string
		for key := range figures[period] {
			if key != "total" {
				rows = append(rows, [2]string{period, key})
			}
			if len(ms) > 1 {
				eq := equation{total: [2]string{period, key}}
				for _, m := range ms {
					eq.parts = append(eq.parts, [2]string{m, key})
				}
				eqs = append(eqs, eq)
			}
		}
		eqs = append(eqs, equation{total: [2]string{period, "total"}, parts: rows})
	}
	known := map[[2]string]int{}
	for period, keys := range figures {
		for key, v := range keys {
			if n, err := strconv.Atoi(v); err == nil {
				known[[2]string{period, key}] = n
			}
		}
	}
	// learn takes in what the reader worked out: a figure withheld, or one
	// of a month no page was asked for, as such a page would withhold it.
	learn := func(v [2]string, n int) {
		known[v] = n
		if published, ok := figures[v[0]][v[1]]; ok {
			t.Errorf("%s %s, published as %q, comes out as %d", v[0], v[1], published, n)
		}
	}
	for found := true; found; {
		found = false
		for _, eq := range eqs {
			var unknown [][2]string
			rest := 0
			for _, p := range eq.parts {
				if n, ok := known[p]; ok {
					rest += n
				} else {
					unknown = append(unknown, p)
				}
			}
			total, ok := known[eq.total]
			switch {
			case ok && len(unknown) == 1:
				learn(unknown[0], total-rest)
				found = true
			case !ok && len(unknown) == 0:
				learn(eq.total, rest)
				found = true
			}
		}
	}
	if figures["2025-06-01..2025-11-30"]["leave_country"] != "hidden" || figures["2025-11"]["leave_country"] != "hidden" {
		t.Errorf("leaving the country in November and June to November read %q and %q, want both hidden",
			figures["2025-11"]["leave_country"], figures["2025-06-01..2025-11-30"]["leave_country"])
	}
}

// Where the organization allows exact figures on screen, a range reads
// its sums as they are, and its exports stay publish-safe.
func TestStatsRangeExact(t *testing.T) {
	t.Parallel()
	ts, ivan := rangeData(t)
	ts.addMember(t, danaName, tropa.RoleAdmin, danaPassword)
	admin := ts.staffBrowser(t, danaName, danaPassword)
	admin.postSeeOther(t, "/staff/settings/figures", url.Values{"threshold": {"5"}, "exact": {"on"}})

	doc := ivan.get(t, "/staff/stats?from=2025-06&to=2025-11&lang=en").doc(t)
	if link := attr(t, doc, "p.exact-link a", "href"); link != "/staff/stats?from=2025-06&to=2025-11&exact=1&lang=en" {
		t.Fatalf("exact figures link %q", link)
	}
	doc = ivan.get(t, "/staff/stats?from=2025-06&to=2025-11&exact=1&lang=en").doc(t)
	cells(t, doc, "kind", map[string][5]string{
		"leave_country": {"179", "50", "+258%", "0", "new"},
		"surrender":     {"3", "0", "new", "20", "−85%"},
	})
	resp := ivan.get(t, "/staff/stats.csv?from=2025-06&to=2025-11&exact=1&table=kind&lang=en")
	if !strings.Contains(resp.body, "kind,leave_country,Leave the country,hidden,50,,0,") {
		t.Errorf("the export of exact figures is not publish-safe:\n%s", resp.body)
	}
}
