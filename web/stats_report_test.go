package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/stats"
	"tropa/web"
)

// A table for a terminal has the year before beside the period before,
// counted from the months alone: each month is asked for once, and what
// the organization had received before the year before's first day once.
func TestStatsReportYearBefore(t *testing.T) {
	t.Parallel()
	// 30 legal requests a month from March 2024 on.
	asked := map[string]int{}
	count := func(_ context.Context, p stats.Period) (desk.Figures, error) {
		asked[p.String()]++
		c := &tropa.Counts{ReceivedByKind: map[tropa.Kind]int{}, ReceivedByChannel: map[tropa.Channel]int{}}
		for m := p.First; !m.After(p.Last); m = m.AddDate(0, 1, 0) {
			if !m.Before(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) {
				c.ReceivedByKind[tropa.KindLegal] += 30
				c.ReceivedByChannel[tropa.ChannelWeb] += 30
			}
		}
		return desk.Figures{Counts: c}, nil
	}
	none := func(context.Context) (map[tropa.Stage]int, error) { return map[tropa.Stage]int{}, nil }
	before := func(_ context.Context, day time.Time) (bool, error) {
		asked["before "+day.Format(time.DateOnly)]++
		return day.After(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)), nil
	}
	r, err := web.NewStatsReport(web.StatsSource{Month: count, Open: none, Before: before}, tropa.DefaultVocabulary(),
		desk.FiguresPolicy{Threshold: stats.DefaultThreshold}, "en")
	if err != nil {
		t.Fatal(err)
	}
	period, err := stats.Months(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Tables(t.Context(), period, period.Previous(), "kind")
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := e.WriteText(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"And with 2024-06-01 to 2024-11-30, a year before.", "A year before",
		"Legal question 180 180 no change 180 no change", "Total 180 180 no change 180 no change"} {
		if !strings.Contains(strings.Join(strings.Fields(out.String()), " "), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}
	for p, n := range asked {
		if n > 1 {
			t.Errorf("%s counted %d times", p, n)
		}
	}
	if asked["before 2024-06-01"] != 1 {
		t.Errorf("what came before the year before's first day was not asked for: %v", asked)
	}
}
