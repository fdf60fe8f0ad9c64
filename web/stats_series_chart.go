package web

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/stats"
)

// seriesChart is a published series drawn over the months of the
// requests chart, with its name and source under it and the same figures
// as a table.
type seriesChart struct {
	statsChart
	Name, Source string
	// CSV and JSON export the page's tables with the series.
	CSV, JSON string
}

// seriesChoice is what the figures page offers to chart beside its
// requests: every series kept, the one chosen (or ""), and the query that
// keeps the period shown while another is chosen.
type seriesChoice struct {
	Names  []string
	Chosen string
	Keep   url.Values
	Chart  *seriesChart
}

// seriesBeside is the choice of series on the figures page and, for
// ?series=NAME, its chart over period against before. A name no series
// has is refused with a message for the page, the rest of which stands.
func (s *Server) seriesBeside(ctx context.Context, sess *desk.Session, p *page, query url.Values,
	period, before stats.Period) (seriesChoice, error) {
	list, err := s.Desk.ListSeries(ctx, sess)
	if err != nil {
		return seriesChoice{}, err
	}
	c := seriesChoice{Chosen: query.Get("series"), Keep: url.Values{}}
	for k, v := range query {
		if k != "series" && k != "lang" {
			c.Keep[k] = v
		}
	}
	for i := range list {
		c.Names = append(c.Names, list[i].Name)
		if list[i].Name == c.Chosen {
			c.Chart, err = seriesChartOf(p, &list[i], period, before)
			if err != nil {
				return seriesChoice{}, err
			}
		}
	}
	if c.Chosen != "" && c.Chart == nil {
		return c, tropa.UserError(tropa.ENOTFOUND, "ErrSeriesUnknown", map[string]any{"Name": c.Chosen})
	}
	return c, nil
}

// seriesChartOf draws se month by month over period, each month beside the
// same month of before, as the requests chart draws ours: its own axis,
// month names in the page's language, a marked gap for a month the series
// has no figure for. Its figures are published as they are.
func seriesChartOf(p *page, se *tropa.Series, period, before stats.Period) (*seriesChart, error) {
	c := stats.Chart{ID: "chart-series", Title: se.Name, NowName: p.T("StatsThisPeriod"), BeforeName: p.T("StatsPeriodBefore"),
		Withheld: p.T("SeriesNoFigure"), Compare: true, Source: p.T("SeriesChartSource", "Source", se.Source)}
	var rows []countRow
	c.Groups, rows = seriesMonths(p, se, period, before)
	svg, err := c.SVG()
	if err != nil {
		return nil, err
	}
	return &seriesChart{statsChart: statsChart{SVG: svg, Rows: rows}, Name: se.Name, Source: se.Source}, nil
}

// seriesMonths are se's figures in each month of period beside the same
// month of before, as groups of a chart and as rows of a table.
func seriesMonths(p *page, se *tropa.Series, period, before stats.Period) ([]stats.ChartGroup, []countRow) {
	values := map[time.Time]int64{}
	for _, v := range se.Values {
		values[v.Month] = v.Value
	}
	month := func(t time.Time) (stats.Figure, shownFigure, string) {
		label := p.T("StatsChartMonth"+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
		v, ok := values[tropa.SeriesMonth(t)]
		if !ok {
			return stats.Absent(), shownFigure{Value: p.T("SeriesNoFigure"), Class: "absent"}, label
		}
		return stats.Exact(int(v)), shownFigure{Value: strconv.FormatInt(v, 10)}, label
	}
	var groups []stats.ChartGroup
	var rows []countRow
	for i := 0; period.First.AddDate(0, i, 0).Before(period.To()); i++ {
		m := period.First.AddDate(0, i, 0)
		now, nowShown, label := month(m)
		was, wasShown, beforeLabel := month(before.First.AddDate(0, i, 0))
		groups = append(groups, stats.ChartGroup{Label: label, BeforeLabel: beforeLabel, Now: now, Before: was})
		row := countRow{Key: m.Format("2006-01"), Label: p.T("StatsChartAgainst", "Month", label, "Before", beforeLabel),
			Now: nowShown, Before: wasShown}
		row.Change, row.Trend = changeText(p, now, was)
		rows = append(rows, row)
	}
	return groups, rows
}

// seriesTable is se as a table of an export, month by month over period
// against before, its last row saying where it was published and that its
// figures are others', published as they are.
func seriesTable(p *page, se *tropa.Series, period, before stats.Period) countTable {
	_, rows := seriesMonths(p, se, period, before)
	note := p.T("SeriesExportNote", "Source", se.Source)
	return countTable{ID: "series", Title: se.Name, Hint: note, Compare: true,
		Rows: append(rows, countRow{Key: "source", Label: note})}
}
