package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/net/html"

	"tropa"
	"tropa/internal/htmlcheck"
)

// figure is what the stats page shows in table for key in the period
// shown, and whether it is marked as suppressed ("<5") or withheld.
func figure(tb testing.TB, doc *html.Node, table, key string) (string, bool) {
	tb.Helper()
	return column(tb, doc, table, key, "n")
}

// column is the figure of table's row key in the column of class col: n
// for the period shown, was for the period before, change.
func column(tb testing.TB, doc *html.Node, table, key, col string) (string, bool) {
	tb.Helper()
	cell := htmlcheck.HasOne(tb, doc, "section#stats-"+table+` tr[data-key="`+key+`"] td.`+col)
	class, _ := htmlcheck.Attr(cell, "class")
	return htmlcheck.Text(cell), class == col+" suppressed" || class == col+" withheld"
}

func TestStatsSuppressSmallCounts(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	submit := func(n int, kind tropa.Kind, ch tropa.Channel) {
		for range n {
			if _, err := ts.desk.Submit(context.Background(), tropa.Submission{Kind: kind, Situation: tropa.SituationHospital,
				Channel: ch, Message: "Ранен, лежу в госпитале. Как быть дальше?"}); err != nil {
				t.Fatalf("Submit: %v", err)
			}
		}
	}
	submit(5, tropa.KindLegal, tropa.ChannelWeb)
	submit(2, tropa.KindSurrender, tropa.ChannelTelegram)
	ivan := ts.staffBrowser(t, analystName, analystPassword)

	resp := ivan.get(t, "/staff/stats?lang=en")
	if resp.status != http.StatusOK {
		t.Fatalf("GET /staff/stats = %d", resp.status)
	}
	doc := resp.doc(t)
	if got := attr(t, doc, "input#month", "value"); got != "2026-03" {
		t.Errorf("month shown %q, want the server's current month 2026-03", got)
	}
	// The tables now show their totals, 7 requests: beside them the 5
	// would give the 2 away, so it is withheld too.
	tests := []struct {
		table, key, want string
		suppressed       bool
	}{
		{"kind", "legal", "hidden", true},
		{"kind", "surrender", "<5", true},
		{"kind", "other", "0", false},
		{"kind", "total", "7", false},
		{"channel", "web", "hidden", true},
		{"channel", "telegram", "<5", true},
		{"channel", "total", "7", false},
		{"channel", "hotline", "0", false},
		{"triage", "case", "0", false},
		{"open", "new", "7", false},
		{"closed", "left_country", "0", false},
	}
	for _, tt := range tests {
		if got, suppressed := figure(t, doc, tt.table, tt.key); got != tt.want || suppressed != tt.suppressed {
			t.Errorf("%s %s = %q (suppressed %v), want %q (suppressed %v)", tt.table, tt.key, got, suppressed, tt.want, tt.suppressed)
		}
	}
	if n := count(t, doc, "section#stats-kind tbody tr"); n != len(tropa.Kinds) {
		t.Errorf("%d kinds, want %d", n, len(tropa.Kinds))
	}
	// A change is shown only where both of its figures are.
	for _, key := range []string{"legal", "surrender"} {
		if got, _ := column(t, doc, "kind", key, "change"); got != "" {
			t.Errorf("kind %s's change shows %q beside a withheld figure", key, got)
		}
	}
	if got, _ := column(t, doc, "kind", "total", "change"); got != "new" {
		t.Errorf("the total's change shows %q, want new (0 in February)", got)
	}
}

func TestStatsMonths(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	if _, err := ts.desk.Submit(context.Background(), tropa.Submission{Kind: tropa.KindLegal,
		Situation: tropa.SituationFront, Channel: tropa.ChannelWeb, Message: "Повестка на завтра."}); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	ivan := ts.staffBrowser(t, analystName, analystPassword)

	doc := ivan.get(t, "/staff/stats").doc(t)
	if got := attr(t, doc, "a[rel=prev]", "href"); got != "/staff/stats?month=2026-02" {
		t.Errorf("previous month links to %q", got)
	}
	htmlcheck.HasNone(t, doc, "a[rel=next]")

	doc = ivan.get(t, "/staff/stats?month=2026-02&lang=en").doc(t)
	if got, _ := figure(t, doc, "kind", "legal"); got != "0" {
		t.Errorf("February shows %q legal requests, want 0", got)
	}
	if got, _ := figure(t, doc, "open", "new"); got != "<5" {
		t.Errorf("February shows %q open cases, want those open now, <5", got)
	}
	if got := attr(t, doc, "a[rel=next]", "href"); got != "/staff/stats?month=2026-03&lang=en" {
		t.Errorf("next month links to %q", got)
	}
	if got := attr(t, doc, "a[rel=prev]", "href"); got != "/staff/stats?month=2026-01&lang=en" {
		t.Errorf("previous month links to %q", got)
	}
	if got, _ := figure(t, ivan.get(t, "/staff/stats?month=2026-03").doc(t), "kind", "legal"); got != "<5" {
		t.Errorf("March shows %q legal requests, want <5", got)
	}

	for _, month := range []string{"march", "2026-13", "2026-3"} {
		t.Run(month, func(t *testing.T) {
			resp := ivan.get(t, "/staff/stats?month="+month)
			if resp.status != http.StatusUnprocessableEntity {
				t.Fatalf("GET ?month=%s = %d, want 422", month, resp.status)
			}
			doc := resp.doc(t)
			htmlcheck.HasOne(t, doc, "p.error")
			htmlcheck.HasNone(t, doc, "table.counts")
			if got := attr(t, doc, "input#month", "value"); got != month {
				t.Errorf("month shows %q, want %q as typed", got, month)
			}
		})
	}
}

