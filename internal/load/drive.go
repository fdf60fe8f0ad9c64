package load

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// phase is one stretch of load: a mix at an offered rate (open loop) or
// at a concurrency (closed loop), until its duration or request count.
type phase struct {
	mix         Mix
	rate        float64
	concurrency int
	duration    time.Duration
	maxRequests int
}

// drive runs a phase and returns what it recorded and how long it took,
// from the first request to the last answer.
func (c *client) drive(ctx context.Context, p phase) (*recorder, time.Duration) {
	rec := newRecorder()
	start := time.Now()
	if p.rate > 0 {
		c.openLoop(ctx, p, rec, start)
	} else {
		c.closedLoop(ctx, p, rec, start)
	}
	return rec, time.Since(start)
}

// openLoop sends requests at the offered rate whatever the answers, as
// independent applicants do. A request's latency counts from when it was
// due, so that a client falling behind does not hide a slow server.
func (c *client) openLoop(ctx context.Context, p phase, rec *recorder, start time.Time) {
	var wg sync.WaitGroup
	interval := time.Duration(float64(time.Second) / p.rate)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for i := 0; p.maxRequests <= 0 || i < p.maxRequests; i++ {
		due := start.Add(time.Duration(i) * interval)
		if p.duration > 0 && due.Sub(start) >= p.duration {
			break
		}
		timer.Reset(time.Until(due))
		select {
		case <-ctx.Done():
			wg.Wait()
			return
		case <-timer.C:
		}
		op := p.mix.pick(rand.Float64())
		wg.Go(func() { c.one(ctx, op, due, rec) })
	}
	wg.Wait()
}

// closedLoop runs concurrency clients, each sending its next request when
// the last is answered.
func (c *client) closedLoop(ctx context.Context, p phase, rec *recorder, start time.Time) {
	var wg sync.WaitGroup
	var sent atomic.Int64
	for range p.concurrency {
		wg.Go(func() {
			for ctx.Err() == nil && (p.duration <= 0 || time.Since(start) < p.duration) &&
				(p.maxRequests <= 0 || sent.Add(1) <= int64(p.maxRequests)) {
				c.one(ctx, p.mix.pick(rand.Float64()), time.Now(), rec)
			}
		})
	}
	wg.Wait()
}

// one sends a request of op and records it. A check with no receipt to
// check yet is a form submission instead.
func (c *client) one(ctx context.Context, op Op, due time.Time, rec *recorder) {
	name, err := string(op), error(nil)
	switch op {
	case OpSubmit:
		err = c.submitForm(ctx)
	case OpAPI:
		err = c.submitAPI(ctx)
	case OpCheck:
		var checked bool
		if checked, err = c.check(ctx); !checked {
			name, err = string(OpSubmit), c.submitForm(ctx)
		}
	case OpStaff:
		name, err = c.staffPage(ctx)
	}
	rec.add(name, time.Since(due), err)
}
