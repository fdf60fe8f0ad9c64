package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/internal/htmlcheck"
)

// The quarter's chart in Russian: a bar for each month with the same
// month of the quarter before beside it, named in Russian, each figure the
// one the month's own page publishes, the small ones marked, never drawn
// to their height.
func TestStatsChartRussian(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	// Q4 2025: none in October, 6 in November, 2 in December.
	ts.submitOn(t, day("2025-11-15 10:00:00"), 6, tropa.KindLegal, tropa.ChannelWeb)
	ts.submitOn(t, day("2025-12-31 23:30:00"), 2, tropa.KindSurrender, tropa.ChannelTelegram)
	// Q1 2026: 4 in January, 12 in February, 1 in March.
	ts.submitOn(t, day("2026-01-01 00:10:00"), 4, tropa.KindLegal, tropa.ChannelWeb)
	ts.submitOn(t, day("2026-02-05 12:00:00"), 5, tropa.KindLegal, tropa.ChannelWeb)
	ts.submitOn(t, day("2026-02-20 08:00:00"), 7, tropa.KindLeaveCountry, tropa.ChannelTelegram)
	ts.submitOn(t, day("2026-03-01 18:00:00"), 1, tropa.KindSurrender, tropa.ChannelHotline)
	ivan := ts.staffBrowser(t, analystName, analystPassword)

	resp := ivan.get(t, "/staff/stats?quarter=2026-Q1&lang=ru")
	if resp.status != http.StatusOK {
		t.Fatalf("GET ?quarter=2026-Q1 = %d", resp.status)
	}
	doc := resp.doc(t)
	svg := htmlcheck.HasOne(t, doc, "figure#stats-chart svg.chart")
	if role, _ := htmlcheck.Attr(svg, "role"); role != "img" {
		t.Errorf("the chart's role is %q, want img", role)
	}
	labelled, _ := htmlcheck.Attr(svg, "aria-labelledby")
	for _, id := range strings.Fields(labelled) {
		htmlcheck.HasOne(t, doc, "svg #"+id)
	}
	htmlcheck.HasText(t, doc, "svg.chart title", "Обращения по месяцам")
	months := htmlcheck.MustQuery(t, doc, "svg.chart text.month")
	before := htmlcheck.MustQuery(t, doc, "svg.chart text.month-before")
	wantMonths, wantBefore := []string{"янв. 2026", "февр. 2026", "март 2026"}, []string{"окт. 2025", "нояб. 2025", "дек. 2025"}
	if len(months) != 3 || len(before) != 3 {
		t.Fatalf("%d months and %d compared, want 3 and 3", len(months), len(before))
	}
	for i := range 3 {
		if got := htmlcheck.Text(months[i]); got != wantMonths[i] {
			t.Errorf("month %d is %q, want %q", i, got, wantMonths[i])
		}
		if got := htmlcheck.Text(before[i]); got != wantBefore[i] {
			t.Errorf("compared month %d is %q, want %q", i, got, wantBefore[i])
		}
	}
	// Bars in order: January, October, February, November, March, December.
	bars := htmlcheck.MustQuery(t, doc, "svg.chart g.bars > g")
	if len(bars) != 6 {
		t.Fatalf("%d bars, want 6", len(bars))
	}
	for i, month := range []string{"2026-01", "2025-10", "2026-02", "2025-11", "2026-03", "2025-12"} {
		page := ivan.get(t, "/staff/stats?month="+month+"&lang=ru").doc(t)
		want, withheld := figure(t, page, "kind", "total")
		got := htmlcheck.Text(htmlcheck.HasOne(t, bars[i], "text"))
		class, _ := htmlcheck.Attr(bars[i], "class")
		if got != want || strings.HasSuffix(class, " withheld") != withheld {
			t.Errorf("the bar of %s reads %q (%s), its month's page %q (withheld %v)", month, got, class, want, withheld)
		}
	}
	for _, i := range []int{0, 4, 5} {
		if got := htmlcheck.Text(htmlcheck.HasOne(t, bars[i], "text")); got != "<5" {
			t.Errorf("bar %d reads %q, want <5", i, got)
		}
	}
	// The same figures as a table, for a reader who cannot see the chart.
	htmlcheck.HasText(t, doc, `figure#stats-chart tr[data-key="2026-02"] th`, "февр. 2026 против нояб. 2025")
	if n := count(t, doc, "figure#stats-chart tbody tr"); n != 3 {
		t.Errorf("the chart's table has %d rows, want 3", n)
	}
	body := string(resp.body)
	// The policy allows no inline style or script: the chart needs neither.
	if strings.Contains(body, " style=") || strings.Contains(body, "<script") || strings.Contains(body, "<style") {
		t.Error("the stats page has an inline style or script, which its Content-Security-Policy blocks")
	}
	for _, english := range []string{">Jan", ">Feb", ">Mar", ">Oct", ">Nov", ">Dec"} {
		if strings.Contains(body, english) {
			t.Errorf("the Russian page names a month in English: %s", english)
		}
	}
}

// A month's page draws that month against the month before, even when
// neither had a request.
func TestStatsChartEmptyMonth(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ivan := ts.staffBrowser(t, analystName, analystPassword)
	doc := ivan.get(t, "/staff/stats?month=2025-06&lang=en").doc(t)
	htmlcheck.HasText(t, doc, "svg.chart text.month", "Jun 2025")
	htmlcheck.HasText(t, doc, "svg.chart text.month-before", "May 2025")
	for _, bar := range htmlcheck.MustQuery(t, doc, "svg.chart g.bars > g") {
		if got := htmlcheck.Text(htmlcheck.HasOne(t, bar, "text")); got != "0" {
			t.Errorf("a bar of a month with no requests reads %q", got)
		}
		if h, _ := htmlcheck.Attr(htmlcheck.HasOne(t, bar, "rect"), "height"); h != "0" {
			t.Errorf("a bar of a month with no requests is %s tall", h)
		}
	}
}
