package desk

import (
	"context"
	"sync"
	"time"
)

// Intervals of the background work.
const (
	// sweepEvery is how often idle sessions are deleted, so that the sealed
	// keys of people who walked away do not wait in the database.
	sweepEvery = time.Minute
	// retentionEvery is how often the retention policy is applied. Its
	// rules count in days, so data outlives its time by an hour at most.
	retentionEvery = time.Hour
)

// Run does the desk's background work until ctx ends, and returns once all
// of it has stopped: the session sweep, retention, the reclaims that
// erasures ask for, the notices staff asked for and, with a ChatSender,
// the replies waiting for applicants' chats. Every node runs it;
// the store makes runs at once safe.
// It waits with the desk's After, so that tests move it along.
func (d *Desk) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { d.every(ctx, sweepEvery, d.sweepOnce) })
	wg.Go(func() { d.every(ctx, retentionEvery, d.retentionOnce()) })
	wg.Go(func() { d.every(ctx, noticeEvery, d.notifyOnce) })
	if d.cfg.Chats != nil {
		wg.Go(func() { d.every(ctx, deliverEvery, d.deliverOnce) })
	}
	wg.Go(func() {
		d.RunReclaims(ctx, func(err error) { d.cfg.Logger.Error("reclaim", "err", err) })
	})
	wg.Wait()
}

// every runs work at once and then every interval until ctx ends.
func (d *Desk) every(ctx context.Context, interval time.Duration, work func(context.Context)) {
	for {
		work(ctx)
		select {
		case <-ctx.Done():
			return
		case <-d.cfg.After(interval):
		}
	}
}

func (d *Desk) sweepOnce(ctx context.Context) {
	if _, err := d.SweepSessions(ctx); err != nil && ctx.Err() == nil {
		d.cfg.Logger.Error("sweep sessions", "err", err)
	}
}

// retentionOnce returns one run of the retention policy, logging what it
// did in counts only, and forgets the Telegram updates of more than a day
// ago. When a run that deleted something fails before the
// space is reclaimed, the next run reclaims it even if it has nothing to
// delete.
func (d *Desk) retentionOnce() func(context.Context) {
	reclaim := false
	return func(ctx context.Context) {
		c, err := d.ApplyRetention(ctx)
		if err == nil && c.Total() == 0 && reclaim {
			err = d.cfg.Store.Reclaim(ctx)
		}
		reclaim = err != nil && (reclaim || c.Total() > 0)
		if c.Total() > 0 {
			d.cfg.Logger.Info("retention applied", "deleted_closed", c.DeletedClosed, "deleted_spam", c.DeletedSpam,
				"contacts_erased", c.ContactsErased)
		}
		if err != nil && ctx.Err() == nil {
			d.cfg.Logger.Error("retention", "err", err)
		}
		if err := d.forgetUpdates(ctx); err != nil && ctx.Err() == nil {
			d.cfg.Logger.Error("forgetting Telegram updates", "err", err)
		}
	}
}

func (d *Desk) deliverOnce(ctx context.Context) {
	if err := d.DeliverOnce(ctx); err != nil && ctx.Err() == nil {
		d.cfg.Logger.Error("replies to chats", "err", err)
	}
}

func (d *Desk) notifyOnce(ctx context.Context) {
	if err := d.NotifyOnce(ctx); err != nil && ctx.Err() == nil {
		d.cfg.Logger.Error("notices", "err", err)
	}
}
