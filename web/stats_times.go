package web

import (
	"strconv"

	"tropa"
	"tropa/stats"
)

// timesTable is the median days from request to first reply and to
// outcome in the period and the one before. A median stands for at least
// the threshold's requests, or it reads "too few to say": the median of
// three is one man's wait.
func timesTable(p *page, rule stats.Rule, figures [][3]monthFigures, now, was, ago span) countTable {
	t := countTable{ID: "times", Title: p.T("StatsTimes"), Hint: p.T("StatsTimesHint", "Threshold", rule.Threshold), Compare: true,
		Year: ago != nil}
	median := func(byDays map[int]int) shownFigure {
		m, ok := rule.Median(byDays)
		if !ok {
			return shownFigure{Value: p.T("StatsTooFew"), Class: "withheld"}
		}
		return shownFigure{Value: strconv.FormatFloat(m, 'f', -1, 64)}
	}
	for _, row := range []struct {
		key string
		get func(tropa.ReplyTimes) map[int]int
	}{
		{"reply", func(t tropa.ReplyTimes) map[int]int { return t.FirstReply }},
		{"outcome", func(t tropa.ReplyTimes) map[int]int { return t.Outcome }},
	} {
		r := countRow{Key: row.key, Label: p.T("StatsTimes_" + row.key),
			Now: median(row.get(now.times(figures))), Before: median(row.get(was.times(figures)))}
		if ago != nil {
			r.Year = median(row.get(ago.times(figures)))
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}
