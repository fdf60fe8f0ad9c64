package web

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/stats"
)

// statsData is a month's, a quarter's or a range's figures beside those
// of the period before and the year before, safe to publish: no figure is small enough to point at a
// person, nor can one be worked out from the others.
type statsData struct {
	// Month and Quarter are what the two forms show: the period shown, or
	// as typed when it could not be read; From and To what the range's
	// form shows, likewise.
	Month, Quarter, From, To string
	// First and Last are the period's first and last day; BeforeFirst and
	// BeforeLast the period compared with.
	First, Last, BeforeFirst, BeforeLast string
	// Prev and Next link to the periods around; Next is "" while the
	// period after has not begun.
	Prev, Next string
	// Quarterly says the period is a quarter, not a month; Ranged that it
	// is a range of months, Counted which months, in the page's language.
	Quarterly, Ranged bool
	Counted           string
	// YearFirst and YearLast are the same period a year before, "" when
	// the page has no column for it.
	YearFirst, YearLast string
	// Ongoing says the period is not over, so its figures still grow;
	// QuarterOngoing that its quarter is not, so which of them are
	// withheld may still change.
	Ongoing, QuarterOngoing bool
	// MaxMonths is the most months a range may have.
	MaxMonths int
	// Tables is nil when the period could not be read.
	Tables []countTable
	// CSV and JSON export the tables; add &table= for one.
	CSV, JSON string
	// Exact says the figures are exact, not for publication; ExactLink
	// leads to them where the organization allows it, SafeLink back to
	// the publish-safe figures.
	Exact               bool
	ExactLink, SafeLink string
	// Small is what a count from 1 to SmallMax reads, "<5".
	Small    string
	SmallMax int
	// Series offers a published series to chart beside the requests.
	Series seriesChoice
}

func termKeys[K ~string](ts []tropa.Term) []K {
	keys := make([]K, len(ts))
	for i, t := range ts {
		keys[i] = K(t.Key)
	}
	return keys
}

// statsPeriod is the period asked for, by ?quarter=2026-Q1, ?month=2026-03
// or ?from=2025-06&to=2025-11 (whole months, a date standing for its
// month), else the month it is on the organization's calendar.
func statsPeriod(r *http.Request, now time.Time, loc *time.Location) (stats.Period, statsData, error) {
	q, m := r.URL.Query().Get("quarter"), r.URL.Query().Get("month")
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	switch {
	case from != "" || to != "":
		p, err := statsRange(from, to)
		if err != nil {
			return stats.Period{}, statsData{From: from, To: to}, err
		}
		return p, statsData{From: from, To: to, Month: p.First.Format("2006-01"), Quarter: p.Quarter().String()}, nil
	case q != "":
		p, err := stats.ParsePeriod(q)
		if err != nil || p.Grain != stats.GrainQuarter {
			return stats.Period{}, statsData{Quarter: q}, tropa.UserError(tropa.EINVALID, "ErrQuarterInvalid", nil)
		}
		return p, statsData{Quarter: q}, nil
	case m != "":
		p, err := stats.ParsePeriod(m)
		if err != nil || p.Grain != stats.GrainMonth {
			return stats.Period{}, statsData{Month: m}, tropa.UserError(tropa.EINVALID, "ErrMonthInvalid", nil)
		}
		return p, statsData{Month: m, Quarter: p.Quarter().String()}, nil
	}
	p := stats.Current(stats.GrainMonth, now, loc)
	return p, statsData{Month: p.String(), Quarter: p.Quarter().String()}, nil
}

