package stats_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"tropa/stats"
)

// figure is one published figure as a reader of the table sees it, with
// the count behind it for the test to check his sums against.
type figure struct {
	name  string
	mark  stats.Mark
	shown int
	truth int
	// pub is the figure as published.
	pub stats.Figure
}

// sum says that the figure total is the sum of parts.
type sum struct {
	total string
	parts []string
}

// reader is someone who holds a published table and knows how it adds up.
type reader struct {
	figs      map[string]figure
	sums      []sum
	threshold int
}

func newReader(g stats.Grid, p stats.Published) *reader {
	rd := &reader{figs: map[string]figure{}, threshold: p.Threshold}
	put := func(name string, f stats.Figure, truth int) {
		n, _ := f.Value()
		rd.figs[name] = figure{name: name, mark: f.Mark(), shown: n, truth: truth, pub: f}
	}
	rowTruth := make([]int, len(g.Cells))
	var colTruth []int
	grand := 0
	var rowNames, colNames, cells []string
	for r, row := range g.Cells {
		if colTruth == nil {
			colTruth = make([]int, len(row))
		}
		var parts []string
		for c, n := range row {
			name := fmt.Sprintf("cell %d,%d", r, c)
			put(name, p.Cells[r][c], n)
			parts, cells = append(parts, name), append(cells, name)
			rowTruth[r] += n
			colTruth[c] += n
			grand += n
		}
		if g.RowTotals {
			rowNames = append(rowNames, fmt.Sprintf("row %d", r))
			put(rowNames[r], p.RowTotals[r], rowTruth[r])
			rd.sums = append(rd.sums, sum{rowNames[r], parts})
		}
	}
	if g.ColTotals {
		for c := range colTruth {
			var parts []string
			for r := range g.Cells {
				parts = append(parts, fmt.Sprintf("cell %d,%d", r, c))
			}
			colNames = append(colNames, fmt.Sprintf("column %d", c))
			put(colNames[c], p.ColTotals[c], colTruth[c])
			rd.sums = append(rd.sums, sum{colNames[c], parts})
		}
	}
	if g.GrandTotal {
		put("grand", p.Grand, grand)
		rd.sums = append(rd.sums, sum{"grand", cells})
		if g.RowTotals {
			rd.sums = append(rd.sums, sum{"grand", rowNames})
		}
		if g.ColTotals {
			rd.sums = append(rd.sums, sum{"grand", colNames})
		}
	}
	return rd
}

// recompute tries to work out every withheld figure from what is shown:
// by subtraction (a sum with one figure unknown gives it), by the least a
// sum's unknowns can be ("<5" is at least 1, withheld at least 5) and by
// the most ("<5" is at most 4), over and over until nothing more comes
// out. It returns what it worked out.
func (rd *reader) recompute() map[string]int {
	known := map[string]int{}
	for name, f := range rd.figs {
		if f.mark == stats.Shown {
			known[name] = f.shown
		}
	}
	// A withheld cell is at least the threshold, else it would read
	// "<5"; a withheld total may be a "<5" withheld to cover its cells.
	least := func(name string) int {
		if rd.figs[name].mark == stats.Small || !isCell(name) {
			return 1
		}
		return rd.threshold
	}
	for found := true; found; {
		found = false
		learn := func(name string, n int) {
			if _, ok := known[name]; !ok {
				known[name], found = n, true
			}
		}
		for _, s := range rd.sums {
			var unknown []string
			rest := 0
			for _, p := range s.parts {
				if n, ok := known[p]; ok {
					rest += n
				} else {
					unknown = append(unknown, p)
				}
			}
			total, totalKnown := known[s.total]
			switch {
			case !totalKnown && len(unknown) == 0:
				learn(s.total, rest)
			case !totalKnown:
			case len(unknown) == 1:
				learn(unknown[0], total-rest)
			default:
				min, allSmall := 0, true
				for _, u := range unknown {
					min += least(u)
					allSmall = allSmall && rd.figs[u].mark == stats.Small
				}
				if total-rest == min {
					for _, u := range unknown {
						learn(u, least(u))
					}
				}
				if allSmall && total-rest == len(unknown)*(rd.threshold-1) {
					for _, u := range unknown {
						learn(u, rd.threshold-1)
					}
				}
			}
		}
	}
	return known
}

