package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/locale"
	"tropa/stats"
)

// StatsExport is tables of the figures page as they leave the server, for
// a spreadsheet, a program or a terminal: the very figures the page
// shows, with the rule that withheld the others.
type StatsExport struct {
	Period       string        `json:"period"`
	First        string        `json:"first"`
	Last         string        `json:"last"`
	ComparedWith exportPeriod  `json:"compared_with"`
	Rule         exportRule    `json:"rule"`
	Tables       []exportTable `json:"tables"`
	words        map[string]string

	// YearBefore is the same period a year before, when the tables have
	// a column for it.
	YearBefore *exportPeriod `json:"year_before,omitempty"`
}

type exportPeriod struct {
	Period string `json:"period"`
	First  string `json:"first"`
	Last   string `json:"last"`
}

// exportRule says how the figures were made safe to publish.
type exportRule struct {
	// Threshold is the least count shown as it is; Small what stands for
	// a count from 1 to below it, Withheld for one withheld beside it.
	Threshold int    `json:"threshold"`
	Small     string `json:"small"`
	Withheld  string `json:"withheld"`
	// Complementary says counts were withheld until no withheld one could
	// be worked out from a total, a row or the period compared.
	Complementary bool `json:"complementary"`
	// SuppressedBy is the span suppressed as one table: the quarter, its
	// months as columns, so a month's and its quarter's figures agree.
	SuppressedBy string `json:"suppressed_by"`
	Text         string `json:"text"`
}

type exportTable struct {
	ID    string      `json:"id"`
	Title string      `json:"title"`
	Hint  string      `json:"hint,omitempty"`
	Rows  []exportRow `json:"rows"`
	Total *exportRow  `json:"total,omitempty"`
}

type exportRow struct {
	Key    string       `json:"key"`
	Label  string       `json:"label"`
	Now    shownFigure  `json:"now"`
	Before *shownFigure `json:"before,omitempty"`
	Change string       `json:"change,omitempty"`
	// YearBefore and YearChange are the same period a year before and
	// the change against it, where the table has them.
	YearBefore *shownFigure `json:"year_before,omitempty"`
	YearChange string       `json:"year_change,omitempty"`
}

// MarshalJSON writes a shown count or median as a number and what stands
// for a withheld one as the page's text.
func (f shownFigure) MarshalJSON() ([]byte, error) {
	if f.Class == "" {
		if _, err := strconv.ParseFloat(f.Value, 64); err == nil && json.Valid([]byte(f.Value)) {
			return []byte(f.Value), nil
		}
	}
	return json.Marshal(f.Value)
}

// newStatsExport words tables of period against before in p's language.
func newStatsExport(p *page, rule stats.Rule, period, before stats.Period, tables []countTable) StatsExport {
	small := "<" + strconv.Itoa(rule.Threshold)
	e := StatsExport{
		Period: period.String(), First: period.First.Format(time.DateOnly), Last: period.Last.Format(time.DateOnly),
		ComparedWith: exportPeriod{Period: before.String(), First: before.First.Format(time.DateOnly), Last: before.Last.Format(time.DateOnly)},
		Rule: exportRule{Threshold: rule.Threshold, Small: small, Withheld: p.T("StatsWithheld"),
			Complementary: true, SuppressedBy: string(stats.GrainQuarter),
			Text: p.T("StatsExportRule", "Max", rule.Threshold-1, "Small", small, "Withheld", p.T("StatsWithheld"))},
		words: map[string]string{"now": p.T("StatsThisPeriod"), "before": p.T("StatsPeriodBefore"),
			"change": p.T("StatsChange"), "period": p.T("StatsPeriod", "First", period.First.Format(time.DateOnly), "Last", period.Last.Format(time.DateOnly)),
			"compared": p.T("StatsComparedWith", "First", before.First.Format(time.DateOnly), "Last", before.Last.Format(time.DateOnly))},
	}
	if period.Grain == stats.GrainRange {
		e.Rule.Text += " " + p.T("StatsExportRuleRange")
	}
	year := period.YearBefore()
	for _, t := range tables {
		et := exportTable{ID: t.ID, Title: t.Title, Hint: t.Hint}
		if t.Year && e.YearBefore == nil {
			e.YearBefore = &exportPeriod{Period: year.String(), First: year.First.Format(time.DateOnly), Last: year.Last.Format(time.DateOnly)}
			e.words["year"] = p.T("StatsYearBefore")
			e.words["compared"] += " " + p.T("StatsYearComparedWith", "First", e.YearBefore.First, "Last", e.YearBefore.Last)
		}
		row := func(r countRow) exportRow {
			er := exportRow{Key: r.Key, Label: r.Label, Now: r.Now, Change: r.Change}
			if t.Compare {
				er.Before = &r.Before
			}
			if t.Year && r.Year.Value != "" {
				er.YearBefore, er.YearChange = &r.Year, r.YearChange
			}
			return er
		}
		for _, r := range t.Rows {
			et.Rows = append(et.Rows, row(r))
		}
		if t.Total != nil {
			total := row(*t.Total)
			et.Total = &total
		}
		e.Tables = append(e.Tables, et)
	}
	return e
}

