package stats

import (
	"math"
	"slices"
)

// unbounded stands for a count with no upper bound known.
const unbounded = math.MaxInt / 4

// disclosed lists the withheld variables that a reader can work out
// exactly from what is shown, in the order of the equations.
func (t *table) disclosed() []int {
	lo, hi := t.bounds()
	var pinned []int
	for _, eq := range t.eqs {
		for _, v := range append([]int{eq.total}, eq.parts...) {
			if t.mark[v] != Shown && lo[v] == hi[v] && !slices.Contains(pinned, v) {
				pinned = append(pinned, v)
			}
		}
	}
	return pinned
}

// bounds are the least and most each variable can be for a reader who
// knows every shown count, that a Small one is from 1 to threshold-1, that
// a Hidden cell is at least the threshold (else it would be Small), that a
// Hidden total is at least 1 (it may be a "<5" withheld to cover its
// cells), and every equation of the table. He narrows each variable's
// bounds by each equation in turn (the subtraction of the shown parts from
// a total is the simplest case) until nothing narrows any more.
func (t *table) bounds() (lo, hi []int) {
	lo = make([]int, len(t.val))
	hi = make([]int, len(t.val))
	for v := range t.val {
		switch {
		case t.mark[v] == Shown:
			lo[v], hi[v] = t.val[v], t.val[v]
		case t.mark[v] == Small:
			lo[v], hi[v] = 1, t.threshold-1
		case t.isCell(v):
			lo[v], hi[v] = t.hiddenFloor, unbounded
		default:
			lo[v], hi[v] = 1, unbounded
		}
	}
	for narrowed := true; narrowed; {
		narrowed = false
		for _, eq := range t.eqs {
			if narrow(eq, lo, hi) {
				narrowed = true
			}
		}
	}
	return lo, hi
}

// narrow tightens the bounds of eq's variables by eq and reports whether
// any moved.
func narrow(eq equation, lo, hi []int) bool {
	sumLo, sumHi := 0, 0
	for _, v := range eq.parts {
		sumLo = add(sumLo, lo[v])
		sumHi = add(sumHi, hi[v])
	}
	moved := tighten(eq.total, sumLo, sumHi, lo, hi)
	for _, v := range eq.parts {
		// The other parts' bounds, which are what is left of the sums
		// without v; an unbounded sum stays unbounded unless v alone
		// made it so, which the total then has to settle.
		othersLo := sumLo - lo[v]
		othersHi := unbounded
		if sumHi < unbounded {
			othersHi = sumHi - hi[v]
		} else if hi[v] == unbounded && countUnbounded(eq.parts, hi) == 1 {
			othersHi = sumFinite(eq.parts, v, hi)
		}
		newLo := lo[eq.total] - othersHi
		if othersHi == unbounded {
			newLo = 0
		}
		newHi := unbounded
		if hi[eq.total] < unbounded {
			newHi = hi[eq.total] - othersLo
		}
		if tighten(v, newLo, newHi, lo, hi) {
			moved = true
		}
	}
	return moved
}

// tighten raises lo[v] to l and lowers hi[v] to h where that narrows them.
func tighten(v, l, h int, lo, hi []int) bool {
	moved := false
	if l > lo[v] {
		lo[v], moved = l, true
	}
	if h < hi[v] {
		hi[v], moved = h, true
	}
	return moved
}

func add(a, b int) int {
	if a >= unbounded || b >= unbounded {
		return unbounded
	}
	return a + b
}

func countUnbounded(vs []int, hi []int) int {
	n := 0
	for _, v := range vs {
		if hi[v] >= unbounded {
			n++
		}
	}
	return n
}

func sumFinite(vs []int, skip int, hi []int) int {
	s := 0
	for _, v := range vs {
		if v != skip {
			s += hi[v]
		}
	}
	return s
}
