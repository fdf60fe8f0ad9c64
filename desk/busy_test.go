package desk_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/seal"
)

// Argon2id work that cannot start in time is EBUSY, and a channel tells it
// from any other EBUSY by its cause, desk.ErrKDFBusy, not by message id;
// the KDF's own reason is kept under it for the log.
func TestKDFBusyIsFoundByCause(t *testing.T) {
	f := newFixture(t)
	kdf := seal.NewKDF(1)
	kdf.MaxWait = time.Millisecond
	d := desk.New(desk.Config{Store: f.store, KDF: kdf, ReceiptParams: seal.TestParams,
		PasswordParams: seal.TestParams, Now: f.clock.Now})

	// Keep the one slot taken until the login has been refused.
	stop := make(chan struct{})
	done := make(chan struct{})
	heavy := seal.Params{Time: 4, MemoryKiB: 16 * 1024, Threads: 1}
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			kdf.PasswordKey(context.Background(), "flood", []byte("0123456789abcdef"), heavy)
		}
	}()
	defer func() { close(stop); <-done }()

	var err error
	for range 1000 {
		_, err = d.Login(context.Background(), "nobody", "any password at all", "")
		if tropa.IsCode(err, tropa.EBUSY) {
			break
		}
	}
	if !tropa.IsCode(err, tropa.EBUSY) {
		t.Fatalf("login while argon2id is saturated: %v, want EBUSY", err)
	}
	if !errors.Is(err, desk.ErrKDFBusy) {
		t.Errorf("errors.Is(%v, desk.ErrKDFBusy) = false", err)
	}
	if !errors.Is(err, seal.ErrSaturated) {
		t.Errorf("errors.Is(%v, seal.ErrSaturated) = false: the KDF's reason is lost", err)
	}
}
