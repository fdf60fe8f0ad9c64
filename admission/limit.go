package admission

import (
	"crypto/hmac"
	"crypto/sha256"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"tropa/seal"
)

// Buckets is a token bucket for each key: a network prefix, an account's
// name, whatever the channel tells its users apart by. It lives in memory
// only: keys are kept as keyed hashes under a key made at start-up, never
// written anywhere, and forgotten when idle.
type Buckets struct {
	every rate.Limit
	burst int
	key   []byte

	mu      sync.Mutex
	m       map[[32]byte]*bucket
	sweptAt time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewBuckets gives each key one try every `every`, with bursts of burst.
func NewBuckets(every time.Duration, burst int) *Buckets {
	return &Buckets{every: rate.Every(every), burst: burst, key: seal.RandomBytes(32), m: make(map[[32]byte]*bucket)}
}

// Reserve takes a try from key's bucket now if there is one, and returns
// it, to be given back with CancelAt if it turns out not to count.
// Otherwise it takes nothing and says how long until a try is free.
func (b *Buckets) Reserve(key []byte, now time.Time) (*rate.Reservation, time.Duration) {
	r := b.limiter(key, now).ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return nil, d
	}
	return r, 0
}

func (b *Buckets) limiter(key []byte, now time.Time) *rate.Limiter {
	mac := hmac.New(sha256.New, b.key)
	mac.Write(key)
	var k [32]byte
	mac.Sum(k[:0])

	b.mu.Lock()
	defer b.mu.Unlock()
	if now.Sub(b.sweptAt) > time.Minute {
		b.sweep(now)
	}
	bk, ok := b.m[k]
	if !ok {
		bk = &bucket{lim: rate.NewLimiter(b.every, b.burst)}
		b.m[k] = bk
	}
	bk.seen = now
	return bk.lim
}

// sweep forgets keys that have been quiet long enough to have a full burst
// again.
func (b *Buckets) sweep(now time.Time) {
	idle := time.Duration(float64(b.burst)/float64(b.every)*float64(time.Second)) + time.Minute
	for k, bk := range b.m {
		if now.Sub(bk.seen) > idle {
			delete(b.m, k)
		}
	}
	b.sweptAt = now
}

// Limiter bounds how often something may be tried by one key (a network
// prefix on the web) and by everyone together.
type Limiter struct {
	keys   *Buckets
	global *rate.Limiter
}

// NewLimiter allows each key one try every `every`, with bursts of burst,
// and everyone together globalPerSecond tries a second.
func NewLimiter(every time.Duration, burst int, globalPerSecond float64) *Limiter {
	return &Limiter{
		keys:   NewBuckets(every, burst),
		global: rate.NewLimiter(rate.Limit(globalPerSecond), max(int(globalPerSecond*2), 1)),
	}
}

// Allow reports whether key may go ahead now.
func (l *Limiter) Allow(key []byte, now time.Time) bool {
	wait, _ := l.Reserve(key, now)
	return wait == 0
}

// Reserve takes a try for key now if there is one, and returns 0.
// Otherwise it takes nothing and says how long until a try is free, and
// whether it is everyone's limit that is spent rather than key's. A nil
// key is a user the channel cannot tell apart from others (every applicant
// behind Tor arrives from loopback): limiting it would let one flooder
// lock out all, so only everyone's limit applies.
func (l *Limiter) Reserve(key []byte, now time.Time) (wait time.Duration, everyone bool) {
	var mine *rate.Reservation
	if key != nil {
		if mine, wait = l.keys.Reserve(key, now); wait > 0 {
			return wait, false
		}
	}
	all := l.global.ReserveN(now, 1)
	if d := all.DelayFrom(now); d > 0 {
		all.CancelAt(now)
		if mine != nil {
			mine.CancelAt(now)
		}
		return d, true
	}
	return 0, false
}
