package seal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/crypto/argon2"
)

func TestParamsStringRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		p    Params
		want string
	}{
		{"password", PasswordParams, "argon2id$v=19$m=65536,t=3,p=1"},
		{"receipt", ReceiptParams, "argon2id$v=19$m=19456,t=2,p=1"},
		{"test", TestParams, "argon2id$v=19$m=64,t=1,p=1"},
		{"least memory", Params{Time: 1, MemoryKiB: 8, Threads: 1}, "argon2id$v=19$m=8,t=1,p=1"},
		{"most memory", Params{Time: 1, MemoryKiB: 4 << 20, Threads: 1}, "argon2id$v=19$m=4194304,t=1,p=1"},
		{"most threads", Params{Time: 1, MemoryKiB: 8 * 255, Threads: 255}, "argon2id$v=19$m=2040,t=1,p=255"},
		{"most time", Params{Time: 1<<32 - 1, MemoryKiB: 64, Threads: 1}, "argon2id$v=19$m=64,t=4294967295,p=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			got, err := ParseParams(tt.p.String())
			if err != nil || got != tt.p {
				t.Errorf("ParseParams(%q) = %+v, %v; want %+v, nil", tt.p.String(), got, err, tt.p)
			}
		})
	}
}

func TestParseParamsRejects(t *testing.T) {
	tests := []struct{ name, s string }{
		{"empty", ""},
		{"time zero", "argon2id$v=19$m=65536,t=0,p=1"},
		{"threads zero", "argon2id$v=19$m=65536,t=3,p=0"},
		{"memory zero", "argon2id$v=19$m=0,t=3,p=1"},
		{"memory below 8 per thread", "argon2id$v=19$m=15,t=1,p=2"},
		{"memory too large", "argon2id$v=19$m=4194305,t=3,p=1"},
		{"memory overflows uint32", "argon2id$v=19$m=4294967296,t=3,p=1"},
		{"time overflows uint32", "argon2id$v=19$m=65536,t=4294967296,p=1"},
		{"threads overflow uint8", "argon2id$v=19$m=65536,t=3,p=256"},
		{"negative", "argon2id$v=19$m=-1,t=3,p=1"},
		{"plus sign", "argon2id$v=19$m=+65536,t=3,p=1"},
		{"leading zero", "argon2id$v=19$m=065536,t=3,p=1"},
		{"hex", "argon2id$v=19$m=0x10000,t=3,p=1"},
		{"trailing junk", "argon2id$v=19$m=65536,t=3,p=1x"},
		{"trailing dollar", "argon2id$v=19$m=65536,t=3,p=1$"},
		{"trailing space", "argon2id$v=19$m=65536,t=3,p=1 "},
		{"trailing newline", "argon2id$v=19$m=65536,t=3,p=1\n"},
		{"leading space", " argon2id$v=19$m=65536,t=3,p=1"},
		{"argon2i", "argon2i$v=19$m=65536,t=3,p=1"},
		{"other version", "argon2id$v=16$m=65536,t=3,p=1"},
		{"fields reordered", "argon2id$v=19$t=3,m=65536,p=1"},
		{"missing field", "argon2id$v=19$m=65536,t=3"},
		{"upper case", "ARGON2ID$v=19$m=65536,t=3,p=1"},
		{"spaces after commas", "argon2id$v=19$m=65536, t=3, p=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := ParseParams(tt.s); err == nil || got != (Params{}) {
				t.Errorf("ParseParams(%q) = %+v, %v; want zero, error", tt.s, got, err)
			}
		})
	}
}

func TestPasswordKey(t *testing.T) {
	ctx := context.Background()
	k := NewKDF(2)
	derive := func(password string, salt []byte, p Params) Key {
		t.Helper()
		key, err := k.PasswordKey(ctx, password, salt, p)
		if err != nil {
			t.Fatalf("PasswordKey: %v", err)
		}
		return *key
	}
	salt := []byte("0123456789abcdef")
	base := derive("correct horse", salt, TestParams)
	if again := derive("correct horse", bytes.Clone(salt), TestParams); again != base {
		t.Error("PasswordKey is not deterministic")
	}
	// Time and memory differ here, so swapping them would show.
	odd := Params{Time: 2, MemoryKiB: 32, Threads: 1}
	want := argon2.IDKey([]byte("correct horse"), salt, 2, 32, 1, 32)
	if got := derive("correct horse", salt, odd); !bytes.Equal(got[:], want) {
		t.Errorf("PasswordKey = %x, want argon2id output %x", got, want)
	}
	others := []struct {
		name     string
		password string
		salt     []byte
		p        Params
	}{
		{"other salt", "correct horse", []byte("0123456789abcdeF"), TestParams},
		{"other password", "correct horsE", salt, TestParams},
		{"other params", "correct horse", salt, odd},
	}
	for _, tt := range others {
		t.Run(tt.name, func(t *testing.T) {
			if derive(tt.password, tt.salt, tt.p) == base {
				t.Error("key equals the one for another input")
			}
		})
	}
}

