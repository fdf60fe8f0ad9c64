package web

import (
	"html/template"
	"strconv"
	"time"

	"tropa/stats"
)

// statsChart is the chart of requests received month by month over the
// period shown, the period before beside it, and the same figures as a
// table for a reader who cannot see the picture.
type statsChart struct {
	SVG  template.HTML
	Rows []countRow
}

// requestsChart draws the requests received in each month of period
// against the same month of before: the month totals of the tables of
// requests received (by kind, channel and situation), suppressed together
// as publish suppresses them, so the chart withholds what the tables
// withhold.
func requestsChart(p *page, rule stats.Rule, quarters []stats.Period, received []split, period, before stats.Period) (*statsChart, error) {
	totals := make([][]stats.Figure, len(quarters))
	for q := range quarters {
		grids := make([]stats.Grid, len(received))
		for i, s := range received {
			grids[i] = s.grid(q)
		}
		totals[q] = rule.Publish(grids...)[0].ColTotals
	}
	month := func(first time.Time) (stats.Figure, string) {
		sl := slot{quarter: -1, month: int(first.Month()-1) % 3}
		for q, qp := range quarters {
			if qp == stats.Month(first.Year(), first.Month()).Quarter() {
				sl.quarter = q
			}
		}
		return totals[sl.quarter][sl.month], p.T("StatsChartMonth"+strconv.Itoa(int(first.Month()))) + " " + strconv.Itoa(first.Year())
	}
	c := stats.Chart{ID: "chart-received", Title: p.T("StatsChartReceived"), NowName: p.T("StatsThisPeriod"),
		BeforeName: p.T("StatsPeriodBefore"), Withheld: p.T("StatsWithheld"), Compare: true, Threshold: rule.Threshold}
	var rows []countRow
	for i := 0; period.First.AddDate(0, i, 0).Before(period.To()); i++ {
		m := period.First.AddDate(0, i, 0)
		now, label := month(m)
		was, beforeLabel := month(before.First.AddDate(0, i, 0))
		c.Groups = append(c.Groups, stats.ChartGroup{Label: label, BeforeLabel: beforeLabel, Now: now, Before: was})
		rows = append(rows, compared(p, m.Format("2006-01"), p.T("StatsChartAgainst", "Month", label, "Before", beforeLabel), now, was))
	}
	svg, err := c.SVG()
	if err != nil {
		return nil, err
	}
	return &statsChart{SVG: svg, Rows: rows}, nil
}
