package pow

import (
	"errors"
	"sync"
	"time"
)

// Spent remembers the challenges already used, so that a solution is
// accepted once. It lives in memory, one per node: with several nodes a
// solution can be used once on each of them while it is valid.
type Spent struct {
	mu      sync.Mutex
	max     int
	until   map[[nonceLen]byte]time.Time
	sweptAt time.Time
}

// NewSpent remembers at most max challenges at once.
func NewSpent(max int) *Spent {
	return &Spent{max: max, until: make(map[[nonceLen]byte]time.Time)}
}

// Errors of Spend.
var (
	ErrReplayed = errors.New("pow: challenge already used")
	ErrFull     = errors.New("pow: too many challenges in use to remember another")
)

// Used reports whether c was spent and is still remembered.
func (s *Spent) Used(c Challenge, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.until[c.Nonce]
	return ok && now.Before(t)
}

// Spend marks c used until until, when it stops being valid anyway. It
// refuses c if it was used before, or if the set is full of challenges
// still valid: a challenge that cannot be remembered is not accepted.
func (s *Spent) Spend(c Challenge, until, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.until[c.Nonce]; ok && now.Before(t) {
		return ErrReplayed
	}
	// A full set is swept at most once a second, so that a flood cannot
	// make every request walk it.
	if since := now.Sub(s.sweptAt); since > time.Minute || (len(s.until) >= s.max && since > time.Second) {
		s.sweep(now)
	}
	if len(s.until) >= s.max {
		return ErrFull
	}
	s.until[c.Nonce] = until
	return nil
}

func (s *Spent) sweep(now time.Time) {
	for n, t := range s.until {
		if !now.Before(t) {
			delete(s.until, n)
		}
	}
	s.sweptAt = now
}
