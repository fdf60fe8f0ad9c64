package stats

import (
	"maps"
	"slices"
)

// Median is the median of a count of requests by whole days (days to
// first reply, say): the middle one's days, or halfway between the two
// middle ones'. It is published, true, only when at least the threshold
// stand behind it, for the median of three is the middle one's own wait;
// under an exact rule, when any do.
func (r Rule) Median(byDays map[int]int) (float64, bool) {
	n := 0
	for _, c := range byDays {
		n += c
	}
	if n == 0 || !r.Exact && n < max(r.Threshold, MinThreshold) {
		return 0, false
	}
	days := slices.Sorted(maps.Keys(byDays))
	// at is the days of the i-th request, from 0, in order of days.
	at := func(i int) int {
		for _, d := range days {
			if i < byDays[d] {
				return d
			}
			i -= byDays[d]
		}
		return days[len(days)-1]
	}
	return float64(at((n-1)/2)+at(n/2)) / 2, true
}
