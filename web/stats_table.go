package web

import (
	"maps"
	"slices"
	"strconv"

	"tropa/stats"
)

// split is one table of figures before it is published: a count for each
// row in the period shown and, where it compares, in the period before.
type split struct {
	id, title, hint string
	keys, labels    []string
	now, before     []int
	// compare is false for a table of how things stand now, which has no
	// period before.
	compare bool
	// total adds a row of the sums; link names the tables whose sums count
	// the same people, which are suppressed together.
	total bool
	link  string
	// totalBefore, when compare is false and totalCompare true, is the sum
	// of the period before, compared with the total alone: the rows are the
	// days of the period shown, which the period before does not have.
	totalBefore  int
	totalCompare bool
}

// newSplit lists counts in the order of keys, then any other keys either
// period has, sorted.
func newSplit[K ~string](id, title, hint string, keys []K, label func(K) string, now, before map[K]int) split {
	s := split{id: id, title: title, hint: hint, compare: before != nil, total: true}
	others := slices.Sorted(maps.Keys(now))
	others = append(others, slices.Sorted(maps.Keys(before))...)
	for _, k := range slices.Concat(keys, others) {
		if slices.Contains(s.keys, string(k)) {
			continue
		}
		s.keys = append(s.keys, string(k))
		s.labels = append(s.labels, label(k))
		s.now = append(s.now, now[k])
		s.before = append(s.before, before[k])
	}
	return s
}

func (s split) grid() stats.Grid {
	g := stats.Grid{Cells: make([][]int, len(s.keys)), ColTotals: s.total}
	for i := range s.keys {
		g.Cells[i] = []int{s.now[i]}
		if s.compare {
			g.Cells[i] = append(g.Cells[i], s.before[i])
		}
	}
	return g
}

// countTable is one table of figures as published.
type countTable struct {
	ID, Title, Hint string
	// Compare says the table has a column for the period before.
	Compare bool
	Rows    []countRow
	// Total is nil for a table whose rows do not add up to anything.
	Total *countRow
}

// countRow is one row's figures as the page shows them.
type countRow struct {
	Key, Label  string
	Now, Before shownFigure
	// Change is "" where either figure is withheld or nothing compares.
	Change, Trend string
}

// shownFigure is a published count or what stands for it: "<5", or the
// word for a figure withheld so that no "<5" can be worked out.
type shownFigure struct {
	Value string
	// Class is "", "suppressed" for "<5" or "withheld".
	Class string
}

// publish suppresses every table, those sharing a link together, and
// words what is left in the page's language.
func publish(p *page, splits []split) []countTable {
	out := make([]countTable, len(splits))
	done := make([]bool, len(splits))
	for i, s := range splits {
		if done[i] {
			continue
		}
		group := []int{i}
		for j := i + 1; j < len(splits); j++ {
			if s.link != "" && splits[j].link == s.link {
				group = append(group, j)
			}
		}
		grids := make([]stats.Grid, len(group))
		for k, j := range group {
			grids[k] = splits[j].grid()
		}
		for k, pub := range stats.SuppressLinked(stats.DefaultThreshold, grids...) {
			out[group[k]], done[group[k]] = word(p, splits[group[k]], pub), true
		}
	}
	return out
}

func word(p *page, s split, pub stats.Published) countTable {
	t := countTable{ID: s.id, Title: s.title, Hint: s.hint, Compare: s.compare || s.totalCompare}
	for i := range s.keys {
		row := countRow{Key: s.keys[i], Label: s.labels[i], Now: shown(p, pub.Cells[i][0])}
		if s.compare {
			row.Before = shown(p, pub.Cells[i][1])
			c, ok := pub.Change(i, 0, 1)
			row.Change, row.Trend = changeText(p, c, ok)
		}
		t.Rows = append(t.Rows, row)
	}
	if !s.total {
		return t
	}
	total := countRow{Key: "total", Label: p.T("StatsTotal"), Now: shown(p, pub.ColTotals[0])}
	switch {
	case s.compare:
		total.Before = shown(p, pub.ColTotals[1])
		c, ok := pub.TotalChange(0, 1)
		total.Change, total.Trend = changeText(p, c, ok)
	case s.totalCompare:
		// The total before stands alone: nothing shown adds up to it.
		before := stats.Suppress(stats.Grid{Cells: [][]int{{s.totalBefore}}}, stats.DefaultThreshold).Cells[0][0]
		total.Before = shown(p, before)
		a, ok1 := pub.ColTotals[0].Value()
		b, ok2 := before.Value()
		total.Change, total.Trend = changeText(p, stats.Change{Now: a, Before: b}, ok1 && ok2)
	}
	t.Total = &total
	return t
}

func shown(p *page, f stats.Figure) shownFigure {
	switch f.Mark() {
	case stats.Small:
		return shownFigure{Value: "<" + strconv.Itoa(stats.DefaultThreshold), Class: "suppressed"}
	case stats.Hidden:
		return shownFigure{Value: p.T("StatsWithheld"), Class: "withheld"}
	}
	n, _ := f.Value()
	return shownFigure{Value: strconv.Itoa(n)}
}

// changeText words a change, "" when it is withheld or between two 0s,
// which would only crowd the table.
func changeText(p *page, c stats.Change, ok bool) (string, string) {
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
