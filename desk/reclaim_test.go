package desk_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/seal"
)

// countingStore counts reclaims and fails them while fail is set.
type countingStore struct {
	tropa.Store
	reclaims atomic.Int64
	fail     atomic.Bool
	done     chan struct{}
}

func (s *countingStore) Reclaim(ctx context.Context) error {
	s.reclaims.Add(1)
	defer func() { s.done <- struct{}{} }()
	if s.fail.Load() {
		return errors.New("disk busy")
	}
	return nil
}

// fakeTimer hands each timer the reclaimer starts to the test, which fires
// it when it likes.
type fakeTimer struct {
	started chan chan time.Time
	delays  chan time.Duration
}

func (f *fakeTimer) After(d time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	f.delays <- d
	f.started <- c
	return c
}

// TestReclaimsCoalesce asks for many reclaims, as a burst of erasures and
// logouts does: they cost one reclaim, run only once the delay has passed,
// within a minute; an ask after it costs one more, a failed reclaim is
// tried again, and a reclaim asked for when the server stops runs before
// it does.
func TestReclaimsCoalesce(t *testing.T) {
	t.Parallel()
	st := &countingStore{done: make(chan struct{}, 10)}
	timer := &fakeTimer{started: make(chan chan time.Time, 1), delays: make(chan time.Duration, 1)}
	d := desk.New(desk.Config{Store: st, KDF: seal.NewKDF(1), After: timer.After})
	ctx, stop := context.WithCancel(context.Background())
	var failures atomic.Int64
	stopped := make(chan struct{})
	go func() {
		d.RunReclaims(ctx, func(error) { failures.Add(1) })
		close(stopped)
	}()

	wait := func(what string) chan time.Time {
		t.Helper()
		select {
		case c := <-timer.started:
			if delay := <-timer.delays; delay <= 0 || delay > time.Minute {
				t.Errorf("%s: reclaim waits %v, want within a minute", what, delay)
			}
			return c
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no reclaim was scheduled", what)
			return nil
		}
	}
	reclaimed := func(what string, want int64) {
		t.Helper()
		select {
		case <-st.done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no reclaim ran", what)
		}
		if n := st.reclaims.Load(); n != want {
			t.Fatalf("%s: %d reclaims, want %d", what, n, want)
		}
	}

	for range 100 {
		d.ReclaimSoon()
	}
	fire := wait("a burst")
	for range 50 {
		d.ReclaimSoon()
	}
	if n := st.reclaims.Load(); n != 0 {
		t.Fatalf("%d reclaims before the delay passed", n)
	}
	fire <- time.Time{}
	reclaimed("150 asks", 1)

	d.ReclaimSoon()
	wait("an ask after the reclaim") <- time.Time{}
	reclaimed("an ask after the reclaim", 2)

	st.fail.Store(true)
	d.ReclaimSoon()
	wait("an ask that fails") <- time.Time{}
	reclaimed("a failing reclaim", 3)
	st.fail.Store(false)
	wait("the retry") <- time.Time{}
	reclaimed("the retry", 4)
	if n := failures.Load(); n != 1 {
		t.Errorf("%d failures reported, want 1", n)
	}

	d.ReclaimSoon()
	wait("an ask before the stop")
	stop()
	reclaimed("stopping with a reclaim asked for", 5)
	<-stopped
	if n := st.reclaims.Load(); n != 5 {
		t.Errorf("%d reclaims after the stop, want 5", n)
	}
}

// TestSessionEndsAskForReclaim ends sessions every way there is: each asks
// for a reclaim, so that the private key sealed in the row does not wait
// on the disk for the cookie that opens it.
// reclaimIdle is the idle timeout of TestSessionEndsAskForReclaim's desks.
const reclaimIdle = 30 * time.Minute

func TestSessionEndsAskForReclaim(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.caseworker(t, "olga")
	tests := []struct {
		name string
		end  func(d *desk.Desk, s *desk.Session) error
	}{
		{"logout", func(d *desk.Desk, s *desk.Session) error { return d.Logout(ctx, s) }},
		{"log out everywhere else", func(d *desk.Desk, s *desk.Session) error {
			if _, err := d.Login(ctx, "olga", password("olga"), f.code(t, "olga")); err != nil {
				return err
			}
			_, err := d.EndOtherSessions(ctx, s)
			return err
		}},
		{"expired, swept", func(d *desk.Desk, s *desk.Session) error {
			f.clock.Advance(reclaimIdle + time.Minute)
			_, err := d.SweepSessions(ctx)
			return err
		}},
		{"expired, refused", func(d *desk.Desk, s *desk.Session) error {
			f.clock.Advance(reclaimIdle + time.Minute)
			if _, err := d.Session(ctx, s.Token()); !tropa.IsCode(err, tropa.EUNAUTHORIZED) {
				t.Errorf("an expired session: %v", err)
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			timer := &fakeTimer{started: make(chan chan time.Time, 1), delays: make(chan time.Duration, 1)}
			d := desk.New(desk.Config{Store: f.store, KDF: seal.NewKDF(1), PasswordParams: seal.TestParams,
				Now: f.clock.Now, After: timer.After, IdleTimeout: reclaimIdle})
			s, err := d.Login(ctx, "olga", password("olga"), f.code(t, "olga"))
			if err != nil {
				t.Fatal(err)
			}
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() {
				d.RunReclaims(runCtx, func(err error) { t.Errorf("reclaim: %v", err) })
				close(done)
			}()
			defer func() { stop(); <-done }()
			if err := tt.end(d, s); err != nil {
				t.Fatal(err)
			}
			select {
			case <-timer.started:
				<-timer.delays
			case <-time.After(10 * time.Second):
				t.Error("no reclaim was asked for")
			}
		})
	}
}
