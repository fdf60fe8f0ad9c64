package web_test

import (
	"encoding/csv"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"tropa/internal/htmlcheck"
)

// Five requests on 2 March answered 0, 1, 1, 3 and 6 days on: the median
// day to first reply is 1, by hand, on the page, in the CSV and the JSON.
// Two cases closed are too few to say, and so is February, which had
// none; April, with none yet, too.
func TestStatsMedianTimes(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	_, olenaAgain := ts.enrol(t, caseworkerName, caseworkerPassword)
	_, ivanAgain := ts.enrol(t, analystName, analystPassword)
	replyAfter := []int{0, 1, 1, 3, 6}
	cases := make([]string, len(replyAfter))
	for i := range cases {
		cases[i] = ts.newCase(t, requestForm())
	}
	for day := range 7 {
		// A session lasts no week: she logs in each day.
		olena := ts.loginAgain(t, olenaAgain)
		for i, after := range replyAfter {
			if after == day {
				postCase(t, olena, cases[i], "/reply", url.Values{"message": {"Напишите, когда сможете говорить."}})
			}
		}
		if day == 2 {
			for _, c := range cases[:2] {
				page := postCase(t, olena, c, "/triage", url.Values{"version": {version(t, olena.get(t, c), "triage")},
					"disposition": {"case"}, "urgency": {"normal"}})
				postCase(t, olena, c, "/change", url.Values{"version": {version(t, page, "stage")}, "stage": {"closed"},
					"outcome": {"left_country"}, "urgency": {"normal"}})
			}
		}
		ts.deskClock.Advance(24 * time.Hour)
	}

	ivan := ts.loginAgain(t, ivanAgain)
	doc := ivan.get(t, "/staff/stats?month=2026-03&lang=en").doc(t)
	for _, tt := range []struct{ key, col, want string }{
		{"reply", "n", "1"}, {"reply", "was", "too few to say"},
		{"outcome", "n", "too few to say"}, {"outcome", "was", "too few to say"},
	} {
		if got, _ := column(t, doc, "times", tt.key, tt.col); got != tt.want {
			t.Errorf("March's %s, column %s: %q, want %q", tt.key, tt.col, got, tt.want)
		}
	}
	april := ivan.get(t, "/staff/stats?month=2026-04&lang=en").doc(t)
	if got, _ := column(t, april, "times", "reply", "n"); got != "too few to say" {
		t.Errorf("April, with no replies, reads %q", got)
	}
	if got, _ := column(t, april, "times", "reply", "was"); got != "1" {
		t.Errorf("April's page reads March as %q", got)
	}
	htmlcheck.HasOne(t, doc, "section#stats-times p.hint")

	rows, err := csv.NewReader(strings.NewReader(ivan.get(t, "/staff/stats.csv?month=2026-03&table=times&lang=en").body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || strings.Join(rows[1], "|") != "times|reply|Request to first reply|1|too few to say|||" ||
		strings.Join(rows[2], "|") != "times|outcome|Request to outcome|too few to say|too few to say|||" {
		t.Errorf("CSV of times: %q", rows)
	}
	var got struct {
		Tables []struct {
			Rows []struct {
				Key    string `json:"key"`
				Now    any    `json:"now"`
				Before any    `json:"before"`
			} `json:"rows"`
		} `json:"tables"`
	}
	body := ivan.get(t, "/staff/stats.json?month=2026-03&table=times&lang=en").body
	if err := json.Unmarshal([]byte(body), &got); err != nil || len(got.Tables) != 1 || len(got.Tables[0].Rows) != 2 {
		t.Fatalf("JSON of times (%v):\n%s", err, body)
	}
	if r := got.Tables[0].Rows[0]; r.Key != "reply" || r.Now != 1.0 || r.Before != "too few to say" {
		t.Errorf("JSON's reply row: %+v", r)
	}
}
