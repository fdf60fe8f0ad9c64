package web

import (
	"context"
	"strconv"
	"strings"
	"time"

	"tropa"
	"tropa/stats"
)

// statsRange reads the range's first and last month, each as 2025-06 or
// as a date in it, one standing for both when the other is left empty.
func statsRange(from, to string) (stats.Period, error) {
	month := func(s string) (time.Time, bool) {
		for _, layout := range []string{"2006-01", time.DateOnly} {
			if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
				return t, true
			}
		}
		return time.Time{}, false
	}
	if from == "" {
		from = to
	} else if to == "" {
		to = from
	}
	first, ok1 := month(from)
	last, ok2 := month(to)
	if !ok1 || !ok2 {
		return stats.Period{}, tropa.UserError(tropa.EINVALID, "ErrRangeMonthInvalid", nil)
	}
	return stats.Months(first, last)
}

// periodQuery is the query that shows p on the figures page.
func periodQuery(p stats.Period) string {
	if p.Grain == stats.GrainRange {
		return "from=" + p.First.Format("2006-01") + "&to=" + p.Last.Format("2006-01")
	}
	return string(p.Grain) + "=" + p.String()
}

// monthsName names the months p counts, "Jun 2025 – Nov 2025", in the
// page's language.
func monthsName(pg *page, p stats.Period) string {
	name := func(d time.Time) string {
		return pg.T("StatsChartMonth"+strconv.Itoa(int(d.Month()))) + " " + strconv.Itoa(d.Year())
	}
	if p.Grain == stats.GrainMonth {
		return name(p.First)
	}
	return name(p.First) + " – " + name(p.Last)
}

// yearBefore is the same period a year before, when the page shows it:
// when it is not already the period compared with, and the organization
// had received a request before its first day (received tells). A year
// before the organization began counting, or one it began counting in the
// middle of, would read as a rise that never happened, so the page leaves
// it out (an empty Period, of no parts). Whether there is one says only
// that some month before it has requests, which that month's page says
// anyway; "on or before its first day" would tell whether a request came
// on that very day.
func yearBefore(ctx context.Context, received func(context.Context, time.Time) (bool, error), period, before stats.Period) (stats.Period, error) {
	year := period.YearBefore()
	if year == before {
		return stats.Period{}, nil
	}
	was, err := received(ctx, year.First)
	if err != nil || !was {
		return stats.Period{}, err
	}
	return year, nil
}