func TestReceiptKeys(t *testing.T) {
	ctx := context.Background()
	k := NewKDF(1)
	salt := []byte("per-record salt.")
	verifier, key, err := k.ReceiptKeys(ctx, "12345678901234567890", salt, TestParams)
	if err != nil {
		t.Fatalf("ReceiptKeys: %v", err)
	}
	if len(verifier) != 32 {
		t.Fatalf("len(verifier) = %d, want 32", len(verifier))
	}
	if bytes.Equal(verifier, key[:]) {
		t.Error("verifier equals the key")
	}
	// The verifier is the first half and the key the second: stored
	// records depend on this order.
	out := argon2.IDKey([]byte("12345678901234567890"), salt, TestParams.Time, TestParams.MemoryKiB, TestParams.Threads, 64)
	if !bytes.Equal(verifier, out[:32]) || !bytes.Equal(key[:], out[32:]) {
		t.Errorf("ReceiptKeys = %x, %x; want the halves of %x", verifier, key[:], out)
	}
	v2, key2, err := k.ReceiptKeys(ctx, "12345678901234567890", salt, TestParams)
	if err != nil || !bytes.Equal(v2, verifier) || *key2 != *key {
		t.Errorf("ReceiptKeys is not deterministic (err %v)", err)
	}
	v3, key3, err := k.ReceiptKeys(ctx, "12345678901234567891", salt, TestParams)
	if err != nil || bytes.Equal(v3, verifier) || *key3 == *key {
		t.Errorf("another secret gives the same verifier or key (err %v)", err)
	}
	v4, key4, err := k.ReceiptKeys(ctx, "12345678901234567890", []byte("other salt"), TestParams)
	if err != nil || bytes.Equal(v4, verifier) || *key4 == *key {
		t.Errorf("another salt gives the same verifier or key (err %v)", err)
	}
}

// holdSlot takes one of k's slots as a concurrent derivation would, and
// returns the function that gives it back.
func holdSlot(k *KDF) (release func()) {
	k.slots <- struct{}{}
	return func() { <-k.slots }
}

// TestKDFCancelledWhileSlotHeld runs in a bubble so that a derive that
// ignores its context deadlocks the test at once instead of hanging it.
func TestKDFCancelledWhileSlotHeld(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k := NewKDF(1)
		release := holdSlot(k)
		defer release()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if key, err := k.PasswordKey(ctx, "pw", []byte("salt"), TestParams); !errors.Is(err, context.Canceled) || key != nil {
			t.Errorf("PasswordKey = %v, %v; want nil, context.Canceled", key, err)
		}
		if v, key, err := k.ReceiptKeys(ctx, "secret", []byte("salt"), TestParams); !errors.Is(err, context.Canceled) || v != nil || key != nil {
			t.Errorf("ReceiptKeys = %x, %v, %v; want nil, nil, context.Canceled", v, key, err)
		}
	})
}

func TestKDFWaitsForSlot(t *testing.T) {
	for _, concurrency := range []int{-1, 0, 1, 3} {
		t.Run(fmt.Sprintf("concurrency=%d", concurrency), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				k := NewKDF(concurrency)
				slots := max(concurrency, 1)
				var releases []func()
				for range slots {
					releases = append(releases, holdSlot(k))
				}
				done := make(chan error, 1)
				go func() {
					_, err := k.PasswordKey(context.Background(), "pw", []byte("salt"), TestParams)
					done <- err
				}()
				synctest.Wait()
				select {
				case err := <-done:
					t.Fatalf("derive finished (err %v) while all %d slots were held", err, slots)
				default:
				}
				releases[0]()
				synctest.Wait()
				select {
				case err := <-done:
					if err != nil {
						t.Errorf("derive after release: %v", err)
					}
				default:
					t.Fatal("derive still waiting after a slot was released")
				}
				if len(k.slots) != slots-1 {
					t.Errorf("%d slots held after derive, want %d", len(k.slots), slots-1)
				}
			})
		})
	}
}

func TestKDFGivesUpWhenRequestDoes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k := NewKDF(1)
		release := holdSlot(k)
		defer release()

		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, _, err := k.ReceiptKeys(ctx, "secret", []byte("salt"), TestParams)
			done <- err
		}()
		synctest.Wait()
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("waiting ReceiptKeys after cancel: err = %v, want context.Canceled", err)
		}

		timed, stop := context.WithTimeout(context.Background(), time.Second)
		defer stop()
		if _, err := k.PasswordKey(timed, "pw", []byte("salt"), TestParams); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("PasswordKey past deadline: err = %v, want context.DeadlineExceeded", err)
		}
		if len(k.slots) != 1 {
			t.Errorf("%d slots held after the waiters gave up, want 1 (ours)", len(k.slots))
		}
	})
}

// A derivation kept waiting by a saturated KDF gives up after MaxWait even
// when its request would wait longer, so that a flood cannot build a queue
// longer than that.
func TestKDFGivesUpAfterMaxWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k := NewKDF(1)
		release := holdSlot(k)
		defer release()
		start := time.Now()
		key, err := k.PasswordKey(context.Background(), "pw", []byte("salt"), TestParams)
		if !errors.Is(err, ErrSaturated) || key != nil {
			t.Errorf("PasswordKey with every slot held = %v, %v; want nil, ErrSaturated", key, err)
		}
		if waited := time.Since(start); waited != DefaultMaxWait {
			t.Errorf("gave up after %v, want %v", waited, DefaultMaxWait)
		}
		if len(k.slots) != 1 {
			t.Errorf("%d slots held after giving up, want only the one held", len(k.slots))
		}
	})
}
