package main

import (
	"context"
	"errors"
	"flag"
	"io"

	"tropa"
	"tropa/desk"
	"tropa/locale"
	"tropa/stats"
	"tropa/web"
)

// statsTable is the table of the figures page --by names, "" for all of
// them; false for month and quarter, which are series, and for a name
// tropa stats does not know.
func statsTable(by string) (string, bool) {
	id, ok := map[string]string{
		"all": "", "kind": "kind", "channel": "channel", "situation": "situation", "decision": "triage", "stage": "open", "outcome": "closed",
		"stays": "stays", "meetings": "meetings", "legal": "decisions", "calls": "calls", "times": "times",
	}[by]
	return id, ok
}

// statsWriter writes an export as --format names it.
func statsWriter(format string) (func(web.StatsExport, io.Writer) error, bool) {
	w, ok := map[string]func(web.StatsExport, io.Writer) error{
		"table": web.StatsExport.WriteText, "csv": web.StatsExport.WriteCSV, "json": web.StatsExport.WriteJSON,
	}[format]
	return w, ok
}

// stats prints the figures page's tables, publish-safe, from the database
// alone: they are counted from columns kept in clear, so no staff key is
// asked for.
func (e *cmdEnv) stats(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	at := addDatabaseFlags(fs, "data directory")
	from := fs.String("from", "", "first month, such as 2023-06 (default: --to)")
	to := fs.String("to", "", "last month, such as 2023-11 (default: this month on the organization's calendar)")
	by := fs.String("by", "all", "month or quarter (requests received in each), or one table: "+
		"kind, channel, situation, decision, stage, outcome, stays, meetings, legal, calls, times (median days to first reply and to outcome); all for every table")
	compare := fs.String("compare", "previous", "previous (the period of equal length before) or year (the same period a year before)")
	format := fs.String("format", "table", "table, csv or json")
	lang := fs.String("lang", "", "language of labels and errors: en, ru or uk (default: from LANG, else en)")
	series := fs.String("series", "", "a published series (tropa series list) to add beside ours, month by month")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	*lang = e.language(*lang)
	if !locale.Speaks(*lang) {
		return errors.New("--lang: choose en, ru or uk")
	}
	err := e.printStats(ctx, at, statsFlags{from: *from, to: *to, by: *by, compare: *compare, format: *format, lang: *lang, series: *series})
	if err == nil {
		return nil
	}
	cat, cerr := locale.New(*lang)
	if cerr != nil {
		return err
	}
	return explained(cat, err)
}

type statsFlags struct {
	from, to, by, compare, format, lang string
	series                              string
}

func (e *cmdEnv) printStats(ctx context.Context, at database, f statsFlags) error {
	write, ok := statsWriter(f.format)
	if !ok {
		return tropa.UserError(tropa.EINVALID, "ErrStatsFormatInvalid", nil)
	}
	table, ok := statsTable(f.by)
	if !ok && f.by != "month" && f.by != "quarter" {
		return tropa.UserError(tropa.EINVALID, "ErrStatsByInvalid", nil)
	}
	d, db, err := openDesk(ctx, at, 1, desk.Config{})
	if err != nil {
		return err
	}
	defer db.Close()
	first, last, err := e.statsMonths(ctx, d, f.from, f.to)
	if err != nil {
		return err
	}
	// A series compares each of its periods; refuse a comparison it
	// would not know before counting any.
	if _, err := web.CompareWith(last, f.compare); err != nil {
		return err
	}
	vocab, err := d.Vocabulary(ctx)
	if err != nil {
		return err
	}
	policy, err := d.FiguresPolicy(ctx)
	if err != nil {
		return err
	}
	report, err := web.NewStatsReport(web.StatsSource{Month: d.LocalFigures, Open: d.LocalOpenCases, Before: d.LocalReceivedBefore},
		vocab, policy, f.lang)
	if err != nil {
		return err
	}
	var out web.StatsExport
	switch f.by {
	case "month", "quarter":
		out, err = statsSeries(ctx, report, f.by, first, last, f.compare)
	default:
		out, err = statsPage(ctx, report, first, last, f.compare, table)
	}
	if err != nil {
		return err
	}
	if f.series != "" {
		se, err := d.LocalSeries(ctx, f.series)
		if err != nil {
			return err
		}
		if out, err = report.WithSeries(out, se); err != nil {
			return err
		}
	}
	return write(out, e.stdout)
}

// statsMonths reads --from and --to as the first and last month.
func (e *cmdEnv) statsMonths(ctx context.Context, d *desk.Desk, from, to string) (first, last stats.Period, err error) {
	month := func(flag, s string) (stats.Period, error) {
		p, err := stats.ParsePeriod(s)
		if err != nil || p.Grain != stats.GrainMonth {
			return stats.Period{}, tropa.UserError(tropa.EINVALID, "ErrStatsMonthFlag", map[string]any{"Flag": flag})
		}
		return p, nil
	}
	if to == "" {
		loc, err := d.OrganizationLocation(ctx)
		if err != nil {
			return first, last, err
		}
		last = stats.Current(stats.GrainMonth, e.clock()(), loc)
	} else if last, err = month("to", to); err != nil {
		return first, last, err
	}
	first = last
	if from != "" {
		if first, err = month("from", from); err != nil {
			return first, last, err
		}
	}
	if first.First.After(last.First) {
		return first, last, tropa.UserError(tropa.EINVALID, "ErrStatsRangeOrder", nil)
	}
	// No longer than any range the figures take: ten years.
	if _, err := stats.Range(first.First, last.Last); err != nil {
		return first, last, tropa.UserError(tropa.EINVALID, "ErrStatsSpanTooLong", nil)
	}
	return first, last, nil
}

// statsPage is the page's tables for the whole months from first to last:
// a month, a quarter or a range, as the page shows them.
func statsPage(ctx context.Context, r *web.StatsReport, first, last stats.Period, compare, table string) (web.StatsExport, error) {
	period, err := stats.Months(first.First, last.First)
	if err != nil {
		return web.StatsExport{}, err
	}
	before, err := web.CompareWith(period, compare)
	if err != nil {
		return web.StatsExport{}, err
	}
	return r.Tables(ctx, period, before, table)
}

// statsSeries is the requests received in each month or quarter from
// first to last, each against the one as many months before as the span
// has, or a year before.
func statsSeries(ctx context.Context, r *web.StatsReport, by string, first, last stats.Period, compare string) (web.StatsExport, error) {
	var periods []stats.Period
	for m := first; !m.First.After(last.First); m = m.Next() {
		periods = append(periods, m)
	}
	if by == "quarter" {
		if first.First != first.Quarter().First || last.Last != last.Quarter().Last {
			return web.StatsExport{}, tropa.UserError(tropa.EINVALID, "ErrStatsQuarterRange", nil)
		}
		var quarters []stats.Period
		for i := 0; i < len(periods); i += 3 {
			quarters = append(quarters, periods[i].Quarter())
		}
		periods = quarters
	}
	span := len(periods) * 3
	if by == "month" {
		span = len(periods)
	}
	return r.Series(ctx, periods, func(p stats.Period) stats.Period {
		if compare == "year" {
			return p.YearBefore()
		}
		back := p.First.AddDate(0, -span, 0)
		if p.Grain == stats.GrainQuarter {
			return stats.Quarter(back.Year(), (int(back.Month())-1)/3+1)
		}
		return stats.Month(back.Year(), back.Month())
	})
}
