package desk

import (
	"context"
	"time"

	"tropa"
)

// A lease lasts leaseTime unless its holder renews it, which it does every
// renewEvery, so that a renewal or two may fail on the way without another
// node taking over. The nodes without it ask every tryEvery: when its
// holder dies, another holds it within leaseTime and tryEvery. Nodes'
// clocks must agree to within leaseTime less renewEvery.
const (
	leaseTime  = 30 * time.Second
	renewEvery = leaseTime / 3
	tryEvery   = 5 * time.Second
)

// updatesKept is how long the ids of Telegram updates taken are kept:
// Telegram gives up delivering an update after a day.
const updatesKept = 24 * time.Hour

// Lead runs work while this node, as holder, holds the lease called name,
// and returns once ctx has ended and work with it. Every node may call it
// with its own holder: one at a time runs work. When a renewal fails, work's
// context ends at once and the node waits its turn again; when work ends by
// itself, the lease is let go and the node asks again after leaseTime. holder
// is a random id the node made when it started: it is logged, and names no
// host.
func (d *Desk) Lead(ctx context.Context, name, holder string, work func(context.Context)) {
	for ctx.Err() == nil {
		wait := tryEvery
		ok, err := d.takeLease(ctx, name, holder)
		switch {
		case err != nil && ctx.Err() == nil:
			d.cfg.Logger.Warn("lease: cannot ask for it", "lease", name, "err", err)
		case ok:
			if d.lead(ctx, name, holder, work) {
				wait = leaseTime
			}
		}
		select {
		case <-ctx.Done():
		case <-d.cfg.After(wait):
		}
	}
}

// lead runs work, renewing the lease, until ctx ends, a renewal fails or
// work ends by itself, which it reports.
func (d *Desk) lead(ctx context.Context, name, holder string, work func(context.Context)) (ended bool) {
	d.cfg.Logger.Info("lease: this node took it", "lease", name, "node", holder)
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		work(wctx)
	}()
	for {
		select {
		case <-done:
			d.release(ctx, name, holder)
			d.cfg.Logger.Info("lease: this node let it go, its work having ended", "lease", name, "node", holder)
			return true
		case <-ctx.Done():
			stop()
			<-done
			d.release(ctx, name, holder)
			return false
		case <-d.cfg.After(renewEvery):
		}
		ok, err := d.takeLease(ctx, name, holder)
		if ctx.Err() != nil {
			continue
		}
		if !ok || err != nil {
			stop()
			<-done
			d.cfg.Logger.Warn("lease: this node lost it", "lease", name, "node", holder, "err", err)
			return false
		}
	}
}

// takeLease takes or renews the lease for leaseTime from now.
func (d *Desk) takeLease(ctx context.Context, name, holder string) (bool, error) {
	now := d.now()
	return d.cfg.Store.TakeLease(ctx, name, holder, now, now.Add(leaseTime))
}

// release lets the lease go as this node stops, so that another need not
// wait for it to run out; if that fails, it runs out.
func (d *Desk) release(ctx context.Context, name, holder string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), renewEvery)
	defer cancel()
	if err := d.cfg.Store.ReleaseLease(ctx, name, holder); err != nil {
		d.cfg.Logger.Warn("lease: not let go; it runs out", "lease", name, "node", holder, "err", err)
	}
}

// FirstDelivery reports whether Telegram update updateID reaches any node
// of the organization for the first time, noting it: Telegram delivers an
// update again when its acknowledgement was lost, and a node that took
// over the bot gets again what the last one took but did not acknowledge.
// The time it is noted at is kept to the hour.
func (d *Desk) FirstDelivery(ctx context.Context, updateID int64) (bool, error) {
	return d.cfg.Store.FirstUpdate(ctx, updateID, tropa.DueHour(d.now()))
}

// forgetUpdates deletes the ids of updates that Telegram no longer
// delivers.
func (d *Desk) forgetUpdates(ctx context.Context) error {
	_, err := d.cfg.Store.ForgetUpdates(ctx, d.now().Add(-updatesKept))
	return err
}
