package desk

import (
	"context"
	"time"
)

// DefaultReclaimDelay is how long after an erasure, a removed key or an
// ended session the disk is reclaimed (see ReclaimSoon): under a minute, so
// that a disk seized soon after holds nothing of it, and long enough that a
// burst of them, as when a coordinator hands many cases over, costs one
// reclaim.
const DefaultReclaimDelay = 10 * time.Second

// reclaimAtStop bounds the reclaim a stopping server runs for what it was
// asked to reclaim and had not yet.
const reclaimAtStop = 30 * time.Second

// ReclaimSoon asks that what was just deleted be made unreadable on the
// disk too (Store.Reclaim: on SQLite the write-ahead log checkpointed and
// cut, emptied pages given back; on PostgreSQL the tables holding keys
// rewritten) within ReclaimDelay. Call it after every change that destroys
// a key or a secret: an erased contact, a removed or replaced key wrap, a
// rotated staff key, an ended session. Asks made while a reclaim waits are
// served by that one reclaim. It never blocks; RunReclaims serves it, and
// without one running (a command that does one thing and exits) it does
// nothing.
func (d *Desk) ReclaimSoon() {
	select {
	case d.reclaimWanted <- struct{}{}:
	default:
	}
}

// RunReclaims serves ReclaimSoon until ctx ends, reporting each failed
// reclaim, which is tried again ReclaimDelay later. When ctx ends it runs
// the reclaim still asked for, so that a server stopped right after an
// erasure leaves nothing of it behind; the caller closes the store only
// after it returns.
func (d *Desk) RunReclaims(ctx context.Context, report func(error)) {
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-d.reclaimWanted:
			select {
			case <-ctx.Done():
			case <-d.cfg.After(d.cfg.ReclaimDelay):
			}
			d.reclaim(ctx, report)
		}
	}
	select {
	case <-d.reclaimWanted:
		d.reclaim(ctx, report)
	default:
	}
}

// reclaim runs one reclaim for every ask made until now.
func (d *Desk) reclaim(ctx context.Context, report func(error)) {
	select {
	case <-d.reclaimWanted:
	default:
	}
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), reclaimAtStop)
		defer cancel()
	}
	if err := d.cfg.Store.Reclaim(ctx); err != nil {
		report(err)
		d.ReclaimSoon()
	}
}
