package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"tropa/seal"
)

// buckets is a token bucket for each key: a network prefix, an account's
// name. It lives in memory only: keys are kept as keyed hashes under a key
// made at start-up, never written anywhere, and forgotten when idle.
type buckets struct {
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

// newBuckets gives each key one try every `every`, with bursts of burst.
func newBuckets(every time.Duration, burst int) *buckets {
	return &buckets{every: rate.Every(every), burst: burst, key: seal.RandomBytes(32), m: make(map[[32]byte]*bucket)}
}

// reserve takes a try from key's bucket now if there is one, and returns
// it, to be given back with CancelAt if it turns out not to count.
// Otherwise it takes nothing and says how long until a try is free.
func (b *buckets) reserve(key []byte, now time.Time) (*rate.Reservation, time.Duration) {
	r := b.limiter(key, now).ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return nil, d
	}
	return r, 0
}

func (b *buckets) limiter(key []byte, now time.Time) *rate.Limiter {
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
func (b *buckets) sweep(now time.Time) {
	idle := time.Duration(float64(b.burst)/float64(b.every)*float64(time.Second)) + time.Minute
	for k, bk := range b.m {
		if now.Sub(bk.seen) > idle {
			delete(b.m, k)
		}
	}
	b.sweptAt = now
}

// limiter bounds how often something may be tried from one network prefix
// and from everywhere together.
type limiter struct {
	prefixes *buckets
	global   *rate.Limiter
}

// newLimiter allows each prefix one try every `every`, with bursts of
// burst, and everyone together globalPerSecond tries a second.
func newLimiter(every time.Duration, burst int, globalPerSecond float64) *limiter {
	return &limiter{
		prefixes: newBuckets(every, burst),
		global:   rate.NewLimiter(rate.Limit(globalPerSecond), max(int(globalPerSecond*2), 1)),
	}
}

// allow reports whether r may go ahead now.
func (l *limiter) allow(r *http.Request, now time.Time) bool {
	wait, _ := l.reserve(r, now)
	return wait == 0
}

// reserve takes a try for r now if there is one, and returns 0. Otherwise
// it takes nothing and says how long until a try is free, and whether it is
// everyone's limit that is spent rather than the limit of r's network.
func (l *limiter) reserve(r *http.Request, now time.Time) (wait time.Duration, everyone bool) {
	var mine *rate.Reservation
	if p, ok := clientPrefix(r); ok {
		b, _ := p.MarshalBinary()
		if mine, wait = l.prefixes.reserve(b, now); wait > 0 {
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

// torCircuits holds the addresses Tor gives the connections to an onion
// service told HiddenServiceExportCircuitID haproxy: each circuit its own.
// Each is limited on its own, where a /48 would lump every circuit, and so
// every Tor user, together with the one flooder.
var torCircuits = netip.MustParsePrefix("fc00:dead:beef:4dad::/64")

// clientPrefix is the network the request came from: a /24 for IPv4, a /48
// for IPv6, one Tor circuit. Loopback has none: behind Tor or a local proxy
// not trusted to name the client, every applicant arrives from there, and
// limiting it would let one flooder lock out all.
func clientPrefix(r *http.Request) (netip.Prefix, bool) {
	addr, ok := remoteAddr(r)
	if !ok || addr.IsLoopback() {
		return netip.Prefix{}, false
	}
	bits := 48
	switch {
	case addr.Is4():
		bits = 24
	case torCircuits.Contains(addr):
		bits = 128
	}
	p, err := addr.Prefix(bits)
	return p, err == nil
}

// remoteAddr is the address of the peer r came from: after realClient, the
// client a trusted proxy forwarded it for.
func remoteAddr(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return addr.Unmap().WithZone(""), true
}