// check fails if the published table breaks a rule: a figure shown wrong,
// a small count or a 0 marked otherwise than the rule says, or a withheld
// figure the reader can work out.
func check(tb testing.TB, g stats.Grid, p stats.Published) {
	tb.Helper()
	rd := newReader(g, p)
	for name, f := range rd.figs {
		switch {
		case f.truth == 0 && f.mark != stats.Shown:
			tb.Errorf("%s is 0 and withheld (%d)", name, f.mark)
		case f.truth > 0 && f.truth < rd.threshold && f.mark != stats.Small &&
			(isCell(name) || f.mark != stats.Hidden):
			tb.Errorf("%s is %d and published as mark %d, want <%d", name, f.truth, f.mark, rd.threshold)
		case f.truth >= rd.threshold && f.mark == stats.Small:
			tb.Errorf("%s is %d and published as <%d", name, f.truth, rd.threshold)
		case f.mark == stats.Shown && f.shown != f.truth:
			tb.Errorf("%s is %d and shown as %d", name, f.truth, f.shown)
		}
	}
	for name, n := range rd.recompute() {
		f := rd.figs[name]
		if n != f.truth {
			tb.Fatalf("the reader worked %s out as %d, but it is %d: the test's sums are wrong", name, n, f.truth)
		}
		if f.mark != stats.Shown {
			tb.Errorf("%s, withheld, can be worked out from what is shown: %d", name, n)
		}
	}
	if tb.Failed() {
		tb.Logf("grid %v, totals: rows %v, columns %v, grand %v, threshold %d", g.Cells, g.RowTotals, g.ColTotals, g.GrandTotal, p.Threshold)
	}
}

// isCell reports whether the figure named name is a cell of its table,
// not a total: a withheld cell is at least the threshold.
func isCell(name string) bool { return strings.Contains(name, "cell ") }

func column(ns ...int) [][]int {
	cells := make([][]int, len(ns))
	for i, n := range ns {
		cells[i] = []int{n}
	}
	return cells
}

func TestSuppressByHand(t *testing.T) {
	t.Parallel()
	const S, H, O = stats.Small, stats.Hidden, stats.Shown
	tests := []struct {
		name  string
		grid  stats.Grid
		cells []stats.Mark
		total stats.Mark
	}{
		{"nothing small, nothing withheld", stats.Grid{Cells: column(218, 54, 0, 305), ColTotals: true},
			[]stats.Mark{O, O, O, O}, O},
		{"without a total, small cells alone", stats.Grid{Cells: column(5, 2, 0)},
			[]stats.Mark{O, S, O}, O},
		// 5 legal and 2 surrender of 7: the 7 gives the 2 away unless the 5
		// goes too.
		{"the smallest other cell goes with a small one", stats.Grid{Cells: column(5, 2, 0, 40), ColTotals: true},
			[]stats.Mark{H, S, O, O}, O},
		// 1 and 5 of 6: withholding the 5 is not enough, for a withheld
		// cell is at least 5, which leaves the "<5" only 1.
		{"the total goes when no cell can", stats.Grid{Cells: column(1, 5), ColTotals: true},
			[]stats.Mark{S, O}, H},
		// Four "<5" under a total "<5" are each 1, unless the total goes.
		{"a small total covers small cells", stats.Grid{Cells: column(1, 1, 1, 1, 0), ColTotals: true},
			[]stats.Mark{S, S, S, S, O}, H},
		{"two small cells cover each other", stats.Grid{Cells: column(3, 2, 20), ColTotals: true},
			[]stats.Mark{S, S, O}, O},
		{"a small total of one small cell", stats.Grid{Cells: column(3, 0, 0), ColTotals: true},
			[]stats.Mark{S, O, O}, S},
		{"nothing at all", stats.Grid{Cells: column(0, 0), ColTotals: true},
			[]stats.Mark{O, O}, O},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := stats.Suppress(tt.grid, stats.DefaultThreshold)
			for r := range tt.cells {
				if got := p.Cells[r][0].Mark(); got != tt.cells[r] {
					t.Errorf("row %d (%d) published as mark %d, want %d", r, tt.grid.Cells[r][0], got, tt.cells[r])
				}
			}
			if tt.grid.ColTotals && p.ColTotals[0].Mark() != tt.total {
				t.Errorf("total published as mark %d, want %d", p.ColTotals[0].Mark(), tt.total)
			}
			check(t, tt.grid, p)
		})
	}
}

