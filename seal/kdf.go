package seal

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters. They are stored with every salt, so
// that raising them later leaves old records readable.
type Params struct {
	Time      uint32
	MemoryKiB uint32
	Threads   uint8
}

// The costs tropa uses, in one place. Passwords are chosen by people and get
// the heavier cost; a receipt secret has 66 random bits, so its cost only has
// to make a stolen database useless against it, not to slow down guessing a
// weak secret, and every submission pays it.
var (
	PasswordParams = Params{Time: 3, MemoryKiB: 64 * 1024, Threads: 1}
	ReceiptParams  = Params{Time: 2, MemoryKiB: 19 * 1024, Threads: 1}
	// TestParams are for tests only: fast, and still argon2id.
	TestParams = Params{Time: 1, MemoryKiB: 64, Threads: 1}
)

func (p Params) String() string {
	return fmt.Sprintf("argon2id$v=19$m=%d,t=%d,p=%d", p.MemoryKiB, p.Time, p.Threads)
}

// ParseParams reads what String wrote.
func ParseParams(s string) (Params, error) {
	var p Params
	n, err := fmt.Sscanf(s, "argon2id$v=19$m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads)
	if err != nil || n != 3 || p.String() != s {
		return Params{}, fmt.Errorf("seal: bad kdf parameters %q", s)
	}
	if p.Time == 0 || p.Threads == 0 || p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > 4<<20 {
		return Params{}, fmt.Errorf("seal: kdf parameters out of range %q", s)
	}
	return p, nil
}

// DefaultMaxWait is how long a derivation waits for a free slot: past it,
// the person waiting is better told to come back than left looking at a
// page that does not load while the work piles up behind him.
const DefaultMaxWait = 20 * time.Second

// ErrSaturated means every slot stayed taken for the KDF's MaxWait.
var ErrSaturated = errors.New("seal: no argon2id slot came free in time")

// KDF runs argon2id with a bound on how many derivations run at once, so
// that a burst of submissions, logins or receipt checks cannot exhaust
// memory: the rest wait, and give up when their request does or after
// MaxWait, whichever comes first.
type KDF struct {
	slots   chan struct{}
	MaxWait time.Duration
}

// NewKDF returns a KDF that runs at most concurrency derivations at once,
// each waiting at most DefaultMaxWait for its turn.
func NewKDF(concurrency int) *KDF {
	return &KDF{slots: make(chan struct{}, max(concurrency, 1)), MaxWait: DefaultMaxWait}
}

// Concurrency is how many derivations run at once.
func (k *KDF) Concurrency() int {
	return cap(k.slots)
}

// derive returns n bytes of argon2id output for secret and salt.
func (k *KDF) derive(ctx context.Context, secret, salt []byte, p Params, n uint32) ([]byte, error) {
	if p.Time == 0 || p.Threads == 0 {
		return nil, fmt.Errorf("seal: kdf parameters not set")
	}
	// select picks at random among ready cases: without this check a request
	// already given up on could still take a free slot and do the work.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case k.slots <- struct{}{}:
	default:
		if err := k.await(ctx); err != nil {
			return nil, err
		}
	}
	defer func() { <-k.slots }()
	return argon2.IDKey(secret, salt, p.Time, p.MemoryKiB, p.Threads, n), nil
}

// await takes a slot once one comes free, unless ctx ends or MaxWait
// passes first.
func (k *KDF) await(ctx context.Context) error {
	timer := time.NewTimer(k.MaxWait)
	defer timer.Stop()
	select {
	case k.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return ErrSaturated
	}
}

// PasswordKey derives the key that seals a staff member's private key.
func (k *KDF) PasswordKey(ctx context.Context, password string, salt []byte, p Params) (*Key, error) {
	b, err := k.derive(ctx, []byte(password), salt, p, 32)
	if err != nil {
		return nil, err
	}
	key := Key(b)
	return &key, nil
}

// ReceiptKeys derives, from one argon2id run over a receipt's secret, the
// verifier the store keeps and the key that opens the applicant's copy of
// the case key. The two halves of the output are independent, so the stored
// verifier says nothing about the key.
func (k *KDF) ReceiptKeys(ctx context.Context, secret string, salt []byte, p Params) (verifier []byte, key *Key, err error) {
	b, err := k.derive(ctx, []byte(secret), salt, p, 64)
	if err != nil {
		return nil, nil, err
	}
	rk := Key(b[32:])
	return b[:32], &rk, nil
}
