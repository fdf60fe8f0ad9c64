package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/stats"
)

// statsData is one month's or quarter's figures beside those of the
// period before, safe to publish: no figure is small enough to point at a
// person, nor can one be worked out from the others.
type statsData struct {
	// Month and Quarter are what the two forms show: the period shown, or
	// as typed when it could not be read.
	Month, Quarter string
	// First and Last are the period's first and last day; BeforeFirst and
	// BeforeLast the period compared with.
	First, Last, BeforeFirst, BeforeLast string
	// Prev and Next link to the periods around; Next is "" while the
	// period after has not begun.
	Prev, Next string
	// Quarterly says the period is a quarter, not a month.
	Quarterly bool
	// Ongoing says the period is not over, so its figures still grow.
	Ongoing bool
	// Tables is nil when the period could not be read.
	Tables []countTable
}

func termKeys[K ~string](ts []tropa.Term) []K {
	keys := make([]K, len(ts))
	for i, t := range ts {
		keys[i] = K(t.Key)
	}
	return keys
}

// statsPeriod is the period asked for, by ?quarter=2026-Q1 or
// ?month=2026-03, else the month it is on the organization's calendar.
func statsPeriod(r *http.Request, now time.Time, loc *time.Location) (stats.Period, statsData, error) {
	q, m := r.URL.Query().Get("quarter"), r.URL.Query().Get("month")
	switch {
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
		return p, statsData{Month: m, Quarter: stats.Current(stats.GrainQuarter, p.First, time.UTC).String()}, nil
	}
	p := stats.Current(stats.GrainMonth, now, loc)
	return p, statsData{Month: p.String(), Quarter: stats.Current(stats.GrainQuarter, now, loc).String()}, nil
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
	if err != nil {
		p.Error = p.explain(err)
		p.Data = data
		s.render(w, http.StatusUnprocessableEntity, "stats", p)
		return nil
	}
	before := period.Previous()
	link := func(q stats.Period) string {
		return p.URL("/staff/stats?" + string(q.Grain) + "=" + q.String())
	}
	data.First, data.Last = period.First.Format(time.DateOnly), period.Last.Format(time.DateOnly)
	data.BeforeFirst, data.BeforeLast = before.First.Format(time.DateOnly), before.Last.Format(time.DateOnly)
	data.Prev, data.Ongoing = link(before), !period.Over(p.now, loc)
	data.Quarterly = period.Grain == stats.GrainQuarter
	if period.Next().Begun(p.now, loc) {
		data.Next = link(period.Next())
	}
	splits, err := s.statsSplits(r.Context(), sess, p, period, before)
	if err != nil {
		return err
	}
	data.Tables = publish(p, splits)
	p.Data = data
	s.render(w, http.StatusOK, "stats", p)
	return nil
}