func (s *Server) statsShow(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if !sess.Staff.Role.Can(tropa.PermStats) {
		return tropa.UserError(tropa.EFORBIDDEN, "ErrRoleForbidden", nil)
	}
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	loc, err := s.Desk.OrganizationLocation(r.Context())
	if err != nil {
		return err
	}
	period, data, err := statsPeriod(r, p.now, loc)
	data.MaxMonths = stats.MaxMonths
	if err != nil {
		p.Error = p.Explain(err)
		p.Data = data
		s.render(w, http.StatusUnprocessableEntity, "stats", p)
		return nil
	}
	policy, err := s.Desk.FiguresPolicy(r.Context())
	if err != nil {
		return err
	}
	rule := policy.Rule()
	data.Small, data.SmallMax = "<"+strconv.Itoa(rule.Threshold), rule.Threshold-1
	// The links to other periods and to exact figures keep the series
	// charted beside ours.
	var series string
	if name := r.URL.Query().Get("series"); name != "" {
		series = "&series=" + url.QueryEscape(name)
	}
	here := "/staff/stats?" + periodQuery(period) + series
	switch {
	case r.URL.Query().Get("exact") != "1":
		if policy.Exact {
			data.ExactLink = p.URL(here + "&exact=1")
		}
	case !policy.Exact:
		// A link kept from when exact figures were allowed: the figures
		// shown are publish-safe, and the page says why.
		p.Notice = p.T("StatsExactOff")
	default:
		if err := s.Desk.ExactFigures(r.Context(), sess, period.String()); err != nil {
			return err
		}
		rule.Exact, data.Exact, data.SafeLink = true, true, p.URL(here)
	}
	before := period.Previous()
	link := func(q stats.Period) string {
		return p.URL("/staff/stats?" + periodQuery(q) + series)
	}
	data.First, data.Last = period.First.Format(time.DateOnly), period.Last.Format(time.DateOnly)
	data.BeforeFirst, data.BeforeLast = before.First.Format(time.DateOnly), before.Last.Format(time.DateOnly)
	data.Prev, data.Ongoing = link(before), !period.Over(p.now, loc)
	data.CSV = p.URL("/staff/stats.csv?" + periodQuery(period))
	data.JSON = p.URL("/staff/stats.json?" + periodQuery(period))
	parts := period.Parts()
	data.QuarterOngoing = !data.Ongoing && !parts[len(parts)-1].Quarter().Over(p.now, loc)
	data.Quarterly, data.Ranged = period.Grain == stats.GrainQuarter, period.Grain == stats.GrainRange
	data.Counted = monthsName(p, period)
	if period.Next().Begun(p.now, loc) {
		data.Next = link(period.Next())
	}
	if data.Tables, err = statsTables(r.Context(), s.staffFigures(sess), p, rule, period, before); err != nil {
		return err
	}
	for _, t := range data.Tables {
		if t.Year {
			year := period.YearBefore()
			data.YearFirst, data.YearLast = year.First.Format(time.DateOnly), year.Last.Format(time.DateOnly)
		}
	}
	if data.Series, err = s.seriesBeside(r.Context(), sess, p, r.URL.Query(), period, before); err != nil {
		if !correctable(err) {
			return err
		}
		p.Error = p.Explain(err)
	}
	if c := data.Series.Chart; c != nil {
		c.CSV, c.JSON = data.CSV+"&series="+url.QueryEscape(c.Name), data.JSON+"&series="+url.QueryEscape(c.Name)
	}
	p.Data = data
	s.render(w, http.StatusOK, "stats", p)
	return nil
}

// staffFigures counts for sess, if its role may read figures.
func (s *Server) staffFigures(sess *desk.Session) StatsSource {
	return StatsSource{
		Month:  func(ctx context.Context, p stats.Period) (desk.Figures, error) { return s.Desk.Figures(ctx, sess, p) },
		Open:   func(ctx context.Context) (map[tropa.Stage]int, error) { return s.Desk.OpenCases(ctx, sess) },
		Before: func(ctx context.Context, t time.Time) (bool, error) { return s.Desk.ReceivedBefore(ctx, sess, t) },
	}
}

// statsTables counts every table of the page, month by month over the
// quarters that hold period, before and the same period a year before,
// from the clear columns the desk counts, and publishes the figures of
// period beside those of before and, when there is one, of the year
// before, by rule.
func statsTables(ctx context.Context, src StatsSource, p *page, rule stats.Rule, period, before stats.Period) ([]countTable, error) {
	year, err := yearBefore(ctx, src.Before, period, before)
	if err != nil {
		return nil, err
	}
	return pageTables(ctx, src, p, rule, period, before, year)
}

