package stats

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"tropa"
)

// Grain is how a period was chosen: a calendar month, a calendar quarter,
// or any run of days.
type Grain string

const (
	GrainMonth   Grain = "month"
	GrainQuarter Grain = "quarter"
	GrainRange   Grain = "range"
)

// Period is a run of whole calendar days, First to Last inclusive, each a
// date held as the start of the UTC day of that name. Days are the grain
// of every time in clear (tropa.Day), so a period counts the days of its
// dates; which period is "now" is read on the organization's calendar.
type Period struct {
	Grain       Grain
	First, Last time.Time
}

// MaxDays bounds a range of days: ten years is more than any comparison
// the organization publishes.
const MaxDays = 3660

// Month is the calendar month m of year y.
func Month(y int, m time.Month) Period {
	first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	return Period{Grain: GrainMonth, First: first, Last: first.AddDate(0, 1, -1)}
}

// Quarter is the calendar quarter q (1 to 4) of year y.
func Quarter(y, q int) Period {
	first := time.Date(y, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, time.UTC)
	return Period{Grain: GrainQuarter, First: first, Last: first.AddDate(0, 3, -1)}
}

// Range is the days from first to last, both included; only their dates
// count.
func Range(first, last time.Time) (Period, error) {
	p := Period{Grain: GrainRange, First: date(first), Last: date(last)}
	if p.Last.Before(p.First) || p.Days() > MaxDays {
		return Period{}, tropa.UserError(tropa.EINVALID, "ErrPeriodInvalid", nil)
	}
	return p, nil
}

// Today is the date it is at now on the calendar of loc.
func Today(now time.Time, loc *time.Location) time.Time {
	return date(now.In(loc))
}

// Current is the month or quarter holding the date it is at now in loc: at
// 20:00 UTC on 31 March it is already April in Vladivostok.
func Current(g Grain, now time.Time, loc *time.Location) Period {
	d := Today(now, loc)
	if g == GrainQuarter {
		return Quarter(d.Year(), quarterOf(d.Month()))
	}
	return Month(d.Year(), d.Month())
}

