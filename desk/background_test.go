package desk_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/seal"
)

// busyStore counts the background work's calls into the store.
type busyStore struct {
	tropa.Store
	sweeps, retentions chan struct{}
}

func (s *busyStore) DeleteSessionsBefore(ctx context.Context, t time.Time) (int64, error) {
	s.sweeps <- struct{}{}
	return s.Store.DeleteSessionsBefore(ctx, t)
}

func (s *busyStore) ApplyRetention(ctx context.Context, b *tropa.RetentionBatch) (tropa.RetentionCounts, error) {
	s.retentions <- struct{}{}
	return s.Store.ApplyRetention(ctx, b)
}

// TestRunDoesBackgroundWork: serve's background work sweeps sessions,
// looks for notices to send and applies retention at once, again when their intervals pass on the desk's
// timer, and stops with its context.
func TestRunDoesBackgroundWork(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	st := &busyStore{Store: f.store, sweeps: make(chan struct{}, 10), retentions: make(chan struct{}, 10)}
	type timer struct {
		interval time.Duration
		fire     chan time.Time
	}
	timers := make(chan timer, 10)
	after := func(d time.Duration) <-chan time.Time {
		c := make(chan time.Time, 1)
		timers <- timer{d, c}
		return c
	}
	d := desk.New(desk.Config{Store: st, KDF: seal.NewKDF(1), Now: f.clock.Now, After: after})
	ctx, stop := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		d.Run(ctx)
		close(stopped)
	}()
	wait := func(what string, c chan struct{}) {
		t.Helper()
		select {
		case <-c:
		case <-time.After(10 * time.Second):
			t.Fatalf("no %s", what)
		}
	}
	wait("sweep at start", st.sweeps)
	wait("retention at start", st.retentions)
	waiting := map[time.Duration][]chan time.Time{}
	for range 3 {
		tm := <-timers
		waiting[tm.interval] = append(waiting[tm.interval], tm.fire)
	}
	if len(waiting[time.Minute]) != 2 || len(waiting[time.Hour]) != 1 {
		t.Fatalf("waits %v, want two of a minute (sessions, notices) and one of an hour (retention)", waiting)
	}
	for _, fire := range waiting[time.Minute] {
		fire <- f.clock.Now()
	}
	wait("sweep after a minute", st.sweeps)
	waiting[time.Hour][0] <- f.clock.Now()
	wait("retention after an hour", st.retentions)
	stop()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return when its context ended")
	}
}
