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

// limiter bounds how often something may be tried from one network prefix
// and from everywhere together. It lives in memory only: prefixes are kept
// as keyed hashes under a key made at start-up, never written anywhere, and
// forgotten when idle.
type limiter struct {
	perPrefix rate.Limit
	burst     int
	global    *rate.Limiter
	key       []byte

	mu       sync.Mutex
	prefixes map[[32]byte]*prefixState
	sweptAt  time.Time
}

type prefixState struct {
	lim  *rate.Limiter
	seen time.Time
}

// newLimiter allows each prefix one try every `every`, with bursts of
// burst, and everyone together globalPerSecond tries a second.
func newLimiter(every time.Duration, burst int, globalPerSecond float64) *limiter {
	return &limiter{
		perPrefix: rate.Every(every),
		burst:     burst,
		global:    rate.NewLimiter(rate.Limit(globalPerSecond), max(int(globalPerSecond*2), 1)),
		key:       seal.RandomBytes(32),
		prefixes:  make(map[[32]byte]*prefixState),
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
		mine = l.prefixLimiter(p, now).ReserveN(now, 1)
		if d := mine.DelayFrom(now); d > 0 {
			mine.CancelAt(now)
			return d, false
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

func (l *limiter) prefixLimiter(p netip.Prefix, now time.Time) *rate.Limiter {
	mac := hmac.New(sha256.New, l.key)
	b, _ := p.MarshalBinary()
	mac.Write(b)
	var k [32]byte
	copy(k[:], mac.Sum(nil))

	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweptAt) > time.Minute {
		l.sweep(now)
	}
	st, ok := l.prefixes[k]
	if !ok {
		st = &prefixState{lim: rate.NewLimiter(l.perPrefix, l.burst)}
		l.prefixes[k] = st
	}
	st.seen = now
	return st.lim
}

// sweep forgets prefixes that have been quiet long enough to have a full
// burst again.
func (l *limiter) sweep(now time.Time) {
	idle := time.Duration(float64(l.burst)/float64(l.perPrefix)*float64(time.Second)) + time.Minute
	for k, st := range l.prefixes {
		if now.Sub(st.seen) > idle {
			delete(l.prefixes, k)
		}
	}
	l.sweptAt = now
}

// clientPrefix is the network the request came from: a /24 for IPv4, a /48
// for IPv6. Loopback has none: behind Tor or a local proxy every applicant
// arrives from there, and limiting it would let one flooder lock out all.
func clientPrefix(r *http.Request) (netip.Prefix, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return netip.Prefix{}, false
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || addr.IsLoopback() {
		return netip.Prefix{}, false
	}
	addr = addr.Unmap()
	bits := 48
	if addr.Is4() {
		bits = 24
	}
	p, err := addr.Prefix(bits)
	return p, err == nil
}
