package web

import (
	"maps"
	"slices"
	"strconv"

	"tropa"
	"tropa/stats"
)

// monthFigures are one month's counts, as the desk gives them.
type monthFigures struct {
	counts    *tropa.Counts
	meetings  map[tropa.MeetingState]int
	decisions map[string]int
	times     tropa.ReplyTimes
}

// slot is where a month's or a quarter's figures sit in its quarter's
// table: one month's column, or the quarter's totals (month -1).
type slot struct {
	quarter, month int
}

func (sl slot) cell(pub stats.Published, r int) stats.Figure {
	if sl.month < 0 {
		return pub.RowTotals[r]
	}
	return pub.Cells[r][sl.month]
}

// times are the reply times of the slot's month, or of its quarter's
// three.
func (sl slot) times(figures [][3]monthFigures) tropa.ReplyTimes {
	if sl.month >= 0 {
		return figures[sl.quarter][sl.month].times
	}
	var t tropa.ReplyTimes
	for _, m := range figures[sl.quarter] {
		t.Add(m.times)
	}
	return t
}

func (sl slot) total(pub stats.Published) stats.Figure {
	if sl.month < 0 {
		return pub.Grand
	}
	return pub.ColTotals[sl.month]
}

// span is where a period's figures sit: one slot for a month or a
// quarter, and for a range of months the quarters and months it is made
// of (stats.Period.Parts), whose published figures it adds up.
type span []slot

// spanSource is one table's figures in the quarters' tables a span reads:
// row r's count and published figure in a slot, the total's for r < 0.
type spanSource struct {
	rows   int
	total  bool
	count  func(sl slot, r int) int
	figure func(sl slot, r int) stats.Figure
}

// publish is each source's figures over sp, as one column with its
// total: a month's or a quarter's as its own page publishes them, a
// range's as sums of those (stats.Rule.PublishSums), the sources, which
// share their totals, together.
func (sp span) publish(rule stats.Rule, srcs ...spanSource) []stats.Published {
	out := make([]stats.Published, len(srcs))
	if len(sp) == 1 {
		for i, src := range srcs {
			out[i].Cells = make([][]stats.Figure, src.rows)
			for r := range src.rows {
				out[i].Cells[r] = []stats.Figure{src.figure(sp[0], r)}
			}
			if src.total {
				out[i].ColTotals = []stats.Figure{src.figure(sp[0], -1)}
			}
		}
		return out
	}
	sums := make([]stats.Sums, len(srcs))
	for i, src := range srcs {
		sums[i].Rows = make([][]stats.Part, src.rows)
		for _, sl := range sp {
			for r := range src.rows {
				sums[i].Rows[r] = append(sums[i].Rows[r], stats.Part{Count: src.count(sl, r), Figure: src.figure(sl, r)})
			}
			if src.total {
				sums[i].Total = append(sums[i].Total, stats.Part{Count: src.count(sl, -1), Figure: src.figure(sl, -1)})
			}
		}
	}
	return rule.PublishSums(sums...)
}

// times are the reply times of every month sp covers.
func (sp span) times(figures [][3]monthFigures) tropa.ReplyTimes {
	var t tropa.ReplyTimes
	for _, sl := range sp {
		t.Add(sl.times(figures))
	}
	return t
}

// months are the months sp covers, each as the slot of its column.
func (sp span) months() []slot {
	var ms []slot
	for _, sl := range sp {
		if sl.month >= 0 {
			ms = append(ms, sl)
			continue
		}
		for m := range 3 {
			ms = append(ms, slot{quarter: sl.quarter, month: m})
		}
	}
	return ms
}

// split is one table of figures before it is published: a count for each
// row in every month of the quarters the page draws on. Every table is
// suppressed a quarter at a time, months as columns and the quarter's
// figures as their totals, so that a month's page, its quarter's page and
// the pages they are compared on publish the same figures, and none can
// be worked out by adding months up.
type split struct {
	id, title, hint string
	keys, labels    []string
	// counts[q][m][r] is row r's count in month m of quarter q.
	counts [][3][]int
	// total adds a row of the sums; link names the tables whose sums count
	// the same people, which are suppressed together.
	total bool
	link  string
}

// newSplit lists the counts get reads from every month, in the order of
// keys, then any other keys a month has, sorted.
func newSplit[K ~string](id, title, hint string, keys []K, label func(K) string, quarters [][3]monthFigures,
	get func(monthFigures) map[K]int) split {
	s := split{id: id, title: title, hint: hint, total: true}
	all := slices.Clone(keys)
	for _, q := range quarters {
		for _, m := range q {
			all = append(all, slices.Sorted(maps.Keys(get(m)))...)
		}
	}
	var rows []K
	for _, k := range all {
		if !slices.Contains(rows, k) {
			rows = append(rows, k)
			s.keys, s.labels = append(s.keys, string(k)), append(s.labels, label(k))
		}
	}
	s.counts = make([][3][]int, len(quarters))
	for qi, q := range quarters {
		for m := range q {
			counts := get(q[m])
			for _, k := range rows {
				s.counts[qi][m] = append(s.counts[qi][m], counts[k])
			}
		}
	}
	return s
}

func (s split) grid(q int) stats.Grid {
	g := stats.Grid{Cells: make([][]int, len(s.keys)), RowTotals: true, ColTotals: s.total, GrandTotal: s.total}
	for r := range s.keys {
		g.Cells[r] = []int{s.counts[q][0][r], s.counts[q][1][r], s.counts[q][2][r]}
	}
	return g
}

