package stats

import (
	"fmt"
	"math"
)

// Change is a count against the same count in a comparison period, as the
// press gives it: "577 vs 305: +89%".
type Change struct {
	Now, Before int
}

// Trend names what a change did.
type Trend string

const (
	TrendSame Trend = "same"
	TrendUp   Trend = "up"
	TrendDown Trend = "down"
	// TrendNew is a count that was 0 before: no percentage measures it.
	TrendNew Trend = "new"
)

// Trend is what the change did.
func (c Change) Trend() Trend {
	switch {
	case c.Now == c.Before:
		return TrendSame
	case c.Before == 0:
		return TrendNew
	case c.Now > c.Before:
		return TrendUp
	}
	return TrendDown
}

// Percent is the change in whole percent of the earlier count, rounded
// half away from zero: 577 against 305 is 89, 0 against 12 is -100. It is
// false when the earlier count is 0.
func (c Change) Percent() (int, bool) {
	if c.Before == 0 {
		return 0, false
	}
	return int(math.Round(float64(c.Now-c.Before) * 100 / float64(c.Before))), true
}

// Signed is the percentage with its sign, "+89%", "−100%" (a minus sign,
// not a hyphen) or "0%"; "" when the earlier count is 0.
func (c Change) Signed() string {
	pct, ok := c.Percent()
	switch {
	case !ok:
		return ""
	case pct < 0:
		return fmt.Sprintf("−%d%%", -pct)
	case pct > 0 || c.Now > c.Before:
		return fmt.Sprintf("+%d%%", pct)
	}
	return "0%"
}

// String is the change in English, for a terminal: "577 vs 305: +89%",
// "7 vs 0: new", "0 vs 0: no change".
func (c Change) String() string {
	s := fmt.Sprintf("%d vs %d: ", c.Now, c.Before)
	switch c.Trend() {
	case TrendNew:
		return s + "new"
	case TrendSame:
		return s + "no change"
	}
	return s + c.Signed()
}
