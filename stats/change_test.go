package stats_test

import (
	"testing"

	"tropa/stats"
)

func TestChange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		now, before int
		trend       stats.Trend
		signed      string
		text        string
	}{
		{577, 305, stats.TrendUp, "+89%", "577 vs 305: +89%"},
		{54, 218, stats.TrendDown, "−75%", "54 vs 218: −75%"},
		{0, 12, stats.TrendDown, "−100%", "0 vs 12: −100%"},
		{7, 0, stats.TrendNew, "", "7 vs 0: new"},
		{0, 0, stats.TrendSame, "", "0 vs 0: no change"},
		{40, 40, stats.TrendSame, "0%", "40 vs 40: no change"},
		{1001, 1000, stats.TrendUp, "+0%", "1001 vs 1000: +0%"},
		{3, 2, stats.TrendUp, "+50%", "3 vs 2: +50%"},
		{1, 8, stats.TrendDown, "−88%", "1 vs 8: −88%"},
	}
	for _, tt := range tests {
		c := stats.Change{Now: tt.now, Before: tt.before}
		if c.Trend() != tt.trend || c.Signed() != tt.signed || c.String() != tt.text {
			t.Errorf("%d vs %d: %s %q %q, want %s %q %q", tt.now, tt.before, c.Trend(), c.Signed(), c.String(),
				tt.trend, tt.signed, tt.text)
		}
	}
}