// csvHeader names the CSV's columns; the last row, whose table is "rule",
// states the rule in its label and the periods in its figures' columns.
var csvHeader = []string{"table", "key", "label", "this_period", "period_before", "change", "year_before", "year_change"}

// WriteCSV writes the tables, one line a row, then the rule. Keys and
// labels, which an administrator may have typed, are kept from being read
// as a formula; figures and changes are tropa's own: a number, "<5", the
// word for hidden, or a signed percentage.
func (e StatsExport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, t := range e.Tables {
		for _, r := range t.lines() {
			before, year := "", ""
			if r.Before != nil {
				before = r.Before.Value
			}
			if r.YearBefore != nil {
				year = r.YearBefore.Value
			}
			if err := cw.Write([]string{t.ID, csvSafe(r.Key), csvSafe(r.Label), r.Now.Value, before, r.Change, year, r.YearChange}); err != nil {
				return err
			}
		}
	}
	rule := fmt.Sprintf("threshold=%d;complementary;suppressed_by=%s", e.Rule.Threshold, e.Rule.SuppressedBy)
	year := ""
	if e.YearBefore != nil {
		year = e.YearBefore.Period
	}
	if err := cw.Write([]string{"rule", rule, csvSafe(e.Rule.Text), e.Period, e.ComparedWith.Period, "", year, ""}); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the export as one JSON object, "<5" as it reads: the
// export is sent as JSON to download, never as a page.
func (e StatsExport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(e)
}

// WriteText writes the tables for a terminal, in columns.
func (e StatsExport) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "%s %s\n", e.words["period"], e.words["compared"])
	for _, t := range e.Tables {
		fmt.Fprintf(w, "\n%s\n", t.Title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		year := e.YearBefore != nil && slices.ContainsFunc(t.lines(), func(r exportRow) bool { return r.YearBefore != nil })
		fmt.Fprintf(tw, "\t%s\t%s\t%s", e.words["now"], e.words["before"], e.words["change"])
		if year {
			fmt.Fprintf(tw, "\t%s\t%s", e.words["year"], e.words["change"])
		}
		fmt.Fprintln(tw)
		for _, r := range t.lines() {
			before := ""
			if r.Before != nil {
				before = r.Before.Value
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s", r.Label, r.Now.Value, before, r.Change)
			if year && r.YearBefore != nil {
				fmt.Fprintf(tw, "\t%s\t%s", r.YearBefore.Value, r.YearChange)
			}
			fmt.Fprintln(tw)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "\n%s\n", e.Rule.Text)
	return err
}

// lines are the table's rows, then its total.
func (t exportTable) lines() []exportRow {
	if t.Total == nil {
		return t.Rows
	}
	return append(slices.Clip(t.Rows), *t.Total)
}

// only keeps the table named id, all of them for "".
func (e *StatsExport) only(id string) error {
	if id == "" {
		return nil
	}
	i := slices.IndexFunc(e.Tables, func(t exportTable) bool { return t.ID == id })
	if i < 0 {
		return tropa.UserError(tropa.EINVALID, "ErrStatsTableUnknown", nil)
	}
	e.Tables = e.Tables[i : i+1]
	return nil
}

// statsExport answers /staff/stats.csv and /staff/stats.json: the page's
// period (?month= or ?quarter=), compared with the period before or, with
// ?compare=year, the same one a year before; ?table= keeps one table.
func (s *Server) statsExport(write func(StatsExport, io.Writer) error, contentType, name string) staffHandler {
	return func(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
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
		period, _, err := statsPeriod(r, p.now, loc)
		if err != nil {
			return err
		}
		before, err := CompareWith(period, r.URL.Query().Get("compare"))
		if err != nil {
			return err
		}
		// Whatever the page may show, an export is publish-safe.
		policy, err := s.Desk.FiguresPolicy(r.Context())
		if err != nil {
			return err
		}
		tables, err := statsTables(r.Context(), s.staffFigures(sess), p, policy.Rule(), period, before)
		if err != nil {
			return err
		}
		e := newStatsExport(p, policy.Rule(), period, before, tables)
		if err := e.only(r.URL.Query().Get("table")); err != nil {
			return err
		}
		if name := r.URL.Query().Get("series"); name != "" {
			se, err := s.Desk.Series(r.Context(), sess, name)
			if err != nil {
				return err
			}
			addSeries(p, policy.Rule(), &e, se, period, before)
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="stats-%s.%s"`, period, name))
		return write(e, w)
	}
}

// CompareWith is the period compared with p: "previous" (or "") the one
// of equal length before, "year" the same one a year before.
func CompareWith(p stats.Period, compare string) (stats.Period, error) {
	switch compare {
	case "", "previous":
		return p.Previous(), nil
	case "year":
		return p.YearBefore(), nil
	}
	return stats.Period{}, tropa.UserError(tropa.EINVALID, "ErrStatsCompareInvalid", nil)
}

// StatsReport makes the figures page's tables, published as the page
// publishes them, in one language, for tropa stats. It is not for use by
// more than one goroutine at a time.
type StatsReport struct {
	p    *page
	rule stats.Rule
	src  StatsSource
}

// NewStatsReport reports in lang what src counts, naming stages and
// outcomes by vocab and publishing by policy's publish-safe rule. Each
// month is counted once, however many tables use it.
func NewStatsReport(src StatsSource, vocab tropa.Vocabulary, policy desk.FiguresPolicy, lang string) (*StatsReport, error) {
	loc, err := locale.Load()
	if err != nil {
		return nil, err
	}
	counted := map[string]desk.Figures{}
	count := src.Month
	src.Month = func(ctx context.Context, m stats.Period) (desk.Figures, error) {
		if f, ok := counted[m.String()]; ok {
			return f, nil
		}
		f, err := count(ctx, m)
		if err == nil {
			counted[m.String()] = f
		}
		return f, err
	}
	return &StatsReport{p: &page{Catalog: loc.In(lang), vocab: vocab}, rule: policy.Rule(), src: src}, nil
}

// Tables are the page's tables for a month, a quarter or a range of
// months against before, with the year before where there is one, or only
// the one named table.
func (r *StatsReport) Tables(ctx context.Context, period, before stats.Period, table string) (StatsExport, error) {
	tables, err := statsTables(ctx, r.src, r.p, r.rule, period, before)
	if err != nil {
		return StatsExport{}, err
	}
	e := newStatsExport(r.p, r.rule, period, before, tables)
	return e, e.only(table)
}

// Series is the requests received in each of periods, months or quarters,
// against the period before returns for each: every figure the one the
// page of that month or quarter shows as its total of requests received.
// It has no total, for a sum across quarters is suppressed by none.
func (r *StatsReport) Series(ctx context.Context, periods []stats.Period, before func(stats.Period) stats.Period) (StatsExport, error) {
	t := countTable{ID: "month", Title: r.p.T("StatsSeriesMonth"), Compare: true}
	if periods[0].Grain == stats.GrainQuarter {
		t.ID, t.Title = "quarter", r.p.T("StatsSeriesQuarter")
	}
	for _, q := range periods {
		tables, err := pageTables(ctx, r.src, r.p, r.rule, q, before(q), stats.Period{})
		if err != nil {
			return StatsExport{}, err
		}
		i := slices.IndexFunc(tables, func(t countTable) bool { return t.ID == "kind" })
		row := *tables[i].Total
		row.Key, row.Label = q.String(), q.String()
		t.Rows = append(t.Rows, row)
	}
	last := periods[len(periods)-1]
	whole := stats.Period{Grain: stats.GrainRange, First: periods[0].First, Last: last.Last}
	was := stats.Period{Grain: stats.GrainRange, First: before(periods[0]).First, Last: before(last).Last}
	return newStatsExport(r.p, r.rule, whole, was, []countTable{t}), nil
}
