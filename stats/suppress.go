package stats

import (
	"cmp"
	"slices"
)

// DefaultThreshold is the smallest count published as it is.
const DefaultThreshold = 5

// MinThreshold is the least threshold Suppress takes: below 3, "<2" would
// say "1".
const MinThreshold = 3

// Mark is how a figure is published.
type Mark uint8

const (
	// Shown is published as it is.
	Shown Mark = iota
	// Small is a count from 1 to below the threshold, read "<5".
	Small
	// Hidden is withheld so that no Small figure can be worked out from
	// it and the totals: a cell of at least the threshold, or a total of
	// at least 1.
	Hidden
)

// Grid is a table of counts before publishing: rows by columns (say
// categories by periods), with whichever totals the table shows. A total
// is the sum of its row or column; the grand total is the sum of every
// cell.
type Grid struct {
	Cells                            [][]int
	RowTotals, ColTotals, GrandTotal bool
}

// Figure is one published number: its count only when it is Shown.
type Figure struct {
	n, below int
	mark     Mark
}

// Mark is how the figure is published.
func (f Figure) Mark() Mark { return f.mark }

// Below is the threshold a Small figure is below, the N of "<N".
func (f Figure) Below() int { return f.below }

// Value is the count, false unless it is Shown.
func (f Figure) Value() (int, bool) { return f.n, f.mark == Shown }

// Published is a grid as it may leave the server. RowTotals and ColTotals
// are nil, and Grand is the zero Figure, where the grid has none.
type Published struct {
	Cells                [][]Figure
	RowTotals, ColTotals []Figure
	Grand                Figure
	Threshold            int
}

// Compare is the change from before to now, two published figures; false
// unless both are Shown, for a change beside a withheld figure would give
// it away.
func Compare(now, before Figure) (Change, bool) {
	a, ok1 := now.Value()
	b, ok2 := before.Value()
	return Change{Now: a, Before: b}, ok1 && ok2
}

// Suppress publishes g with counts from 1 to below threshold (at least
// MinThreshold) marked Small and, beside them, other counts Hidden until
// no withheld figure can be worked out exactly from what is shown.
func Suppress(g Grid, threshold int) Published {
	return SuppressLinked(threshold, g)[0]
}

// SuppressLinked suppresses grids whose column totals and grand totals
// count the same people, as requests by kind and requests by channel do,
// month by month: a total withheld in one is withheld in all, else another
// would give it away.
func SuppressLinked(threshold int, grids ...Grid) []Published {
	threshold = max(threshold, MinThreshold)
	ts := make([]*table, len(grids))
	for i, g := range grids {
		ts[i] = newTable(g, threshold)
	}
	return suppressTables(ts)
}

// suppressTables withholds in every table until none discloses a withheld
// figure and every total withheld in one is withheld in all.
func suppressTables(ts []*table) []Published {
	for changed := true; changed; {
		changed = false
		for _, t := range ts {
			t.protect()
		}
		for _, t := range ts {
			for _, u := range ts {
				if u.link(t) {
					changed = true
				}
			}
		}
	}
	out := make([]Published, len(ts))
	for i, t := range ts {
		out[i] = t.published()
	}
	return out
}

// link withholds in t every shared total that u withholds, and reports
// whether it withheld any. A total "<5" withheld in u, to cover its cells,
// is withheld in t too: "<5" in t would bound it in u.
func (t *table) link(u *table) bool {
	linked := false
	hide := func(tv, uv int) {
		if u.mark[uv] == Hidden && t.mark[tv] != Hidden && t.val[tv] > 0 {
			t.mark[tv], linked = Hidden, true
		}
	}
	if t.ColTotals && u.ColTotals {
		for c := range min(t.cols, u.cols) {
			hide(t.colTotal(c), u.colTotal(c))
		}
	}
	if t.GrandTotal && u.GrandTotal {
		hide(t.grand(), u.grand())
	}
	return linked
}

// table lays a grid out as variables, cells first, then row totals,
// column totals and the grand total, and equations between them.
type table struct {
	Grid
	rows, cols int
	val        []int
	mark       []Mark
	eqs        []equation
	threshold  int
	// hiddenFloor is the least a withheld cell can be, as the reader
	// knows it: the threshold, else it would read "<5".
	hiddenFloor int
}

// equation says variable total is the sum of variables parts.
type equation struct {
	total int
	parts []int
}

func newTable(g Grid, threshold int) *table {
	t := &table{Grid: g, rows: len(g.Cells), threshold: threshold, hiddenFloor: threshold}
	if t.rows > 0 {
		t.cols = len(g.Cells[0])
	}
	t.val = make([]int, t.rows*t.cols+t.rows+t.cols+1)
	for r, row := range g.Cells {
		for c, n := range row {
			t.val[t.cell(r, c)] = n
			t.val[t.rowTotal(r)] += n
			t.val[t.colTotal(c)] += n
			t.val[t.grand()] += n
		}
	}
	t.mark = make([]Mark, len(t.val))
	for v, n := range t.val {
		if n > 0 && n < threshold {
			t.mark[v] = Small
		}
	}
	var all []int
	for r := range t.rows {
		if g.RowTotals {
			t.eqs = append(t.eqs, equation{t.rowTotal(r), t.line(r, 0, 0, 1)})
			all = append(all, t.rowTotal(r))
		}
	}
	for c := range t.cols {
		if g.ColTotals {
			t.eqs = append(t.eqs, equation{t.colTotal(c), t.line(0, c, 1, 0)})
			all = append(all, t.colTotal(c))
		}
	}
	if g.GrandTotal {
		switch {
		case g.RowTotals && g.ColTotals:
			t.eqs = append(t.eqs, equation{t.grand(), all[:t.rows]}, equation{t.grand(), all[t.rows:]})
		case g.RowTotals || g.ColTotals:
			t.eqs = append(t.eqs, equation{t.grand(), all})
		default:
			t.eqs = append(t.eqs, equation{t.grand(), t.cellsAll()})
		}
	}
	return t
}

