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

// askTimer is a desk's After that the test fires by hand, one wait at a
// time.
type askTimer struct{ asks chan ask }

type ask struct {
	wait time.Duration
	fire chan time.Time
}

func newAskTimer() *askTimer { return &askTimer{asks: make(chan ask, 4)} }

func (a *askTimer) After(d time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	a.asks <- ask{d, c}
	return c
}

// next is the wait the desk asks for next.
func (a *askTimer) next(t *testing.T) ask {
	t.Helper()
	select {
	case w := <-a.asks:
		return w
	case <-time.After(10 * time.Second):
		t.Fatal("the desk waits for nothing")
		return ask{}
	}
}

// dyingStore is a node's store that stops answering, as when the node
// loses the database or dies.
type dyingStore struct {
	tropa.Store
	dead atomic.Bool
}

var errDead = errors.New("the node is gone")

func (s *dyingStore) TakeLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	if s.dead.Load() {
		return false, errDead
	}
	return s.Store.TakeLease(ctx, name, holder, now, until)
}

func (s *dyingStore) ReleaseLease(ctx context.Context, name, holder string) error {
	if s.dead.Load() {
		return errDead
	}
	return s.Store.ReleaseLease(ctx, name, holder)
}

// working is work that says when it starts and stops.
type working struct{ started, stopped chan struct{} }

func newWorking() working { return working{make(chan struct{}, 1), make(chan struct{}, 1)} }

func (w working) work(ctx context.Context) {
	w.started <- struct{}{}
	<-ctx.Done()
	w.stopped <- struct{}{}
}

func (w working) running() bool { return len(w.started) > 0 }

func await(t *testing.T, what string, c chan struct{}) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s", what)
	}
}

// TestLead: of two nodes on one database, one works; it renews its lease;
// when its renewal fails it stops at once, and the other takes over once
// the lease has run out, not before; a node that stops lets the lease go.
func TestLead(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	storeA := &dyingStore{Store: f.store}
	timerA, timerB := newAskTimer(), newAskTimer()
	a := desk.New(desk.Config{Store: storeA, KDF: seal.NewKDF(1), Now: f.clock.Now, After: timerA.After})
	b := desk.New(desk.Config{Store: f.store, KDF: seal.NewKDF(1), Now: f.clock.Now, After: timerB.After})
	workA, workB := newWorking(), newWorking()
	ctxA, stopA := context.WithCancel(ctx)
	ctxB, stopB := context.WithCancel(ctx)
	ledA, ledB := make(chan struct{}), make(chan struct{})
	go func() { a.Lead(ctxA, "telegram", "node-a", workA.work); close(ledA) }()
	await(t, "work on the first node", workA.started)
	go func() { b.Lead(ctxB, "telegram", "node-b", workB.work); close(ledB) }()

	renewA := timerA.next(t)
	tryB := timerB.next(t)
	if workB.running() {
		t.Fatal("the second node works while the first holds the lease")
	}
	if renewA.wait >= 30*time.Second/2 || tryB.wait > 10*time.Second {
		t.Fatalf("the holder renews after %v, the other asks again after %v: too late for a lease of 30s",
			renewA.wait, tryB.wait)
	}
	f.clock.Advance(renewA.wait)
	renewA.fire <- time.Time{}
	renewA = timerA.next(t)
	renewedAt := f.clock.Now()

	storeA.dead.Store(true)
	f.clock.Advance(renewA.wait)
	renewA.fire <- time.Time{}
	await(t, "stop of the first node's work when its renewal failed", workA.stopped)

	f.clock.Advance(renewedAt.Add(25 * time.Second).Sub(f.clock.Now()))
	tryB.fire <- time.Time{}
	tryB = timerB.next(t)
	if workB.running() {
		t.Fatal("the second node took the lease before it ran out")
	}
	f.clock.Advance(10 * time.Second)
	tryB.fire <- time.Time{}
	await(t, "work on the second node once the lease ran out", workB.started)

	stopA()
	<-ledA
	stopB()
	await(t, "stop of the second node's work", workB.stopped)
	<-ledB
	if ok, err := f.store.TakeLease(ctx, "telegram", "node-c", f.clock.Now(), f.clock.Now().Add(time.Minute)); err != nil || !ok {
		t.Errorf("after the holder stopped, another node's ask = %v, %v; want the lease let go", ok, err)
	}
}

// TestLeadWorkEnds: work that ends by itself lets the lease go, and the
// node asks again later rather than at once.
func TestLeadWorkEnds(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx, stop := context.WithCancel(context.Background())
	timer := newAskTimer()
	d := desk.New(desk.Config{Store: f.store, KDF: seal.NewKDF(1), Now: f.clock.Now, After: timer.After})
	ran := make(chan struct{}, 2)
	led := make(chan struct{})
	go func() { d.Lead(ctx, "telegram", "node-a", func(context.Context) { ran <- struct{}{} }); close(led) }()
	await(t, "work", ran)
	// The node may have asked to wait for a renewal before the work ended.
	again := timer.next(t)
	for again.wait < 30*time.Second {
		again = timer.next(t)
	}
	if ok, err := f.store.TakeLease(ctx, "telegram", "node-b", f.clock.Now(), f.clock.Now().Add(time.Minute)); err != nil || !ok {
		t.Errorf("after the work ended, another node's ask = %v, %v; want the lease let go", ok, err)
	}
	stop()
	<-led
}

// TestFirstDelivery: an update taken by one node is not taken again by
// another.
func TestFirstDelivery(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	other := desk.New(desk.Config{Store: f.store, KDF: seal.NewKDF(1), Now: f.clock.Now})
	if ok, err := f.desk.FirstDelivery(ctx, 500001); err != nil || !ok {
		t.Fatalf("first delivery = %v, %v; want it taken", ok, err)
	}
	for _, d := range []*desk.Desk{f.desk, other} {
		if ok, err := d.FirstDelivery(ctx, 500001); err != nil || ok {
			t.Errorf("second delivery = %v, %v; want it dropped", ok, err)
		}
	}
}
