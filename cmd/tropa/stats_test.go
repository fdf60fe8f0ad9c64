package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/internal/htmlcheck"
)

// statsData puts requests in through the desk on chosen days: the third
// quarter of 2025 and the quarter before it. hand is the count by hand,
// by table, row key and period, month and quarter: 2025-08, 2025-Q3.
func statsData(t *testing.T, dir string) map[[3]string]int {
	t.Helper()
	var at time.Time
	noURL := ""
	d, db, err := openDesk(t.Context(), database{dir: &dir, url: &noURL}, 1, desk.Config{Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hand := map[[3]string]int{}
	put := func(day string, n int, kind tropa.Kind, ch tropa.Channel, sit tropa.Situation) {
		if at, err = time.Parse(time.DateOnly, day); err != nil {
			t.Fatal(err)
		}
		at = at.Add(13 * time.Hour)
		for range n {
			if _, err := d.Submit(t.Context(), tropa.Submission{Kind: kind, Situation: sit, Channel: ch,
				Message: "Ранен, лежу в госпитале. Как быть дальше?"}); err != nil {
				t.Fatalf("Submit: %v", err)
			}
		}
		for _, when := range []string{at.Format("2006-01"), fmt.Sprintf("%d-Q%d", at.Year(), (at.Month()+2)/3)} {
			hand[[3]string{"kind", string(kind), when}] += n
			hand[[3]string{"kind", "total", when}] += n
			hand[[3]string{"channel", string(ch), when}] += n
			hand[[3]string{"channel", "total", when}] += n
			hand[[3]string{"situation", string(sit), when}] += n
			hand[[3]string{"situation", "total", when}] += n
		}
	}
	put("2025-04-10", 9, tropa.KindLegal, tropa.ChannelWeb, tropa.SituationHospital)
	put("2025-05-31", 6, tropa.KindSurrender, tropa.ChannelTelegram, tropa.SituationFront)
	put("2025-07-01", 6, tropa.KindLegal, tropa.ChannelWeb, tropa.SituationHospital)
	put("2025-07-31", 1, tropa.KindSurrender, tropa.ChannelTelegram, tropa.SituationFront)
	put("2025-08-15", 8, tropa.KindLegal, tropa.ChannelWeb, tropa.SituationAbsent)
	put("2025-08-16", 7, tropa.KindSurrender, tropa.ChannelWeb, tropa.SituationFront)
	put("2025-09-30", 12, tropa.KindLegal, tropa.ChannelHotline, tropa.SituationAbsent)
	return hand
}

// The quarter's figures read the same on the page, in its CSV and JSON,
// and from tropa stats, and every one is the count by hand or what
// stands for it: "<5" for a count from 1 to 4, "hidden" for one withheld
// beside it.
func TestStatsAgreeWithHandCount(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustRun(t, "", "init", "--data", dir)
	const password = "analyst password 8c3d"
	code := enrolCodeIn(t, mustRun(t, password+"\n", "user", "add", "--data", dir, "--name", "ivan", "--role", "analyst",
		"--password-stdin"))
	hand := statsData(t, dir)

	srv := startServer(t, dir)
	ivan := newClient(t)
	ivan.firstLogin(t, srv.url, "ivan", password, code)
	// A range's figures by hand are its months' added up.
	months := maps.Clone(hand)
	for _, r := range [][3]string{{"2025-05", "2025-08", "2025-05-01..2025-08-31"}, {"2025-01", "2025-04", "2025-01-01..2025-04-30"}} {
		for key, n := range months {
			if len(key[2]) == len("2025-05") && key[2] >= r[0] && key[2] <= r[1] {
				hand[[3]string{key[0], key[1], r[2]}] += n
			}
		}
	}
	for _, view := range []struct{ query, from, to, now, before string }{
		{"?quarter=2025-Q3&lang=en", "2025-07", "2025-09", "2025-Q3", "2025-Q2"},
		{"?month=2025-08&lang=en", "2025-08", "2025-08", "2025-08", "2025-07"},
		{"?from=2025-05&to=2025-08&lang=en", "2025-05", "2025-08", "2025-05-01..2025-08-31", "2025-01-01..2025-04-30"},
	} {
		t.Run(view.now, func(t *testing.T) {
			statsAgree(t, ivan, srv.url, dir, view.query, view.from, view.to, [2]string{view.now, view.before}, hand)
		})
	}
}

// statsAgree compares the page, its CSV and JSON, and tropa stats for one
// period, against the count by hand.
func statsAgree(t *testing.T, ivan *client, site, dir, query, from, to string, periods [2]string, hand map[[3]string]int) {
	t.Helper()
	page := ivan.get(site + "staff/stats" + query)
	webCSV := ivan.download(site + "staff/stats.csv" + query)
	webJSON := ivan.download(site + "staff/stats.json" + query)
	cliCSV := mustRun(t, "", "stats", "--data", dir, "--from", from, "--to", to, "--format", "csv")
	cliJSON := mustRun(t, "", "stats", "--data", dir, "--from", from, "--to", to, "--format", "json")
	if cliCSV != string(webCSV) {
		t.Errorf("tropa stats --format csv:\n%s\nGET /staff/stats.csv:\n%s", cliCSV, webCSV)
	}
	if cliJSON != string(webJSON) {
		t.Errorf("tropa stats --format json:\n%s\nGET /staff/stats.json:\n%s", cliJSON, webJSON)
	}

	rows, err := csv.NewReader(bytes.NewReader(webCSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "table,key,label,this_period,period_before,change,year_before,year_change" {
		t.Errorf("CSV header %q", got)
	}
	rule := rows[len(rows)-1]
	if rule[0] != "rule" || rule[1] != "threshold=5;complementary;suppressed_by=quarter" || rule[3] != periods[0] ||
		rule[4] != periods[1] || !strings.Contains(rule[2], `"<5"`) {
		t.Errorf("CSV rule row %q", rule)
	}
	seen := 0
	for _, r := range rows[1 : len(rows)-1] {
		table, key := r[0], r[1]
		now := htmlcheck.HasOne(t, page, "section#stats-"+table+` tr[data-key="`+key+`"] td.n`)
		if got := htmlcheck.Text(now); got != r[3] {
			t.Errorf("%s: %s %s: page shows %q, CSV %q", query, table, key, got, r[3])
		}
		if was := htmlcheck.MustQuery(t, page, "section#stats-"+table+` tr[data-key="`+key+`"] td.was`); len(was) == 1 &&
			htmlcheck.Text(was[0]) != r[4] {
			t.Errorf("%s: %s %s before: page shows %q, CSV %q", query, table, key, htmlcheck.Text(was[0]), r[4])
		}
		if table != "kind" && table != "channel" && table != "situation" {
			continue
		}
		for i, when := range periods {
			want := hand[[3]string{table, key, when}]
			if got := r[3+i]; !stands(got, want) {
				t.Errorf("%s %s in %s: %q published, %d by hand", table, key, when, got, want)
			}
		}
		seen++
	}
	if want := len(tropa.Kinds) + len(tropa.Channels) + len(tropa.Situations) + 3; seen != want {
		t.Errorf("%d rows of kinds, channels and situations in the CSV, want %d", seen, want)
	}
	bySituation := mustRun(t, "", "stats", "--data", dir, "--from", from, "--to", to, "--by", "situation", "--format", "csv")
	var want []string
	for _, line := range strings.SplitAfter(string(webCSV), "\n") {
		if strings.HasPrefix(line, "table,") || strings.HasPrefix(line, "situation,") || strings.HasPrefix(line, "rule,") {
			want = append(want, line)
		}
	}
	if bySituation != strings.Join(want, "") {
		t.Errorf("tropa stats --by situation:\n%s\nwant the page's table by situation:\n%s", bySituation, strings.Join(want, ""))
	}
	// A range adds July's one to others: it reads hidden there.
	if !strings.Contains(query, "from=") && !strings.Contains(string(webCSV), ",<5,") {
		t.Errorf("CSV has no \"<5\" for the one request by Telegram in July:\n%s", webCSV)
	}
}

// stands reports whether published is what the page publishes for a count
// of n: n itself, "<5" for 1 to 4, or "hidden" for one of 5 or more
// withheld beside a "<5".
func stands(published string, n int) bool {
	switch {
	case published == "<5":
		return n >= 1 && n < 5
	case published == "hidden":
		return n >= 5
	}
	return published == strconv.Itoa(n)
}

// A series month by month or quarter by quarter gives each period the
// total of requests the page of that period shows.
func TestStatsSeries(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustRun(t, "", "init", "--data", dir)
	statsData(t, dir)
	months := mustRun(t, "", "stats", "--data", dir, "--by", "month", "--from", "2025-04", "--to", "2025-09", "--format", "csv")
	for m, hand := range map[string]string{"2025-04": "9", "2025-05": "6", "2025-06": "0"} {
		if !strings.Contains(months, "month,"+m+","+m+","+hand+",0,") {
			t.Errorf("%s: want %s requests against 0 six months before:\n%s", m, hand, months)
		}
	}
	for _, m := range []string{"2025-07", "2025-08", "2025-09"} {
		page := mustRun(t, "", "stats", "--data", dir, "--by", "kind", "--from", m, "--to", m, "--format", "csv")
		total := page[strings.Index(page, "kind,total,Total,"):]
		now := strings.Split(total, ",")[3]
		if !strings.Contains(months, "month,"+m+","+m+","+now+",") {
			t.Errorf("%s: the page shows %s requests; the series:\n%s", m, now, months)
		}
	}
	quarters := mustRun(t, "", "stats", "--data", dir, "--by", "quarter", "--from", "2025-04", "--to", "2025-09",
		"--compare", "year", "--lang", "ru")
	for _, want := range []string{"Полученные обращения по кварталам", "2025-Q2", "15", "2025-Q3", "скрыто", "Безопасно для публикации"} {
		if !strings.Contains(quarters, want) {
			t.Errorf("tropa stats --by quarter --lang ru lacks %q:\n%s", want, quarters)
		}
	}
}

// Flags tropa stats cannot read are refused in the language asked for,
// saying what it wants.
func TestStatsRefusesBadFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustRun(t, "", "init", "--data", dir)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--from", "2025-7"}, "--from: укажите месяц как год и месяц"},
		{[]string{"--to", "2025-Q3"}, "--to: укажите месяц"},
		{[]string{"--from", "2025-09", "--to", "2025-08"}, "--from не может быть позже --to"},
		{[]string{"--from", "2023-06", "--to", "2025-06", "--by", "channel"}, "не больше 24 месяцев, а в этом их 25"},
		{[]string{"--from", "2025-05", "--to", "2025-09", "--by", "quarter"}, "первым месяцем квартала"},
		{[]string{"--by", "place"}, "--by: выберите одно из month"},
		{[]string{"--by", "month", "--from", "2000-01", "--to", "2025-12"}, "не больше десяти лет"},
		{[]string{"--compare", "decade"}, "«previous»"},
		{[]string{"--format", "xml"}, "--format: выберите table, csv или json"},
	}
	for _, tt := range tests {
		var out strings.Builder
		args := append([]string{"stats", "--data", dir, "--lang", "ru"}, tt.args...)
		err := run(t.Context(), args, noEnv, strings.NewReader(""), &out, &out)
		if err == nil || !strings.Contains(errorText(err), tt.want) {
			t.Errorf("tropa %s: %v, want %q", strings.Join(args, " "), err, tt.want)
		}
	}
}

// A table of a range of months compares it with the months before or,
// with --compare year, with the same months a year before.
func TestStatsRangeTables(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustRun(t, "", "init", "--data", dir)
	statsData(t, dir)
	for _, tt := range []struct {
		compare, before, total string
	}{
		// The third quarter's 26 legal against April's 9, or against none
		// a year before. The total is withheld with the third quarter's,
		// beside July's "<5", and so is the surrender the quarter adds.
		{"previous", "2024-11-01..2025-04-30", "kind,legal,Legal question,26,9,+189%,,"},
		{"previous", "2024-11-01..2025-04-30", "kind,total,Total,hidden,9,,,"},
		{"previous", "2024-11-01..2025-04-30", "kind,surrender,Surrender safely,hidden,0,,,"},
		{"year", "2024-05-01..2024-10-31", "kind,legal,Legal question,26,0,new,,"},
	} {
		out := mustRun(t, "", "stats", "--data", dir, "--from", "2025-05", "--to", "2025-10", "--by", "kind",
			"--compare", tt.compare, "--format", "csv")
		if !strings.Contains(out, tt.total+"\n") || !strings.Contains(out, ",2025-05-01..2025-10-31,"+tt.before+",") {
			t.Errorf("tropa stats --from 2025-05 --to 2025-10 --compare %s: want %q against %s:\n%s", tt.compare, tt.total, tt.before, out)
		}
	}
}