// pageTables are statsTables with year, the same period a year before,
// beside them, or none for the zero Period.
func pageTables(ctx context.Context, src StatsSource, p *page, rule stats.Rule, period, before, year stats.Period) ([]countTable, error) {
	var quarters []stats.Period
	for _, x := range []stats.Period{period, before, year} {
		if x == (stats.Period{}) {
			continue
		}
		for _, part := range x.Parts() {
			if !slices.Contains(quarters, part.Quarter()) {
				quarters = append(quarters, part.Quarter())
			}
		}
	}
	figures := make([][3]monthFigures, len(quarters))
	for qi, q := range quarters {
		for m := range 3 {
			var err error
			if figures[qi][m], err = monthFiguresOf(ctx, src.Month, stats.Month(q.First.Year(), q.First.Month()+time.Month(m))); err != nil {
				return nil, err
			}
		}
	}
	at := func(x stats.Period) span {
		var sp span
		if x == (stats.Period{}) {
			return nil
		}
		for _, part := range x.Parts() {
			sl := slot{quarter: slices.Index(quarters, part.Quarter()), month: -1}
			if part.Grain == stats.GrainMonth {
				sl.month = int(part.First.Month()-1) % 3
			}
			sp = append(sp, sl)
		}
		return sp
	}
	now, was, ago := at(period), at(before), at(year)
	v := p.Vocab()
	byKind := newSplit("kind", p.T("StatsByKind"), "", tropa.Kinds,
		func(k tropa.Kind) string { return p.T("StaffKind_" + string(k)) }, figures,
		func(m monthFigures) map[tropa.Kind]int { return m.counts.ReceivedByKind })
	byChannel := newSplit("channel", p.T("StatsByChannel"), "", tropa.Channels,
		func(ch tropa.Channel) string { return p.T("Channel_" + string(ch)) }, figures,
		func(m monthFigures) map[tropa.Channel]int { return m.counts.ReceivedByChannel })
	bySituation := newSplit("situation", p.T("StatsBySituation"), p.T("StatsSituationHint"), tropa.Situations,
		func(st tropa.Situation) string { return situationLabel(p, st) }, figures,
		func(m monthFigures) map[tropa.Situation]int { return m.counts.ReceivedBySituation })
	byKind.link, byChannel.link, bySituation.link = "received", "received", "received"
	stays := newSplit("stays", p.T("StatsStays"), "", []string{"begun", "nights"},
		func(k string) string { return p.T("StatsStays_" + k) }, figures,
		func(m monthFigures) map[string]int {
			return map[string]int{"begun": m.counts.StaysBegun, "nights": m.counts.StayNights}
		})
	stays.total = false
	tables := publish(p, []split{byKind, byChannel, bySituation,
		newSplit("triage", p.T("StatsByDisposition"), p.T("StatsDispositionHint"), tropa.Dispositions,
			func(d tropa.Disposition) string { return p.T("Disposition_" + string(d)) }, figures,
			func(m monthFigures) map[tropa.Disposition]int { return m.counts.Triaged }),
		newSplit("closed", p.T("StatsClosedByOutcome"), "", termKeys[tropa.Outcome](v.Outcomes), p.OutcomeName, figures,
			func(m monthFigures) map[tropa.Outcome]int { return m.counts.ClosedByOutcome }),
		stays,
		newSplit("meetings", p.T("StatsMeetings"), "", slices.DeleteFunc(slices.Clone(tropa.MeetingStates), tropa.MeetingState.Open),
			func(st tropa.MeetingState) string { return p.T("MeetingState_" + string(st)) }, figures,
			func(m monthFigures) map[tropa.MeetingState]int { return m.meetings }),
		newSplit("decisions", p.T("StatsLegalDecisions"), p.T("StatsLegalDecisionsHint"), decisionKeys(),
			func(k string) string {
				proc, dec, _ := strings.Cut(k, "/")
				return p.T("Procedure_"+proc) + ": " + p.T("Decision_"+dec)
			}, figures, func(m monthFigures) map[string]int { return m.decisions }),
	}, rule, len(quarters), now, was, ago)
	var err error
	if tables[0].Chart, err = requestsChart(p, rule, quarters, []split{byKind, byChannel, bySituation}, period, before); err != nil {
		return nil, err
	}
	open, err := src.Open(ctx)
	if err != nil {
		return nil, err
	}
	stages := slices.DeleteFunc(termKeys[tropa.Stage](v.Stages), func(st tropa.Stage) bool {
		return st == tropa.StageClosed && open[st] == 0
	})
	// The page keeps its order: open cases after triage, calls after
	// closed cases.
	tables = slices.Insert(tables, 4, openTable(p, rule, stages, open))
	tables = slices.Insert(tables, 6, callTable(p, rule, quarters, figures, now, was, ago))
	return append(tables, timesTable(p, rule, figures, now, was, ago)), nil
}

// situationLabel names a situation as the request form does; "" is that
// of requests deleted before situations were kept with the figures.
func situationLabel(p *page, st tropa.Situation) string {
	if st == "" {
		return p.T("StatsSituationNotRecorded")
	}
	return p.T("Situation_" + string(st))
}

// StatsSource is where the figures come from: each month's, the cases
// open now, which the page shows once, and whether any request came
// before a day, which decides the year-before column.
type StatsSource struct {
	Month  statsCounter
	Open   func(context.Context) (map[tropa.Stage]int, error)
	Before func(context.Context, time.Time) (bool, error)
}