// submitOn submits n requests as if on day, by the desk's clock, which it
// then puts back.
func (ts *testServer) submitOn(tb testing.TB, day time.Time, n int, kind tropa.Kind, ch tropa.Channel) {
	tb.Helper()
	back := ts.deskClock.Now().Sub(day)
	ts.deskClock.Advance(-back)
	defer ts.deskClock.Advance(back)
	for range n {
		if _, err := ts.desk.Submit(context.Background(), tropa.Submission{Kind: kind, Situation: tropa.SituationLeave,
			Channel: ch, Message: "В отпуске, обратно не хочу."}); err != nil {
			tb.Fatalf("Submit: %v", err)
		}
	}
}

// The first quarter of 2026 against the last of 2025, counted by hand: an
// analyst sees each figure the suppression leaves, the totals and their
// change.
func TestStatsQuarter(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	// Q4 2025: 6 legal by web, 2 surrender by Telegram; 8 in all.
	ts.submitOn(t, day("2025-11-15 10:00:00"), 6, tropa.KindLegal, tropa.ChannelWeb)
	ts.submitOn(t, day("2025-12-31 23:30:00"), 2, tropa.KindSurrender, tropa.ChannelTelegram)
	// Q1 2026: 9 legal by web, 7 leaving the country by Telegram, 1
	// surrender by the hotline; 17 in all.
	ts.submitOn(t, day("2026-01-01 00:10:00"), 4, tropa.KindLegal, tropa.ChannelWeb)
	ts.submitOn(t, day("2026-02-05 12:00:00"), 5, tropa.KindLegal, tropa.ChannelWeb)
	ts.submitOn(t, day("2026-02-20 08:00:00"), 7, tropa.KindLeaveCountry, tropa.ChannelTelegram)
	ts.submitOn(t, day("2026-03-01 18:00:00"), 1, tropa.KindSurrender, tropa.ChannelHotline)
	ivan := ts.staffBrowser(t, analystName, analystPassword)

	resp := ivan.get(t, "/staff/stats?quarter=2026-Q1&lang=en")
	if resp.status != http.StatusOK {
		t.Fatalf("GET ?quarter=2026-Q1 = %d", resp.status)
	}
	doc := resp.doc(t)
	htmlcheck.HasText(t, doc, "p.period", "From 2026-01-01 to 2026-03-31")
	htmlcheck.HasText(t, doc, "p.period", "Compared with 2025-10-01 to 2025-12-31")
	htmlcheck.HasOne(t, doc, "p.ongoing")
	if got := attr(t, doc, "a[rel=prev]", "href"); got != "/staff/stats?quarter=2025-Q4&lang=en" {
		t.Errorf("previous quarter links to %q", got)
	}
	htmlcheck.HasNone(t, doc, "a[rel=next]")
	if got := attr(t, doc, "input#quarter", "value"); got != "2026-Q1" {
		t.Errorf("quarter field shows %q", got)
	}
	// Figures are suppressed a quarter at a time, its months beside it, so
	// that no page adds up to what another withholds. This quarter: the 1
	// surrender is "<5", and so are January's 4 legal requests; the month
	// pages show February's 5 legal and 7 leaving, so the quarter's 9
	// legal would give January's 4 away, and it is withheld. Beside the
	// 17 the legal and the surrender then read only as summing to 10.
	// Last quarter: November's 6 and December's "<5" would be told apart
	// by the quarter's 8, so the 8 is withheld, and the totals' change
	// with it. Every request says he is on leave, so the table by
	// situation has one row, November's 6 and December's "<5" in it: the
	// 6 is withheld there to cover the "<5", and with it November's total,
	// which the tables by kind and channel share, and so the 6 legal
	// requests that are all of it.
	tests := []struct {
		table, key, col, want string
	}{
		{"kind", "legal", "n", "hidden"},
		{"kind", "legal", "was", "hidden"},
		{"kind", "legal", "change", ""},
		{"kind", "leave_country", "n", "7"},
		{"kind", "leave_country", "was", "0"},
		{"kind", "leave_country", "change", "new"},
		{"kind", "surrender", "n", "<5"},
		{"kind", "surrender", "was", "<5"},
		{"kind", "other", "n", "0"},
		{"kind", "other", "change", ""},
		{"kind", "total", "n", "17"},
		{"kind", "total", "was", "hidden"},
		{"kind", "total", "change", ""},
		{"channel", "web", "n", "hidden"},
		{"channel", "telegram", "n", "7"},
		{"channel", "telegram", "was", "<5"},
		{"channel", "hotline", "n", "<5"},
		{"channel", "hotline", "was", "0"},
		{"channel", "total", "n", "17"},
		{"channel", "total", "was", "hidden"},
		{"situation", "leave", "n", "17"},
		{"situation", "leave", "was", "hidden"},
		{"situation", "front", "n", "0"},
		{"situation", "total", "n", "17"},
		{"triage", "total", "n", "0"},
		{"open", "total", "n", "25"},
	}
	for _, tt := range tests {
		if got, _ := column(t, doc, tt.table, tt.key, tt.col); got != tt.want {
			t.Errorf("%s %s %s = %q, want %q", tt.table, tt.key, tt.col, got, tt.want)
		}
	}
	if n := count(t, doc, "section#stats-calls tbody tr"); n != 3 {
		t.Errorf("calls in %d rows, want the quarter's 3 months", n)
	}

	doc = ivan.get(t, "/staff/stats?quarter=2025-Q4&lang=en").doc(t)
	htmlcheck.HasNone(t, doc, "p.ongoing")
	if got := attr(t, doc, "a[rel=next]", "href"); got != "/staff/stats?quarter=2026-Q1&lang=en" {
		t.Errorf("next quarter links to %q", got)
	}
	if got, _ := column(t, doc, "kind", "legal", "n"); got != "hidden" {
		t.Errorf("Q4 2025 shows %q legal requests, want them hidden", got)
	}

	// A month beside the one before, from the same quarter's table: March
	// shows February's figures as February's own page does.
	doc = ivan.get(t, "/staff/stats?month=2026-03&lang=en").doc(t)
	feb := ivan.get(t, "/staff/stats?month=2026-02&lang=en").doc(t)
	htmlcheck.HasText(t, feb, "p.ongoing", "Its quarter is not over yet")
	for _, key := range []string{"legal", "leave_country", "surrender", "total"} {
		was, _ := column(t, doc, "kind", key, "was")
		own, _ := column(t, feb, "kind", key, "n")
		if was != own {
			t.Errorf("February's %s reads %q beside March and %q on its own page", key, was, own)
		}
	}
	if got, _ := column(t, doc, "kind", "legal", "change"); got != "−100%" {
		t.Errorf("legal requests in March against February changed by %q, want −100%%", got)
	}

	for _, q := range []string{"2026-Q5", "2026Q1", "2026-03"} {
		resp := ivan.get(t, "/staff/stats?quarter="+q)
		if resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("GET ?quarter=%s = %d, want 422", q, resp.status)
		}
		doc := resp.doc(t)
		htmlcheck.HasOne(t, doc, "p.error")
		htmlcheck.HasNone(t, doc, "table.counts")
		if got := attr(t, doc, "input#quarter", "value"); got != q {
			t.Errorf("quarter shows %q, want %q as typed", got, q)
		}
	}
}

