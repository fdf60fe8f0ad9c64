package web

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"tropa"
	"tropa/desk"
)

// statsData is one month's figures, safe to publish: no cell is small
// enough to point at a person.
type statsData struct {
	// Month is the month shown, or as typed when it could not be read.
	Month string
	// First and Last are the month's first and last day.
	First, Last string
	// Prev and Next link to the months around; Next is "" while the
	// month after has not begun.
	Prev, Next string
	// Tables is nil when the month could not be read.
	Tables []countTable
}

// countTable is one table of figures.
type countTable struct {
	ID, Title, Hint string
	Rows            []countRow
}

// countRow is one figure: Value is what the page shows.
type countRow struct {
	Key, Label string
	Value      string
	Suppressed bool
}

// suppressBelow is the smallest count shown as it is; smaller ones but 0
// are shown as "<5", because a published figure that small could point at
// a person.
const suppressBelow = 5

func cell(key, label string, n int) countRow {
	if n > 0 && n < suppressBelow {
		return countRow{Key: key, Label: label, Value: "<" + strconv.Itoa(suppressBelow), Suppressed: true}
	}
	return countRow{Key: key, Label: label, Value: strconv.Itoa(n)}
}

// countRows lists counts in the order of keys, then any other keys counts
// has, sorted.
func countRows[K ~string](counts map[K]int, keys []K, label func(K) string) []countRow {
	rows := make([]countRow, 0, len(keys))
	for _, k := range keys {
		rows = append(rows, cell(string(k), label(k), counts[k]))
	}
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		if !slices.Contains(keys, k) {
			rows = append(rows, cell(string(k), label(k), counts[k]))
		}
	}
	return rows
}

// channels lists every channel in the order the figures show them.
var channels = []tropa.Channel{tropa.ChannelWeb, tropa.ChannelTelegram, tropa.ChannelHotline, tropa.ChannelAPI}

func termKeys[K ~string](ts []tropa.Term) []K {
	keys := make([]K, len(ts))
	for i, t := range ts {
		keys[i] = K(t.Key)
	}
	return keys
}

const monthLayout = "2006-01"

func (s *Server) statsShow(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if !sess.Staff.Role.Can(tropa.PermStats) {
		return tropa.UserError(tropa.EFORBIDDEN, "ErrRoleForbidden", nil)
	}
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	thisMonth := time.Date(p.now.Year(), p.now.Month(), 1, 0, 0, 0, 0, time.UTC)
	from := thisMonth
	if m := r.URL.Query().Get("month"); m != "" {
		from, err = time.Parse(monthLayout, m)
		if err != nil {
			p.Error = p.explain(tropa.UserError(tropa.EINVALID, "ErrMonthInvalid", nil))
			p.Data = statsData{Month: m}
			s.render(w, http.StatusUnprocessableEntity, "stats", p)
			return nil
		}
	}
	to := from.AddDate(0, 1, 0)
	c, err := s.Desk.Counts(r.Context(), sess, from, to)
	if err != nil {
		return err
	}
	data := statsData{Month: from.Format(monthLayout),
		First: from.Format(time.DateOnly), Last: to.AddDate(0, 0, -1).Format(time.DateOnly),
		Prev: p.URL("/staff/stats?month=" + from.AddDate(0, -1, 0).Format(monthLayout))}
	if !to.After(thisMonth) {
		data.Next = p.URL("/staff/stats?month=" + to.Format(monthLayout))
	}
	meetings, err := s.Desk.MeetingCounts(r.Context(), sess, from, to)
	if err != nil {
		return err
	}
	v := p.Vocab()
	stages := slices.DeleteFunc(termKeys[tropa.Stage](v.Stages), func(st tropa.Stage) bool {
		return st == tropa.StageClosed && c.OpenByStage[st] == 0
	})
	data.Tables = []countTable{
		{ID: "kind", Title: p.T("StatsByKind"), Rows: countRows(c.ReceivedByKind, tropa.Kinds,
			func(k tropa.Kind) string { return p.T("StaffKind_" + string(k)) })},
		{ID: "channel", Title: p.T("StatsByChannel"), Rows: countRows(c.ReceivedByChannel, channels,
			func(ch tropa.Channel) string { return p.T("Channel_" + string(ch)) })},
		{ID: "triage", Title: p.T("StatsByDisposition"), Hint: p.T("StatsDispositionHint"), Rows: countRows(c.Triaged,
			tropa.Dispositions, func(d tropa.Disposition) string { return p.T("Disposition_" + string(d)) })},
		{ID: "open", Title: p.T("StatsOpenByStage"), Hint: p.T("StatsOpenHint"), Rows: countRows(c.OpenByStage,
			stages, p.StageName)},
		{ID: "closed", Title: p.T("StatsClosedByOutcome"), Rows: countRows(c.ClosedByOutcome,
			termKeys[tropa.Outcome](v.Outcomes), p.OutcomeName)},
		{ID: "calls", Title: p.T("StatsCallsByDay"), Rows: callRows(c.CallsByDay, from, to)},
		{ID: "stays", Title: p.T("StatsStays"), Rows: countRows(map[string]int{"begun": c.StaysBegun, "nights": c.StayNights},
			[]string{"begun", "nights"}, func(k string) string { return p.T("StatsStays_" + k) })},
		{ID: "meetings", Title: p.T("StatsMeetings"), Rows: countRows(meetings, slices.DeleteFunc(slices.Clone(tropa.MeetingStates), tropa.MeetingState.Open),
			func(st tropa.MeetingState) string { return p.T("MeetingState_" + string(st)) })},
	}
	legal, err := s.decisionTable(r, sess, p, from, to)
	if err != nil {
		return err
	}
	data.Tables = append(data.Tables, legal)
	p.Data = data
	s.render(w, http.StatusOK, "stats", p)
	return nil
}

// callRows lists the calls of every day in [from, to), days without any
// too, so that a quiet day reads as one.
func callRows(days map[time.Time]int, from, to time.Time) []countRow {
	var rows []countRow
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		rows = append(rows, cell(d.Format(time.DateOnly), d.Format(time.DateOnly), days[d]))
	}
	return rows
}