// A quarter against the one before: categories by two periods, with each
// period's total; changes only where both counts are shown.
func TestSuppressComparison(t *testing.T) {
	t.Parallel()
	g := stats.Grid{Cells: [][]int{{120, 90}, {3, 12}, {30, 2}, {0, 0}, {7, 0}, {40, 0}}, ColTotals: true}
	p := stats.Suppress(g, stats.DefaultThreshold)
	check(t, g, p)
	if c, ok := stats.Compare(p.Cells[0][0], p.Cells[0][1]); !ok || c.Signed() != "+33%" {
		t.Errorf("first row's change = %v, %v; want +33%%", c, ok)
	}
	// The 7 is withheld, the smallest count beside the 3 in its period.
	if p.Cells[4][0].Mark() != stats.Hidden {
		t.Errorf("the 7 published as mark %d, want withheld", p.Cells[4][0].Mark())
	}
	for _, r := range []int{1, 2, 4} {
		if c, ok := stats.Compare(p.Cells[r][0], p.Cells[r][1]); ok {
			t.Errorf("row %d's change published, %v, beside a withheld count", r, c)
		}
	}
	if c, ok := stats.Compare(p.Cells[5][0], p.Cells[5][1]); !ok || c.Trend() != stats.TrendNew {
		t.Errorf("row 5's change = %v, %v; want new", c, ok)
	}
	if _, ok := stats.Compare(p.ColTotals[0], p.ColTotals[1]); !ok {
		t.Error("the totals' change is withheld, though both totals are large")
	}
}

// Tables of the same people by two splits share their totals: a total
// withheld in one is withheld in the other too.
func TestSuppressLinked(t *testing.T) {
	t.Parallel()
	byKind := stats.Grid{Cells: column(1, 5), ColTotals: true}
	byChannel := stats.Grid{Cells: column(6, 0), ColTotals: true}
	ps := stats.SuppressLinked(stats.DefaultThreshold, byKind, byChannel)
	if ps[0].ColTotals[0].Mark() != stats.Hidden || ps[1].ColTotals[0].Mark() != stats.Hidden {
		t.Errorf("totals published as marks %d and %d, want both withheld", ps[0].ColTotals[0].Mark(), ps[1].ColTotals[0].Mark())
	}
	check(t, byKind, ps[0])
	check(t, byChannel, ps[1])

	// Four kinds of one request each: their total "<5" is withheld, and
	// so it must be beside the channels, where alone it would read "<5".
	byKind = stats.Grid{Cells: column(1, 1, 1, 1), ColTotals: true}
	byChannel = stats.Grid{Cells: column(4, 0), ColTotals: true}
	ps = stats.SuppressLinked(stats.DefaultThreshold, byKind, byChannel)
	if ps[0].ColTotals[0].Mark() != stats.Hidden || ps[1].ColTotals[0].Mark() != stats.Hidden {
		t.Errorf("totals published as marks %d and %d, want both withheld", ps[0].ColTotals[0].Mark(), ps[1].ColTotals[0].Mark())
	}
	check(t, byKind, ps[0])
	check(t, byChannel, ps[1])
}

