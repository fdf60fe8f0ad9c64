package stats

// MaxThreshold is the largest threshold an organization may set: above
// it a month's figures of any organization tropa is for would read
// "<N" almost everywhere, and say nothing.
const MaxThreshold = 100

// Rule is how figures are published: counts from 1 to below Threshold
// withheld with the complementary counts beside them, or, when Exact,
// every count as it is. Exact is for a screen of staff who may read
// figures, never for what leaves the server as publishable.
type Rule struct {
	Threshold int
	Exact     bool
}

// Publish publishes grids whose column totals and grand totals count the
// same people, as SuppressLinked does, or every count as it is when the
// rule is Exact.
func (r Rule) Publish(grids ...Grid) []Published {
	if !r.Exact {
		return SuppressLinked(r.Threshold, grids...)
	}
	out := make([]Published, len(grids))
	for i, g := range grids {
		// No count is below a threshold of 0, so every one is Shown.
		out[i] = newTable(g, 0).published()
	}
	return out
}
