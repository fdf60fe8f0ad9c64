package stats

import "testing"

// Medians worked out by hand: the middle of an odd count, halfway between
// the two middle ones of an even count, and withheld below the threshold
// unless the rule is exact.
func TestMedianByHand(t *testing.T) {
	safe, exact := Rule{Threshold: 5}, Rule{Threshold: 5, Exact: true}
	tests := []struct {
		name   string
		rule   Rule
		byDays map[int]int
		want   float64
		ok     bool
	}{
		// 0 0 1 3 9: the third.
		{"odd", safe, map[int]int{0: 2, 1: 1, 3: 1, 9: 1}, 1, true},
		// 0 1 1 2 4 7: between 1 and 2.
		{"even", safe, map[int]int{0: 1, 1: 2, 2: 1, 4: 1, 7: 1}, 1.5, true},
		// 2 2 2 2 2 30 30 30 30 30: between 2 and 30.
		{"two halves", safe, map[int]int{2: 5, 30: 5}, 16, true},
		{"all on one day", safe, map[int]int{0: 8}, 0, true},
		{"four", safe, map[int]int{1: 2, 5: 2}, 0, false},
		{"none", safe, nil, 0, false},
		{"four, exact", exact, map[int]int{1: 2, 5: 2}, 3, true},
		{"one, exact", exact, map[int]int{6: 1}, 6, true},
		{"none, exact", exact, map[int]int{}, 0, false},
		// A threshold below the least is the least: three stand behind it.
		{"threshold 0", Rule{}, map[int]int{1: 1, 2: 1, 3: 1}, 2, true},
		{"threshold 0, two", Rule{}, map[int]int{1: 1, 2: 1}, 0, false},
	}
	for _, tt := range tests {
		got, ok := tt.rule.Median(tt.byDays)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: Median(%v) = %v, %v, want %v, %v", tt.name, tt.byDays, got, ok, tt.want, tt.ok)
		}
	}
}
