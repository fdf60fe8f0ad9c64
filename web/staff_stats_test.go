package web_test

import (
	"context"
	"net/http"
	"testing"

	"golang.org/x/net/html"

	"tropa"
	"tropa/internal/htmlcheck"
)

// figure is what the stats page shows in table for key, and whether it is
// marked as suppressed.
func figure(tb testing.TB, doc *html.Node, table, key string) (string, bool) {
	tb.Helper()
	cell := htmlcheck.HasOne(tb, doc, "section#stats-"+table+` tr[data-key="`+key+`"] td.n`)
	class, _ := htmlcheck.Attr(cell, "class")
	return htmlcheck.Text(cell), class == "n suppressed"
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

	resp := ivan.get(t, "/staff/stats")
	if resp.status != http.StatusOK {
		t.Fatalf("GET /staff/stats = %d", resp.status)
	}
	doc := resp.doc(t)
	if got := attr(t, doc, "input#month", "value"); got != "2026-03" {
		t.Errorf("month shown %q, want the server's current month 2026-03", got)
	}
	tests := []struct {
		table, key, want string
		suppressed       bool
	}{
		{"kind", "legal", "5", false},
		{"kind", "surrender", "<5", true},
		{"kind", "other", "0", false},
		{"channel", "web", "5", false},
		{"channel", "telegram", "<5", true},
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
	if n := count(t, doc, "section#stats-kind tr"); n != len(tropa.Kinds) {
		t.Errorf("%d kinds, want %d", n, len(tropa.Kinds))
	}
	// Nothing on the page adds the cells up: a total would give a
	// suppressed one away.
	htmlcheck.HasNone(t, doc, "table.counts tfoot")
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
