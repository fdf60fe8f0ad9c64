package load

import (
	"runtime/metrics"
	"time"
)

// schedLatency is the Go scheduler's histogram of how long goroutines
// waited to run. Under a flood argon2id holds every core; a staff page or
// a receipt page waits its turn here before it does any work.
type schedLatency struct {
	counts  []uint64
	buckets []float64
}

const schedMetric = "/sched/latencies:seconds"

func readSchedLatency() schedLatency {
	s := []metrics.Sample{{Name: schedMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return schedLatency{}
	}
	h := s[0].Value.Float64Histogram()
	return schedLatency{counts: append([]uint64(nil), h.Counts...), buckets: h.Buckets}
}

// quantileSince is the q-quantile of the waits since earlier, by the upper
// bound of its bucket; 0 when nothing waited or the runtime does not say.
func (l schedLatency) quantileSince(earlier schedLatency, q float64) time.Duration {
	if len(l.counts) == 0 || len(earlier.counts) != len(l.counts) {
		return 0
	}
	var total uint64
	diff := make([]uint64, len(l.counts))
	for i := range l.counts {
		diff[i] = l.counts[i] - earlier.counts[i]
		total += diff[i]
	}
	if total == 0 {
		return 0
	}
	want := uint64(q * float64(total))
	var seen uint64
	for i, n := range diff {
		seen += n
		if seen > want {
			return time.Duration(l.buckets[i+1] * float64(time.Second))
		}
	}
	return 0
}