// date is t's calendar date, as read on t's own clock, at the start of the
// UTC day of that name.
func date(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func quarterOf(m time.Month) int { return (int(m)-1)/3 + 1 }

// Quarter is the calendar quarter that holds the period's first day.
func (p Period) Quarter() Period {
	return Quarter(p.First.Year(), quarterOf(p.First.Month()))
}

// Days is how many days the period has.
func (p Period) Days() int {
	return int(p.Last.Sub(p.First)/(24*time.Hour)) + 1
}

// From and To bound the period for a query over day-grain times: a day d
// is in it when From <= d < To.
func (p Period) From() time.Time { return p.First }
func (p Period) To() time.Time   { return p.Last.AddDate(0, 0, 1) }

// Previous is the period of equal length just before: the month before a
// month, the quarter before a quarter, as many whole months before a range
// of whole months, and as many days before any other range.
func (p Period) Previous() Period {
	switch p.Grain {
	case GrainMonth:
		return Month(p.First.AddDate(0, -1, 0).Year(), p.First.AddDate(0, -1, 0).Month())
	case GrainQuarter:
		prev := p.First.AddDate(0, -3, 0)
		return Quarter(prev.Year(), quarterOf(prev.Month()))
	}
	if n, ok := p.months(); ok {
		return Period{Grain: GrainRange, First: p.First.AddDate(0, -n, 0), Last: p.First.AddDate(0, 0, -1)}
	}
	n := p.Days()
	return Period{Grain: GrainRange, First: p.First.AddDate(0, 0, -n), Last: p.First.AddDate(0, 0, -1)}
}

// months is how many whole calendar months a range spans, false unless it
// starts on a first and ends on a last day of a month: September to
// November is then compared with June to August, as the press does,
// though one has a day fewer.
func (p Period) months() (int, bool) {
	if p.First.Day() != 1 || p.To().Day() != 1 {
		return 0, false
	}
	return (p.To().Year()-p.First.Year())*12 + int(p.To().Month()) - int(p.First.Month()), true
}

// Next is the period of equal length just after; Next().Previous() is p.
func (p Period) Next() Period {
	switch p.Grain {
	case GrainMonth:
		return Month(p.To().Year(), p.To().Month())
	case GrainQuarter:
		return Quarter(p.To().Year(), quarterOf(p.To().Month()))
	}
	if n, ok := p.months(); ok {
		return Period{Grain: GrainRange, First: p.To(), Last: p.To().AddDate(0, n, -1)}
	}
	n := p.Days()
	return Period{Grain: GrainRange, First: p.To(), Last: p.Last.AddDate(0, 0, n)}
}

// YearBefore is the same dates a year earlier; 29 February becomes the
// 28th.
func (p Period) YearBefore() Period {
	switch p.Grain {
	case GrainMonth:
		return Month(p.First.Year()-1, p.First.Month())
	case GrainQuarter:
		return Quarter(p.First.Year()-1, quarterOf(p.First.Month()))
	}
	if _, ok := p.months(); ok {
		// Whole months a year before: a February ends on its own last day.
		return Period{Grain: GrainRange, First: p.First.AddDate(-1, 0, 0), Last: p.To().AddDate(-1, 0, -1)}
	}
	return Period{Grain: GrainRange, First: yearBefore(p.First), Last: yearBefore(p.Last)}
}

func yearBefore(d time.Time) time.Time {
	if d.Month() == time.February && d.Day() == 29 {
		d = d.AddDate(0, 0, -1)
	}
	return d.AddDate(-1, 0, 0)
}

// Begun reports whether the period's first day has come on loc's calendar.
func (p Period) Begun(now time.Time, loc *time.Location) bool {
	return !Today(now, loc).Before(p.First)
}

// Over reports whether the period's last day has passed on loc's calendar:
// until then its figures are still growing.
func (p Period) Over(now time.Time, loc *time.Location) bool {
	return Today(now, loc).After(p.Last)
}

const (
	monthLayout = "2006-01"
	dayLayout   = time.DateOnly
	rangeSep    = ".."
)

// String is the period as ParsePeriod reads it: 2026-03, 2026-Q1, or
// 2026-03-01..2026-04-15.
func (p Period) String() string {
	switch p.Grain {
	case GrainMonth:
		return p.First.Format(monthLayout)
	case GrainQuarter:
		return fmt.Sprintf("%04d-Q%d", p.First.Year(), quarterOf(p.First.Month()))
	}
	return p.First.Format(dayLayout) + rangeSep + p.Last.Format(dayLayout)
}

// ParsePeriod reads a period as String writes it.
func ParsePeriod(s string) (Period, error) {
	invalid := tropa.UserError(tropa.EINVALID, "ErrPeriodInvalid", nil)
	if first, last, ok := strings.Cut(s, rangeSep); ok {
		f, err1 := time.Parse(dayLayout, first)
		l, err2 := time.Parse(dayLayout, last)
		if err1 != nil || err2 != nil {
			return Period{}, invalid
		}
		return Range(f, l)
	}
	if y, q, ok := strings.Cut(s, "-Q"); ok {
		year, err1 := strconv.Atoi(y)
		n, err2 := strconv.Atoi(q)
		if err1 != nil || err2 != nil || len(y) != 4 || len(q) != 1 || year < 1 || n < 1 || n > 4 {
			return Period{}, invalid
		}
		return Quarter(year, n), nil
	}
	m, err := time.Parse(monthLayout, s)
	if err != nil {
		return Period{}, invalid
	}
	return Month(m.Year(), m.Month()), nil
}

// MaxMonths bounds a range of months on the figures page: two years, with
// the two years before them to compare, is as far back as a table of
// categories reads well.
const MaxMonths = 24

// Months is the whole calendar months from the month of first to that of
// last, both included: one month is a month, a calendar quarter a quarter,
// any other run a range. Figures are published by whole months only (see
// Sums), so a date inside a month stands for the whole month.
func Months(first, last time.Time) (Period, error) {
	from := Month(first.Year(), first.Month())
	to := Month(last.Year(), last.Month())
	n := (to.First.Year()-from.First.Year())*12 + int(to.First.Month()) - int(from.First.Month()) + 1
	switch {
	case n < 1:
		return Period{}, tropa.UserError(tropa.EINVALID, "ErrRangeReversed", nil)
	case n > MaxMonths:
		return Period{}, tropa.UserError(tropa.EINVALID, "ErrRangeTooLong", map[string]any{"Max": MaxMonths, "Months": n})
	case n == 1:
		return from, nil
	case n == 3 && from.Quarter().First == from.First:
		return from.Quarter(), nil
	}
	return Period{Grain: GrainRange, First: from.First, Last: to.Last}, nil
}

// Parts are the calendar quarters and months, in order, that a period of
// whole months is made of, each quarter whole where it can be: June to
// November is June, the third quarter, October and November. Each part's
// figures are published on a page of its own, so a sum over the period
// adds up published figures (see Sums).
func (p Period) Parts() []Period {
	var parts []Period
	for m := p.First; m.Before(p.To()); {
		q := Month(m.Year(), m.Month()).Quarter()
		if q.First.Equal(m) && !q.Last.After(p.Last) {
			parts = append(parts, q)
			m = q.To()
			continue
		}
		parts = append(parts, Month(m.Year(), m.Month()))
		m = m.AddDate(0, 1, 0)
	}
	return parts
}
