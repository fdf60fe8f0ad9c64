package stats_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"tropa/stats"
)

// June "<5", July 40 and August 12 legal requests: the range's 55 less the
// months shown would be June's 3, so the range withholds its row; beside
// it, the total of 90 and the other row, 35, shown in every month, would
// give the 55 away, and the other row goes too.
func TestPublishSumsByHand(t *testing.T) {
	t.Parallel()
	legal := []stats.Part{{3, small(t, 3)}, {40, shownFig(t, 40)}, {12, shownFig(t, 12)}}
	other := []stats.Part{{10, shownFig(t, 10)}, {25, shownFig(t, 25)}, {0, shownFig(t, 0)}}
	total := []stats.Part{{13, shownFig(t, 13)}, {65, shownFig(t, 65)}, {12, shownFig(t, 12)}}
	p := stats.PublishSums(stats.DefaultThreshold, stats.Sums{Rows: [][]stats.Part{legal, other}, Total: total})[0]
	if p.Cells[0][0].Mark() != stats.Hidden {
		t.Errorf("legal over the range published as mark %d, want withheld", p.Cells[0][0].Mark())
	}
	if p.Cells[1][0].Mark() != stats.Hidden {
		t.Errorf("the other row published as mark %d, want withheld beside the legal", p.Cells[1][0].Mark())
	}
	if n, ok := p.ColTotals[0].Value(); !ok || n != 90 {
		t.Errorf("the total published as %d (%v), want 90", n, ok)
	}

	// A "<5" beside 0s is that "<5"; two are withheld, for "<5" over two
	// "<5" months would bound each.
	if p := stats.PublishSums(stats.DefaultThreshold, stats.Sums{Rows: [][]stats.Part{{{2, small(t, 2)}, {0, shownFig(t, 0)}}}})[0]; p.Cells[0][0].Mark() != stats.Small {
		t.Errorf("a \"<5\" and a 0 published as mark %d, want <5", p.Cells[0][0].Mark())
	}
	if p := stats.PublishSums(stats.DefaultThreshold, stats.Sums{Rows: [][]stats.Part{{{1, small(t, 1)}, {2, small(t, 2)}}}})[0]; p.Cells[0][0].Mark() != stats.Hidden {
		t.Errorf("two \"<5\" published as mark %d, want withheld", p.Cells[0][0].Mark())
	}
}

// small and shownFig are the figures a one-cell table publishes for n.
func small(tb testing.TB, n int) stats.Figure {
	tb.Helper()
	f := stats.Suppress(stats.Grid{Cells: column(n)}, stats.DefaultThreshold).Cells[0][0]
	if f.Mark() != stats.Small {
		tb.Fatalf("%d is not small", n)
	}
	return f
}

func shownFig(tb testing.TB, n int) stats.Figure {
	tb.Helper()
	f := stats.Suppress(stats.Grid{Cells: column(n)}, stats.DefaultThreshold).Cells[0][0]
	if f.Mark() != stats.Shown {
		tb.Fatalf("%d is not shown", n)
	}
	return f
}