// The month the page opens on is the organization's: at 12:00 UTC on 31
// March it is already April at UTC+14.
func TestStatsMonthOnOrganizationCalendar(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	late := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC).Sub(ts.clock.now)
	ts.clock.Advance(late)
	ts.deskClock.Advance(late)
	ts.addStaff(t, adminName, tropa.RoleAdmin, false)
	admin := ts.staffBrowser(t, adminName, staffPassword)
	if got := attr(t, admin.get(t, "/staff/stats").doc(t), "input#month", "value"); got != "2026-03" {
		t.Errorf("in UTC the page opens on %q, want 2026-03", got)
	}
	if resp := admin.post(t, "/staff/settings/zone", url.Values{"zone": {"Pacific/Kiritimati"}}); resp.status != http.StatusOK {
		t.Fatalf("setting the zone = %d", resp.status)
	}
	doc := admin.get(t, "/staff/stats").doc(t)
	if got := attr(t, doc, "input#month", "value"); got != "2026-04" {
		t.Errorf("at UTC+14 the page opens on %q, want 2026-04", got)
	}
	if got := attr(t, doc, "input#quarter", "value"); got != "2026-Q2" {
		t.Errorf("at UTC+14 the quarter field shows %q, want 2026-Q2", got)
	}
	htmlcheck.HasText(t, doc, "p.period", "2026-04-01")
	htmlcheck.HasNone(t, doc, "a[rel=next]")
}
