package load

import (
	"cmp"
	"errors"
	"slices"
	"sync"
	"time"
)

// recorder collects every request's latency and outcome by op.
type recorder struct {
	mu  sync.Mutex
	ops map[string]*opRecord
}

type opRecord struct {
	latencies []time.Duration
	errors    map[string]int
}

func newRecorder() *recorder {
	return &recorder{ops: make(map[string]*opRecord)}
}

func (r *recorder) add(op string, latency time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.ops[op]
	if !ok {
		rec = &opRecord{errors: make(map[string]int)}
		r.ops[op] = rec
	}
	if err == nil {
		rec.latencies = append(rec.latencies, latency)
		return
	}
	var f failure
	if !errors.As(err, &f) {
		f = failure("client error: " + err.Error())
	}
	rec.errors[string(f)]++
}

// OpStats are the figures of one op over a run. Latencies are of the
// requests that succeeded, measured from when they were due to be sent.
type OpStats struct {
	Op                 string
	OK                 int
	PerSecond          float64
	P50, P95, P99, Max time.Duration
	Errors             map[string]int
}

// Failed is how many requests of the op failed.
func (s OpStats) Failed() int {
	n := 0
	for _, c := range s.Errors {
		n += c
	}
	return n
}

func (r *recorder) stats(elapsed time.Duration) []OpStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []OpStats
	for name, rec := range r.ops {
		l := slices.Clone(rec.latencies)
		slices.Sort(l)
		s := OpStats{Op: name, OK: len(l), PerSecond: float64(len(l)) / elapsed.Seconds(), Errors: rec.errors}
		if len(l) > 0 {
			s.P50, s.P95, s.P99, s.Max = quantile(l, 0.50), quantile(l, 0.95), quantile(l, 0.99), l[len(l)-1]
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b OpStats) int { return cmp.Compare(a.Op, b.Op) })
	return out
}

// quantile of sorted l, by the nearest rank.
func quantile(l []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(l))+0.999999) - 1
	return l[min(max(i, 0), len(l)-1)]
}