// A reader holds the pages of every month and quarter of two years and of
// ranges of months across them, of requests by kind and by channel, and
// knows that a range adds its months up and that both splits count the
// same requests: for random counts, no withheld figure of any page comes
// out of them all together.
func TestPublishSumsAcrossPages(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(16, 24))
	start := time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)
	for i := range 200 {
		// counts[s][m][r] is row r's count in month m by split s; the
		// second split shares out each month's requests otherwise.
		counts := [2][][]int{make([][]int, 24), make([][]int, 24)}
		rows := [2]int{1 + rng.IntN(5), 1 + rng.IntN(3)}
		for m := range 24 {
			counts[0][m], counts[1][m] = make([]int, rows[0]), make([]int, rows[1])
			for r := range rows[0] {
				switch rng.IntN(4) {
				case 0:
				case 1:
					counts[0][m][r] = 1 + rng.IntN(4)
				case 2:
					counts[0][m][r] = 5 + rng.IntN(6)
				default:
					counts[0][m][r] = rng.IntN(40)
				}
				for range counts[0][m][r] {
					counts[1][m][rng.IntN(rows[1])]++
				}
			}
		}
		rd := &reader{figs: map[string]figure{}, threshold: stats.DefaultThreshold}
		for q := range 8 {
			var grids [2]stats.Grid
			for sp := range grids {
				grids[sp] = stats.Grid{Cells: make([][]int, rows[sp]), RowTotals: true, ColTotals: true, GrandTotal: true}
				for r := range rows[sp] {
					grids[sp].Cells[r] = []int{counts[sp][3*q][r], counts[sp][3*q+1][r], counts[sp][3*q+2][r]}
				}
			}
			pubs := stats.SuppressLinked(stats.DefaultThreshold, grids[0], grids[1])
			for sp := range grids {
				rd.add(fmt.Sprintf("s%d q%d ", sp, q), newReader(grids[sp], pubs[sp]))
			}
			for c := range 3 {
				rd.sums = append(rd.sums, sum{fmt.Sprintf("s0 q%d column %d", q, c), []string{fmt.Sprintf("s1 q%d column %d", q, c)}})
			}
			rd.sums = append(rd.sums, sum{fmt.Sprintf("s0 q%d grand", q), []string{fmt.Sprintf("s1 q%d grand", q)}})
		}
		// Figure names, as the quarter's reader names them, of row r's and
		// the total's figure of a part (a month or a quarter) by split sp.
		name := func(sp int, part stats.Period, r int) string {
			m := (part.First.Year()-start.Year())*12 + int(part.First.Month()) - 1
			switch {
			case part.Grain == stats.GrainQuarter && r < 0:
				return fmt.Sprintf("s%d q%d grand", sp, m/3)
			case part.Grain == stats.GrainQuarter:
				return fmt.Sprintf("s%d q%d row %d", sp, m/3, r)
			case r < 0:
				return fmt.Sprintf("s%d q%d column %d", sp, m/3, m%3)
			}
			return fmt.Sprintf("s%d q%d cell %d,%d", sp, m/3, r, m%3)
		}
		for k := range 6 {
			a, b := rng.IntN(24), rng.IntN(24)
			p, err := stats.Months(start.AddDate(0, min(a, b), 0), start.AddDate(0, max(a, b), 0))
			if err != nil {
				t.Fatal(err)
			}
			partsOf := func(sp, r int) ([]stats.Part, []string) {
				var ps []stats.Part
				var names []string
				for _, part := range p.Parts() {
					n := name(sp, part, r)
					f := rd.figs[n]
					ps, names = append(ps, stats.Part{Count: f.truth, Figure: f.pub}), append(names, n)
				}
				return ps, names
			}
			var tables [2]stats.Sums
			var names [2][][]string
			var totalNames [2][]string
			for sp := range tables {
				tables[sp].Rows, names[sp] = make([][]stats.Part, rows[sp]), make([][]string, rows[sp])
				for r := range rows[sp] {
					tables[sp].Rows[r], names[sp][r] = partsOf(sp, r)
				}
				tables[sp].Total, totalNames[sp] = partsOf(sp, -1)
			}
			pubs := stats.PublishSums(stats.DefaultThreshold, tables[0], tables[1])
			for sp, pub := range pubs {
				var rowNames []string
				for r := range rows[sp] {
					n := fmt.Sprintf("range %d %s s%d row %d", k, p, sp, r)
					rd.put(n, pub.Cells[r][0], sumOf(tables[sp].Rows[r]))
					rd.sums = append(rd.sums, sum{n, names[sp][r]})
					rowNames = append(rowNames, n)
				}
				n := fmt.Sprintf("range %d %s s%d total", k, p, sp)
				rd.put(n, pub.ColTotals[0], sumOf(tables[sp].Total))
				rd.sums = append(rd.sums, sum{n, totalNames[sp]}, sum{n, rowNames})
			}
			rd.sums = append(rd.sums, sum{fmt.Sprintf("range %d %s s0 total", k, p), []string{fmt.Sprintf("range %d %s s1 total", k, p)}})
		}
		for n, f := range rd.figs {
			if f.mark == stats.Shown && f.shown != f.truth {
				t.Fatalf("data %d: %s is %d and shown as %d", i, n, f.truth, f.shown)
			}
		}
		for n, got := range rd.recompute() {
			f := rd.figs[n]
			if got != f.truth {
				t.Fatalf("data %d: the reader worked %s out as %d, but it is %d: the test's sums are wrong", i, n, got, f.truth)
			}
			if f.mark != stats.Shown {
				t.Fatalf("data %d: %s, withheld, can be worked out from the pages together: %d", i, n, got)
			}
		}
	}
}

// add takes in what another reader holds, naming it with prefix.
func (rd *reader) add(prefix string, other *reader) {
	for n, f := range other.figs {
		f.name = prefix + n
		rd.figs[prefix+n] = f
	}
	for _, s := range other.sums {
		parts := make([]string, len(s.parts))
		for i, p := range s.parts {
			parts[i] = prefix + p
		}
		rd.sums = append(rd.sums, sum{prefix + s.total, parts})
	}
}

func (rd *reader) put(name string, f stats.Figure, truth int) {
	n, _ := f.Value()
	rd.figs[name] = figure{name: name, mark: f.Mark(), shown: n, truth: truth, pub: f}
}

func sumOf(parts []stats.Part) int {
	n := 0
	for _, p := range parts {
		n += p.Count
	}
	return n
}

// A table of a total alone, as the calls of a range are compared by their
// total: the total is published by the rule of any sum, and tables whose
// totals count the same people withhold them together.
func TestPublishSumsTotalAlone(t *testing.T) {
	t.Parallel()
	withheld := stats.Sums{Total: []stats.Part{{12, shownFig(t, 12)}, {3, small(t, 3)}}}
	shown := stats.Sums{Total: []stats.Part{{12, shownFig(t, 12)}, {30, shownFig(t, 30)}}}
	if p := stats.PublishSums(stats.DefaultThreshold, withheld)[0]; len(p.Cells) != 0 || p.ColTotals[0].Mark() != stats.Hidden {
		t.Errorf("12 and a \"<5\" published as %v, want the total withheld", p)
	}
	if n, ok := stats.PublishSums(stats.DefaultThreshold, shown)[0].ColTotals[0].Value(); !ok || n != 42 {
		t.Errorf("12 and 30 published as %d (%v), want 42", n, ok)
	}
	if p := stats.PublishSums(stats.DefaultThreshold, withheld, shown); p[1].ColTotals[0].Mark() != stats.Hidden {
		t.Errorf("a total beside one withheld published as mark %d, want withheld", p[1].ColTotals[0].Mark())
	}
}
