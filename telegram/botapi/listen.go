package botapi

import (
	"context"
	"errors"
	"time"
)

// Listener long-polls getUpdates and hands every update to Handle, in
// order. Only one listener may poll a bot at a time (Telegram answers a
// second one with ErrConflict), and none while a webhook is set.
type Listener struct {
	Client *Client
	// Handle takes one update. When it fails, the update is not
	// acknowledged: the listener waits and gets it again, with those
	// after it. Like the webhook, the listener does not deduplicate.
	Handle func(context.Context, Update) error
	// Timeout is each long poll's; 0 means 50 seconds. The Client's
	// http.Client must wait longer than this.
	Timeout time.Duration
	// Report, when set, hears of each failure the listener waits out.
	Report func(error)
	// Sleep waits, or ends with the context; nil means a real wait.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Waits after a failure: doubling from the first to the last.
const (
	firstWait = time.Second
	lastWait  = time.Minute
)

// Run polls until ctx ends, or until Telegram refuses the token
// (ErrUnauthorized) or the polling itself (ErrConflict): both need an
// admin. Telegram unreachable, flood control or a failing Handle only
// make it wait and try again.
func (l Listener) Run(ctx context.Context) error {
	timeout := l.Timeout
	if timeout == 0 {
		timeout = 50 * time.Second
	}
	pause := l.Sleep
	if pause == nil {
		pause = sleep
	}
	var offset int64
	wait := firstWait
	for {
		updates, err := l.Client.GetUpdates(ctx, Poll{Offset: offset, Timeout: timeout, AllowedUpdates: AllowedUpdates()})
		if err == nil {
			offset, err = l.handle(ctx, offset, updates)
		}
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrConflict):
			return err
		case err == nil:
			wait = firstWait
			continue
		}
		if l.Report != nil {
			l.Report(err)
		}
		d := wait
		if after, ok := RetryAfter(err); ok {
			d = after
		} else {
			wait = min(2*wait, lastWait)
		}
		if err := pause(ctx, d); err != nil {
			return err
		}
	}
}

// handle hands updates to Handle in order until one fails, and returns the
// offset that acknowledges those handled.
func (l Listener) handle(ctx context.Context, offset int64, updates []Update) (int64, error) {
	for _, u := range updates {
		if err := l.Handle(ctx, u); err != nil {
			return offset, err
		}
		offset = max(offset, u.ID+1)
	}
	return offset, nil
}