// randomGrid is a small table of counts, many of them small or 0, as a
// month's figures are, with some of the totals.
func randomGrid(rng *rand.Rand) stats.Grid {
	rows, cols := 1+rng.IntN(6), 1+rng.IntN(4)
	g := stats.Grid{Cells: make([][]int, rows), RowTotals: rng.IntN(2) == 0, ColTotals: rng.IntN(3) > 0,
		GrandTotal: rng.IntN(2) == 0}
	for r := range g.Cells {
		g.Cells[r] = make([]int, cols)
		for c := range g.Cells[r] {
			switch rng.IntN(4) {
			case 0:
			case 1:
				g.Cells[r][c] = 1 + rng.IntN(4)
			case 2:
				g.Cells[r][c] = 5 + rng.IntN(6)
			default:
				g.Cells[r][c] = rng.IntN(60)
			}
		}
	}
	return g
}

func TestSuppressRandomTables(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(16, 5))
	for i := range 5000 {
		g := randomGrid(rng)
		threshold := stats.DefaultThreshold
		if i%5 == 0 {
			threshold = stats.MinThreshold + rng.IntN(10)
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			check(t, g, stats.Suppress(g, threshold))
		})
		if t.Failed() {
			return
		}
	}
}

// Random tables split two ways over the same columns, such as requests by
// kind and by channel month by month, with their grand totals.
func TestSuppressRandomLinked(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(16, 55))
	for i := range 2000 {
		a := randomGrid(rng)
		a.ColTotals = true
		b := stats.Grid{Cells: make([][]int, 1+rng.IntN(4)), ColTotals: true, RowTotals: rng.IntN(2) == 0,
			GrandTotal: a.GrandTotal}
		for r := range b.Cells {
			b.Cells[r] = make([]int, len(a.Cells[0]))
		}
		for c := range a.Cells[0] {
			for r := range a.Cells {
				b.Cells[rng.IntN(len(b.Cells))][c] += a.Cells[r][c]
			}
		}
		ps := stats.SuppressLinked(stats.DefaultThreshold, a, b)
		for c := range ps[0].ColTotals {
			if ps[0].ColTotals[c] != ps[1].ColTotals[c] {
				t.Fatalf("table %d: column %d's total published as %v and %v", i, c, ps[0].ColTotals[c], ps[1].ColTotals[c])
			}
		}
		if ps[0].Grand != ps[1].Grand {
			t.Fatalf("table %d: grand total published as %v and %v", i, ps[0].Grand, ps[1].Grand)
		}
		check(t, a, ps[0])
		check(t, b, ps[1])
		if t.Failed() {
			t.Fatalf("table %d", i)
		}
	}
}

// A period's figures are withheld alike whichever period they are compared
// with: the month shown beside March and the month shown on its own page
// beside January must not each give away what the other withholds.
func TestSuppressPeriodAlike(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(16, 3))
	for i := range 2000 {
		g := randomGrid(rng)
		g.RowTotals, g.GrandTotal = false, false
		rows := len(g.Cells)
		months := [3][]int{}
		for m := range months {
			months[m] = make([]int, rows)
			for r := range rows {
				months[m][r] = g.Cells[r][rng.IntN(len(g.Cells[r]))] + rng.IntN(3)
			}
		}
		pair := func(a, b []int) stats.Grid {
			p := stats.Grid{Cells: make([][]int, rows), ColTotals: g.ColTotals}
			for r := range rows {
				p.Cells[r] = []int{a[r], b[r]}
			}
			return p
		}
		beside := stats.Suppress(pair(months[2], months[1]), stats.DefaultThreshold)
		alone := stats.Suppress(pair(months[1], months[0]), stats.DefaultThreshold)
		for r := range rows {
			if beside.Cells[r][1] != alone.Cells[r][0] {
				t.Fatalf("table %d, row %d: %d published as %v beside one month and %v beside another",
					i, r, months[1][r], beside.Cells[r][1], alone.Cells[r][0])
			}
		}
		if g.ColTotals && beside.ColTotals[1] != alone.ColTotals[0] {
			t.Fatalf("table %d: total published as %v and %v", i, beside.ColTotals[1], alone.ColTotals[0])
		}
	}
}