// source is s's figures over the quarters, as pubs publishes them.
func (s split) source(pubs []stats.Published) spanSource {
	return spanSource{rows: len(s.keys), total: s.total,
		count: func(sl slot, r int) int {
			n := 0
			for m, counts := range s.counts[sl.quarter] {
				for row, c := range counts {
					if (sl.month < 0 || m == sl.month) && (r < 0 || row == r) {
						n += c
					}
				}
			}
			return n
		},
		figure: func(sl slot, r int) stats.Figure {
			if r < 0 {
				return sl.total(pubs[sl.quarter])
			}
			return sl.cell(pubs[sl.quarter], r)
		}}
}

// countTable is one table of figures as published.
type countTable struct {
	ID, Title, Hint string
	// Compare says the table has a column for the period before.
	Compare bool
	Rows    []countRow
	// Total is nil for a table whose rows do not add up to anything.
	Total *countRow
	// Chart, on the first table of requests received, draws them month
	// by month.
	Chart *statsChart
	// Year says the table has a column for the same period a year
	// before.
	Year bool
}

// countRow is one row's figures as the page shows them.
type countRow struct {
	Key, Label  string
	Now, Before shownFigure
	// Change is "" where either figure is withheld or nothing compares.
	Change, Trend string
	// Year is the same period a year before, when the page has it, and
	// YearChange, YearTrend the change against it.
	Year                  shownFigure
	YearChange, YearTrend string
}

// shownFigure is a published count or what stands for it: "<5", or the
// word for a figure withheld so that no "<5" can be worked out.
type shownFigure struct {
	Value string
	// Class is "", "suppressed" for "<5" or "withheld".
	Class string
}

// publish suppresses every table quarter by quarter, those sharing a link
// together, by rule, and words the figures of now beside those of before
// and, when year is not nil, of the same period a year before.
func publish(p *page, splits []split, rule stats.Rule, quarters int, now, before, year span) []countTable {
	var groups [][]int
	grouped := make([]bool, len(splits))
	for i, s := range splits {
		if grouped[i] {
			continue
		}
		group := []int{i}
		for j := i + 1; j < len(splits); j++ {
			if s.link != "" && splits[j].link == s.link {
				group, grouped[j] = append(group, j), true
			}
		}
		groups = append(groups, group)
	}
	pubs := make([][]stats.Published, len(splits))
	for i := range pubs {
		pubs[i] = make([]stats.Published, quarters)
	}
	for q := range quarters {
		for _, group := range groups {
			grids := make([]stats.Grid, len(group))
			for k, j := range group {
				grids[k] = splits[j].grid(q)
			}
			for k, pub := range rule.Publish(grids...) {
				pubs[group[k]][q] = pub
			}
		}
	}
	over := func(sp span) []stats.Published {
		out := make([]stats.Published, len(splits))
		if sp == nil {
			return out
		}
		for _, group := range groups {
			srcs := make([]spanSource, len(group))
			for k, j := range group {
				srcs[k] = splits[j].source(pubs[j])
			}
			for k, pub := range sp.publish(rule, srcs...) {
				out[group[k]] = pub
			}
		}
		return out
	}
	nowPub, beforePub, yearPub := over(now), over(before), over(year)
	tables := make([]countTable, len(splits))
	for i, s := range splits {
		t := countTable{ID: s.id, Title: s.title, Hint: s.hint, Compare: true, Year: year != nil}
		row := func(key, label string, at func(stats.Published) stats.Figure) countRow {
			r := compared(p, key, label, at(nowPub[i]), at(beforePub[i]))
			if year != nil {
				r.yearBefore(p, at(nowPub[i]), at(yearPub[i]))
			}
			return r
		}
		for r := range s.keys {
			t.Rows = append(t.Rows, row(s.keys[r], s.labels[r], func(pub stats.Published) stats.Figure { return pub.Cells[r][0] }))
		}
		if s.total {
			total := row("total", p.T("StatsTotal"), func(pub stats.Published) stats.Figure { return pub.ColTotals[0] })
			t.Total = &total
		}
		tables[i] = t
	}
	return tables
}

// compared is a row of a figure beside the one it is compared with.
func compared(p *page, key, label string, now, before stats.Figure) countRow {
	row := countRow{Key: key, Label: label, Now: shown(p, now), Before: shown(p, before)}
	row.Change, row.Trend = changeText(p, now, before)
	return row
}

// yearBefore adds to r the same period a year before, and the change
// against it.
func (r *countRow) yearBefore(p *page, now, year stats.Figure) {
	r.Year = shown(p, year)
	r.YearChange, r.YearTrend = changeText(p, now, year)
}

func shown(p *page, f stats.Figure) shownFigure {
	switch f.Mark() {
	case stats.Small:
		return shownFigure{Value: "<" + strconv.Itoa(f.Below()), Class: "suppressed"}
	case stats.Hidden:
		return shownFigure{Value: p.T("StatsWithheld"), Class: "withheld"}
	}
	n, _ := f.Value()
	return shownFigure{Value: strconv.Itoa(n)}
}

// changeText words a change, "" when either figure is withheld or both
// are 0, which would only crowd the table.
func changeText(p *page, now, before stats.Figure) (string, string) {
	c, ok := stats.Compare(now, before)
	if !ok || c.Now == 0 && c.Before == 0 {
		return "", ""
	}
	switch c.Trend() {
	case stats.TrendNew:
		return p.T("StatsChangeNew"), string(stats.TrendNew)
	case stats.TrendSame:
		return p.T("StatsChangeSame"), string(stats.TrendSame)
	}
	return c.Signed(), string(c.Trend())
}