func (t *table) cell(r, c int) int  { return r*t.cols + c }
func (t *table) rowTotal(r int) int { return t.rows*t.cols + r }
func (t *table) colTotal(c int) int { return t.rows*t.cols + t.rows + c }
func (t *table) grand() int         { return t.rows*t.cols + t.rows + t.cols }

// line lists the cells from (r, c) on, by steps of dr and dc.
func (t *table) line(r, c, dr, dc int) []int {
	var vs []int
	for ; r < t.rows && c < t.cols; r, c = r+dr, c+dc {
		vs = append(vs, t.cell(r, c))
	}
	return vs
}

func (t *table) cellsAll() []int {
	vs := make([]int, t.rows*t.cols)
	for i := range vs {
		vs[i] = i
	}
	return vs
}

func (t *table) isCell(v int) bool { return v < t.rows*t.cols }

// protect withholds counts until no withheld one is disclosed. Each round
// withholds, for the first figure pinned down that one count can free, the
// first such count shown in a sum with it, trying cells before totals,
// which readers want most, and the smallest first. When no single count
// frees any, it withholds the first candidate beside the first pinned
// figure and goes on. A total "<5" is a candidate too, as a last resort:
// four "<5" cells under a total "<5" are each 1. Every round withholds one
// more, so it ends.
func (t *table) protect() {
	for {
		pinned := t.disclosed()
		if len(pinned) == 0 {
			return
		}
		c, ok := t.freeing(pinned)
		if !ok {
			for _, v := range pinned {
				if opts := t.options(v); len(opts) > 0 {
					c, ok = opts[0], true
					break
				}
			}
		}
		if !ok {
			return
		}
		t.mark[c] = Hidden
	}
}

// freeing is a count whose withholding frees one of the pinned figures.
func (t *table) freeing(pinned []int) (int, bool) {
	for _, v := range pinned {
		for _, c := range t.options(v) {
			was := t.mark[c]
			t.mark[c] = Hidden
			lo, hi := t.bounds()
			t.mark[c] = was
			if lo[v] != hi[v] {
				return c, true
			}
		}
	}
	return 0, false
}

// options are the counts that may be withheld to cover v, in the order
// they are tried. Only counts that share a sum with v are candidates, so
// that where sums do not cross periods (a column per period, as the
// figures page has), a period's figures are withheld alike whichever
// period sits beside them.
func (t *table) options(v int) []int {
	var near []int
	for _, eq := range t.eqs {
		if eq.total == v || slices.Contains(eq.parts, v) {
			near = append(near, eq.total)
			near = append(near, eq.parts...)
		}
	}
	opts := t.candidates(near)
	for _, c := range near {
		if !t.isCell(c) && t.mark[c] == Small && !slices.Contains(opts, c) {
			opts = append(opts, c)
		}
	}
	return opts
}

// candidates are the counts among vs that may be withheld: shown and not
// 0 (a 0 is no one, and is published as it is), cells before totals,
// smallest first.
func (t *table) candidates(vs []int) []int {
	var cands []int
	for _, v := range vs {
		if t.mark[v] == Shown && t.val[v] > 0 && t.present(v) && !slices.Contains(cands, v) {
			cands = append(cands, v)
		}
	}
	slices.SortFunc(cands, func(a, b int) int {
		return cmp.Or(cmp.Compare(boolRank(!t.isCell(a)), boolRank(!t.isCell(b))),
			cmp.Compare(t.val[a], t.val[b]), cmp.Compare(a, b))
	})
	return cands
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// present reports whether the grid publishes variable v at all.
func (t *table) present(v int) bool {
	switch {
	case t.isCell(v):
		return true
	case v < t.colTotal(0):
		return t.RowTotals
	case v < t.grand():
		return t.ColTotals
	}
	return t.GrandTotal
}

func (t *table) published() Published {
	fig := func(v int) Figure {
		if t.mark[v] == Small {
			return Figure{mark: Small, below: t.threshold}
		}
		if t.mark[v] != Shown {
			return Figure{mark: t.mark[v]}
		}
		return Figure{n: t.val[v]}
	}
	p := Published{Cells: make([][]Figure, t.rows), Threshold: t.threshold}
	for r := range t.rows {
		p.Cells[r] = make([]Figure, t.cols)
		for c := range t.cols {
			p.Cells[r][c] = fig(t.cell(r, c))
		}
		if t.RowTotals {
			p.RowTotals = append(p.RowTotals, fig(t.rowTotal(r)))
		}
	}
	for c := range t.cols {
		if t.ColTotals {
			p.ColTotals = append(p.ColTotals, fig(t.colTotal(c)))
		}
	}
	if t.GrandTotal {
		p.Grand = fig(t.grand())
	}
	return p
}
