package load

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/pprof"
	"time"

	"tropa/seal"
)

// Targets a run is held to: tropa keeps up with most of what argon2id
// allows, applicants wait under a second, staff can still work.
const (
	TargetRatio     = 0.8
	TargetSubmitP99 = time.Second
	TargetStaffP99  = 200 * time.Millisecond
)

// Run measures the ceiling, then drives the server, prints the report to
// o.Out and returns it.
func Run(ctx context.Context, o Options) (rep *Report, err error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	rep = &Report{Cores: runtime.GOMAXPROCS(0), Params: seal.ReceiptParams, Mix: o.Mix, Rate: o.Rate,
		Concurrency: o.Concurrency, SelfHosted: o.URL == "", FoundCeiling: o.FindCeiling}
	// The ceiling is measured with production's cost even when the
	// in-process server is told to use a cheaper one: it is the machine's.
	fmt.Fprintf(o.Out, "measuring the ceiling: argon2id receipt derivations on %d cores for %s…\n", rep.Cores, o.CeilingTime)
	cpu0, start := cpuTime(), time.Now()
	rep.CeilingBefore = seal.Capacity(ctx, rep.Params, rep.Cores, o.CeilingTime)
	rep.Ceiling = rep.CeilingBefore
	if derived := rep.CeilingBefore * time.Since(start).Seconds(); derived > 0 {
		rep.CPUPerDerivation = time.Duration(float64(cpuTime()-cpu0) / derived)
	}

	base, staff := o.URL, o.Staff
	if o.URL == "" {
		fmt.Fprintln(o.Out, "starting tropa in a temporary data directory…")
		h, err := selfHost(ctx, &o)
		if err != nil {
			return nil, err
		}
		defer func() { err = errors.Join(err, h.stop()) }()
		base, staff = h.url, h.staff
	}
	c := newClient(base)
	if o.Mix[OpStaff] > 0 {
		if err := c.login(ctx, staff); err != nil {
			return nil, err
		}
	}
	if o.CPUProfile != nil {
		if err := pprof.StartCPUProfile(o.CPUProfile); err != nil {
			return nil, err
		}
	}
	heap, sched := watchHeap(), readSchedLatency()
	if o.FindCeiling {
		err = c.findCeiling(ctx, &o, rep)
	} else {
		cpu0 := cpuTime()
		rec, elapsed := c.drive(ctx, phase{mix: o.Mix, rate: o.Rate, concurrency: o.Concurrency,
			duration: o.Duration, maxRequests: o.MaxRequests})
		rep.fill(rec, elapsed, cpuTime()-cpu0)
	}
	if o.CPUProfile != nil {
		pprof.StopCPUProfile()
	}
	rep.ReceiptsOpened = int(c.checked.Load())
	rep.SchedP99 = readSchedLatency().quantileSince(sched, 0.99)
	if rep.SelfHosted {
		rep.PeakHeap, rep.PeakRSS = heap.end(), peakRSS()
	} else {
		heap.end()
	}
	// On a machine shared with other work the ceiling moves: measured
	// again after the load, the mean of the two is the fairer yardstick.
	if !o.FindCeiling {
		rep.CeilingAfter = seal.Capacity(ctx, rep.Params, rep.Cores, o.CeilingTime)
	}
	rep.Ceiling = (rep.CeilingBefore + rep.CeilingAfter) / 2
	rep.Print(o.Out)
	return rep, err
}

// findCeiling offers ever more submissions, from half the ceiling up in
// tenths of it, each for a step's time, until a step tropa does not keep up
// with: fewer than 95% of the requests sent answered, an error, or p99 over
// a second. It then tries once halfway between that step and the one
// before, so that the figure found is within a twentieth of the ceiling.
// The ceiling is measured again after every step, so that each is read
// against the machine as it was then; the steps grow from the highest
// ceiling seen, so that a slow first measurement does not keep them low.
// The report is of the step kept up with that came closest to its ceiling.
func (c *client) findCeiling(ctx context.Context, o *Options, rep *Report) error {
	derivingShare := o.Mix.share(OpSubmit, OpAPI, OpCheck)
	submitShare := o.Mix.share(OpSubmit, OpAPI)
	before, base := rep.CeilingBefore, rep.CeilingBefore
	best := -1.0
	for r := (ramp{tenths: 5}); r.tenths <= 15 && ctx.Err() == nil; {
		rate := r.tenths / 10 * base / derivingShare
		cpu0 := cpuTime()
		rec, elapsed := c.drive(ctx, phase{mix: o.Mix, rate: rate, duration: o.StepTime})
		cpu := cpuTime() - cpu0
		after := seal.Capacity(ctx, rep.Params, rep.Cores, o.CeilingTime)
		try := &Report{Ceiling: (before + after) / 2}
		try.fill(rec, elapsed, cpu)
		kept := try.Errors() == 0 && try.SubmitP99 < TargetSubmitP99 &&
			float64(try.Answered()) >= 0.95*rate*o.StepTime.Seconds()
		fmt.Fprintf(o.Out, "offered %6.1f submissions/s: %6.1f/s answered (%.0f%% of a ceiling of %.1f), p99 %s, %d errors%s\n",
			rate*submitShare, try.Submissions, 100*try.Ratio(), try.Ceiling, round(try.SubmitP99), try.Errors(),
			map[bool]string{false: ": not kept up"}[kept])
		if (kept && try.Ratio() > best) || rep.Ops == nil {
			rep.Rate, rep.CeilingBefore, rep.CeilingAfter = rate, before, after
			rep.fill(rec, elapsed, cpu)
			if kept {
				best = try.Ratio()
			}
		}
		before = after
		if !r.next(kept) {
			return nil
		}
		if kept {
			base = max(base, after)
		}
	}
	return ctx.Err()
}

// ramp is findCeiling's schedule of offered rates, in tenths of the
// ceiling.
type ramp struct {
	tenths  float64
	kept    bool // some step was kept up with
	halfway bool // the step between the last kept and the first not is taken
}

// next moves to the step after one that was or was not kept up with, and
// says whether there is one.
func (r *ramp) next(kept bool) bool {
	switch {
	case r.halfway || (!kept && !r.kept):
		return false
	case !kept:
		r.halfway = true
		r.tenths -= 0.5
	default:
		r.kept = true
		r.tenths++
	}
	return true
}