// statsSplits counts every table of the page, in period and in before,
// from the clear columns the desk counts.
func (s *Server) statsSplits(ctx context.Context, sess *desk.Session, p *page, period, before stats.Period) ([]split, error) {
	c, err := s.Desk.Counts(ctx, sess, period)
	if err != nil {
		return nil, err
	}
	was, err := s.Desk.Counts(ctx, sess, before)
	if err != nil {
		return nil, err
	}
	meetings, err := s.Desk.MeetingCounts(ctx, sess, period)
	if err != nil {
		return nil, err
	}
	meetingsWere, err := s.Desk.MeetingCounts(ctx, sess, before)
	if err != nil {
		return nil, err
	}
	decisions, err := s.decisionSplit(ctx, sess, p, period, before)
	if err != nil {
		return nil, err
	}
	v := p.Vocab()
	stages := slices.DeleteFunc(termKeys[tropa.Stage](v.Stages), func(st tropa.Stage) bool {
		return st == tropa.StageClosed && c.OpenByStage[st] == 0
	})
	byKind := newSplit("kind", p.T("StatsByKind"), "", tropa.Kinds,
		func(k tropa.Kind) string { return p.T("StaffKind_" + string(k)) }, c.ReceivedByKind, was.ReceivedByKind)
	byChannel := newSplit("channel", p.T("StatsByChannel"), "", tropa.Channels,
		func(ch tropa.Channel) string { return p.T("Channel_" + string(ch)) }, c.ReceivedByChannel, was.ReceivedByChannel)
	byKind.link, byChannel.link = "received", "received"
	stays := newSplit("stays", p.T("StatsStays"), "", []string{"begun", "nights"},
		func(k string) string { return p.T("StatsStays_" + k) },
		map[string]int{"begun": c.StaysBegun, "nights": c.StayNights},
		map[string]int{"begun": was.StaysBegun, "nights": was.StayNights})
	stays.total = false
	return []split{byKind, byChannel,
		newSplit("triage", p.T("StatsByDisposition"), p.T("StatsDispositionHint"), tropa.Dispositions,
			func(d tropa.Disposition) string { return p.T("Disposition_" + string(d)) }, c.Triaged, was.Triaged),
		newSplit("open", p.T("StatsOpenByStage"), p.T("StatsOpenHint"), stages, p.StageName, c.OpenByStage, nil),
		newSplit("closed", p.T("StatsClosedByOutcome"), "", termKeys[tropa.Outcome](v.Outcomes), p.OutcomeName,
			c.ClosedByOutcome, was.ClosedByOutcome),
		callSplit(p, period, c.CallsByDay, was.CallsByDay),
		stays,
		newSplit("meetings", p.T("StatsMeetings"), "", slices.DeleteFunc(slices.Clone(tropa.MeetingStates), tropa.MeetingState.Open),
			func(st tropa.MeetingState) string { return p.T("MeetingState_" + string(st)) }, meetings, meetingsWere),
		decisions,
	}, nil
}

// callSplit lists the calls of every day of a month, or of every month of
// a quarter, quiet ones too, so that a quiet day reads as one; the period
// before is compared by its total alone.
func callSplit(p *page, period stats.Period, days, before map[time.Time]int) split {
	s := split{id: "calls", title: p.T("StatsCallsByDay"), total: true, totalCompare: true}
	step, layout := func(d time.Time) time.Time { return d.AddDate(0, 0, 1) }, time.DateOnly
	if period.Grain == stats.GrainQuarter {
		s.title = p.T("StatsCallsByMonth")
		step, layout = func(d time.Time) time.Time { return d.AddDate(0, 1, 0) }, "2006-01"
	}
	for d := period.From(); d.Before(period.To()); d = step(d) {
		n := 0
		for day, calls := range days {
			if !day.Before(d) && day.Before(step(d)) {
				n += calls
			}
		}
		s.keys, s.labels = append(s.keys, d.Format(layout)), append(s.labels, d.Format(layout))
		s.now = append(s.now, n)
	}
	for _, n := range before {
		s.totalBefore += n
	}
	return s
}

// decisionSplit is the legal decisions of period and before, by procedure
// and outcome.
func (s *Server) decisionSplit(ctx context.Context, sess *desk.Session, p *page, period, before stats.Period) (split, error) {
	count := func(q stats.Period) (map[string]int, error) {
		list, err := s.Desk.DecisionCounts(ctx, sess, q)
		counts := map[string]int{}
		for _, c := range list {
			counts[string(c.Procedure)+"/"+string(c.Decision)] += c.Count
		}
		return counts, err
	}
	now, err := count(period)
	if err != nil {
		return split{}, err
	}
	was, err := count(before)
	if err != nil {
		return split{}, err
	}
	var keys []string
	for _, proc := range tropa.Procedures {
		for _, dec := range tropa.Decisions[1:] {
			keys = append(keys, string(proc)+"/"+string(dec))
		}
	}
	return newSplit("decisions", p.T("StatsLegalDecisions"), p.T("StatsLegalDecisionsHint"), keys,
		func(k string) string {
			proc, dec, _ := strings.Cut(k, "/")
			return p.T("Procedure_"+proc) + ": " + p.T("Decision_"+dec)
		}, now, was), nil
}