// statsCounter counts a month's figures: the desk's for a staff session
// that may read them, or the database's for tropa stats.
type statsCounter func(context.Context, stats.Period) (desk.Figures, error)

// monthFiguresOf counts month.
func monthFiguresOf(ctx context.Context, count statsCounter, month stats.Period) (monthFigures, error) {
	got, err := count(ctx, month)
	if err != nil {
		return monthFigures{}, err
	}
	f := monthFigures{counts: got.Counts, meetings: got.Meetings, decisions: map[string]int{}, times: got.Times}
	for _, c := range got.Decisions {
		f.decisions[string(c.Procedure)+"/"+string(c.Decision)] += c.Count
	}
	return f, nil
}

// decisionKeys lists every procedure's decisions, "asylum/granted".
func decisionKeys() []string {
	var keys []string
	for _, proc := range tropa.Procedures {
		for _, dec := range tropa.Decisions[1:] {
			keys = append(keys, string(proc)+"/"+string(dec))
		}
	}
	return keys
}

// openTable is the cases open now by stage: how things stand, with no
// period before.
func openTable(p *page, rule stats.Rule, stages []tropa.Stage, open map[tropa.Stage]int) countTable {
	for _, st := range slices.Sorted(maps.Keys(open)) {
		if !slices.Contains(stages, st) {
			stages = append(stages, st)
		}
	}
	g := stats.Grid{Cells: make([][]int, len(stages)), ColTotals: true}
	for r, st := range stages {
		g.Cells[r] = []int{open[st]}
	}
	pub := rule.Publish(g)[0]
	t := countTable{ID: "open", Title: p.T("StatsOpenByStage"), Hint: p.T("StatsOpenHint")}
	for r, st := range stages {
		t.Rows = append(t.Rows, countRow{Key: string(st), Label: p.StageName(st), Now: shown(p, pub.Cells[r][0])})
	}
	t.Total = &countRow{Key: "total", Label: p.T("StatsTotal"), Now: shown(p, pub.ColTotals[0])}
	return t
}

// callTable lists the calls of every day of a month, or of every month of
// a quarter or a range, quiet ones too, so that a quiet day reads as one;
// the periods compared are compared by their totals alone. Each quarter is
// suppressed as the days of its months, months as columns, with their
// totals and the quarter's.
func callTable(p *page, rule stats.Rule, quarters []stats.Period, figures [][3]monthFigures, now, was, ago span) countTable {
	pubs := make([]stats.Published, len(quarters))
	for qi := range quarters {
		g := stats.Grid{Cells: make([][]int, 31), ColTotals: true, GrandTotal: true}
		for d := range g.Cells {
			g.Cells[d] = make([]int, 3)
		}
		for m := range 3 {
			for day, n := range figures[qi][m].counts.CallsByDay {
				g.Cells[day.Day()-1][m] += n
			}
		}
		pubs[qi] = rule.Publish(g)[0]
	}
	calls := spanSource{total: true,
		count: func(sl slot, _ int) int {
			n := 0
			for m := range 3 {
				if sl.month < 0 || m == sl.month {
					for _, c := range figures[sl.quarter][m].counts.CallsByDay {
						n += c
					}
				}
			}
			return n
		},
		figure: func(sl slot, _ int) stats.Figure { return sl.total(pubs[sl.quarter]) }}
	total := func(sp span) stats.Figure { return sp.publish(rule, calls)[0].ColTotals[0] }
	t := countTable{ID: "calls", Title: p.T("StatsCallsByDay"), Compare: true, Year: ago != nil}
	if len(now) > 1 || now[0].month < 0 {
		t.Title = p.T("StatsCallsByMonth")
		for _, sl := range now.months() {
			label := quarters[sl.quarter].First.AddDate(0, sl.month, 0).Format("2006-01")
			t.Rows = append(t.Rows, countRow{Key: label, Label: label, Now: shown(p, sl.total(pubs[sl.quarter]))})
		}
	} else {
		sl := now[0]
		first := quarters[sl.quarter].First.AddDate(0, sl.month, 0)
		for d := first; d.Before(first.AddDate(0, 1, 0)); d = d.AddDate(0, 0, 1) {
			label := d.Format(time.DateOnly)
			t.Rows = append(t.Rows, countRow{Key: label, Label: label, Now: shown(p, pubs[sl.quarter].Cells[d.Day()-1][sl.month])})
		}
	}
	sum := compared(p, "total", p.T("StatsTotal"), total(now), total(was))
	if ago != nil {
		sum.yearBefore(p, total(now), total(ago))
	}
	t.Total = &sum
	return t
}
