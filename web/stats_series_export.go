package web

import (
	"time"

	"tropa"
	"tropa/stats"
)

// addSeries adds se to an export of period against before by rule, as a
// table of its own after ours: the same months, its figures as published.
func addSeries(p *page, rule stats.Rule, e *StatsExport, se *tropa.Series, period, before stats.Period) {
	e.Tables = append(e.Tables, newStatsExport(p, rule, period, before, []countTable{seriesTable(p, se, period, before)}).Tables...)
}

// WithSeries adds se to an export the report made, over the months it
// covers against those it is compared with.
func (r *StatsReport) WithSeries(e StatsExport, se *tropa.Series) (StatsExport, error) {
	days := func(first, last string) (stats.Period, error) {
		f, err1 := time.Parse(time.DateOnly, first)
		l, err2 := time.Parse(time.DateOnly, last)
		if err1 != nil || err2 != nil {
			return stats.Period{}, tropa.Errorf(tropa.EINTERNAL, "export of %s..%s", first, last)
		}
		return stats.Range(f, l)
	}
	period, err := days(e.First, e.Last)
	if err != nil {
		return e, err
	}
	before, err := days(e.ComparedWith.First, e.ComparedWith.Last)
	if err != nil {
		return e, err
	}
	addSeries(r.p, r.rule, &e, se, period, before)
	return e, nil
}
