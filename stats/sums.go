package stats

// Part is a figure already published on a page of its own, a month's or a
// quarter's, with the count behind it, that a sum adds up.
type Part struct {
	Count  int
	Figure Figure
}

// Sums is a table of sums of published figures, such as a range of
// months, each figure the sum of its months' (or its whole quarters'):
// Rows[r] are the parts of row r, Total those of the table's total, nil
// for a table without one.
type Sums struct {
	Rows  [][]Part
	Total []Part
}

// PublishSums publishes tables of sums, those whose totals count the same
// people together, as SuppressLinked does; each comes out as one column,
// with its total when it has one.
//
// A reader holds every month's and quarter's page as well as the range's,
// and a range's sums would give away any withheld figure they add with
// shown ones (the range less its shown months is the withheld month). So a
// sum is shown only when every figure it adds is shown, when it tells no
// more than those pages; it reads "<5" only when it adds one "<5" and
// otherwise 0s, when it is that figure; else it is withheld, and a
// withheld sum is at least 1, which its withheld parts already say. Then
// the complementary rule runs over the range's own table, so that no
// withheld sum can be worked out from the range's total and its other
// rows either.
func PublishSums(threshold int, tables ...Sums) []Published {
	threshold = max(threshold, MinThreshold)
	ts := make([]*table, len(tables))
	for i, s := range tables {
		if len(s.Rows) == 0 {
			// A total alone is a table of one row, which is the total.
			s.Rows = [][]Part{s.Total}
		}
		g := Grid{Cells: make([][]int, len(s.Rows)), ColTotals: s.Total != nil}
		for r, parts := range s.Rows {
			g.Cells[r] = []int{sumOf(parts)}
		}
		t := newTable(g, threshold)
		// A withheld sum may be below the threshold (two "<5" months), so
		// the reader knows only that it is at least 1.
		t.hiddenFloor = 1
		for r, parts := range s.Rows {
			t.mark[t.cell(r, 0)] = sumMark(parts, threshold)
		}
		if s.Total != nil {
			t.mark[t.colTotal(0)] = sumMark(s.Total, threshold)
		}
		ts[i] = t
	}
	pubs := suppressTables(ts)
	for i, s := range tables {
		if len(s.Rows) == 0 {
			pubs[i].Cells = nil
		}
	}
	return pubs
}

func sumOf(parts []Part) int {
	n := 0
	for _, p := range parts {
		n += p.Count
	}
	return n
}

// sumMark is how a sum of parts is published: shown if all of them are,
// "<5" if it is one "<5" and 0s, else withheld.
func sumMark(parts []Part, threshold int) Mark {
	withheld, small := 0, 0
	for _, p := range parts {
		switch p.Figure.Mark() {
		case Small:
			withheld, small = withheld+1, small+1
		case Hidden:
			withheld++
		}
	}
	switch {
	case withheld == 0:
		return Shown
	case withheld == 1 && small == 1 && sumOf(parts) < threshold:
		return Small
	}
	return Hidden
}

// PublishSums publishes tables of sums as PublishSums does, or every sum
// as it is when the rule is Exact.
func (r Rule) PublishSums(tables ...Sums) []Published {
	if !r.Exact {
		return PublishSums(r.Threshold, tables...)
	}
	out := make([]Published, len(tables))
	for i, s := range tables {
		out[i].Cells = make([][]Figure, len(s.Rows))
		for row, parts := range s.Rows {
			out[i].Cells[row] = []Figure{{n: sumOf(parts)}}
		}
		if s.Total != nil {
			out[i].ColTotals = []Figure{{n: sumOf(s.Total)}}
		}
	}
	return out
}
