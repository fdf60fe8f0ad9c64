package web

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"tropa"
	"tropa/desk"
	"tropa/internal/pow"
)

// The applicant form's proof of work. Each of its pow.Parts puzzles asks for
// DefaultProofBits zero bits: 8 × 2^15, about 262,000 SHA-256 blocks on
// average, which the page's script does in one to two seconds in Chromium
// slowed down four to six times, as a cheap phone is (TestProofSolveTime
// in cmd/tropa measures it). Without JavaScript the same challenge is
// accepted unsolved once it is proofWait old: a form filled in by hand is
// older than that already, and a quick one gets a short wait page.
const (
	DefaultProofBits = 15
	proofWait        = 10 * time.Second
	// proofValidity is how long a challenge may be used: time to write a
	// long message on a phone. A later one gets the wait page again.
	proofValidity = time.Hour
	// proofSpentMin is the least number of solutions a node remembers;
	// see proofSpentFor.
	proofSpentMin = 1 << 16
	// proofSkew allows a challenge from a node whose clock runs ahead.
	proofSkew = time.Minute
	// unsolvedRate and unsolvedBurst bound the unsolved challenges a node
	// accepts, all applicants together: waiting costs a flooder nothing,
	// and people without JavaScript are few.
	unsolvedRate  = 3
	unsolvedBurst = 15
)

// proofs is a node's side of the proof of work.
type proofs struct {
	bits     int
	spent    *pow.Spent
	unsolved *rate.Limiter

	mu  sync.Mutex
	key []byte
}

// proofView is a challenge as the form carries it.
type proofView struct {
	Token string
	Bits  int
	Parts int
}

// proofSpentFor is how many solutions a node remembers when it admits
// rate submissions a second. A challenge is spent only once its submission
// is admitted, and forgotten when it expires, so this holds every spend
// within proofValidity at the intake limit, with a minute to spare for the
// set's sweeps.
func proofSpentFor(rate float64) int {
	return max(int(rate*(proofValidity+time.Minute).Seconds()), proofSpentMin)
}

// verdict is what a posted proof earns: acceptance, a wait for the
// challenge to mature, or a refusal that says why. An accepted challenge
// is not yet spent.
type verdict struct {
	ok bool
	// unsolved says the challenge was let through by waiting.
	unsolved  bool
	wait      time.Duration
	challenge pow.Challenge
	err       error
}

var (
	errProofMissing = tropa.UserError(tropa.EPROOF, "ErrProofMissing", nil)
	errProofInvalid = tropa.UserError(tropa.EPROOF, "ErrProofInvalid", nil)
	errProofExpired = tropa.UserError(tropa.EPROOF, "ErrProofExpired", nil)
	errProofUsed    = tropa.UserError(tropa.EPROOF, "ErrProofUsed", nil)
	errProofWrong   = tropa.UserError(tropa.EPROOF, "ErrProofWrong", nil)
)

// proofOn reports whether submissions need a proof of work now.
func (s *Server) proofOn(ctx context.Context) (bool, error) {
	mode, err := s.Desk.Proof(ctx)
	if err != nil {
		return false, err
	}
	return mode == desk.ProofOn || (mode == desk.ProofAuto && s.saturated.recent(s.Now())), nil
}

// proofKey is the shared key of the challenges; it never changes once made.
func (s *Server) proofKey(ctx context.Context) ([]byte, error) {
	s.proof.mu.Lock()
	defer s.proof.mu.Unlock()
	if s.proof.key == nil {
		key, err := s.Desk.ProofKey(ctx)
		if err != nil {
			return nil, err
		}
		s.proof.key = key
	}
	return s.proof.key, nil
}

// challenge issues a new challenge.
func (s *Server) challenge(ctx context.Context) (pow.Challenge, error) {
	key, err := s.proofKey(ctx)
	if err != nil {
		return pow.Challenge{}, err
	}
	return pow.Issue(key, s.proof.bits, s.Now()), nil
}

func viewOf(c pow.Challenge) *proofView {
	return &proofView{Token: c.Token(), Bits: c.Bits, Parts: pow.Parts}
}

// formProof is the challenge a form shows, or nil when none is asked for.
func (s *Server) formProof(ctx context.Context) (*proofView, error) {
	on, err := s.proofOn(ctx)
	if err != nil || !on {
		return nil, err
	}
	c, err := s.challenge(ctx)
	if err != nil {
		return nil, err
	}
	return viewOf(c), nil
}

// checkProof weighs a posted challenge and solution without spending it.
// unsolvedOK lets an unsolved challenge through once it is proofWait old;
// otherwise it is told how long is left.
func (s *Server) checkProof(ctx context.Context, token, solution string, unsolvedOK bool) (verdict, error) {
	if token == "" {
		return verdict{err: errProofMissing}, nil
	}
	key, err := s.proofKey(ctx)
	if err != nil {
		return verdict{}, err
	}
	now := s.Now()
	c, err := pow.Parse(key, token)
	switch {
	case err != nil:
		return verdict{err: errProofInvalid}, nil
	case now.Sub(c.Issued) >= proofValidity || c.Issued.Sub(now) > proofSkew:
		return verdict{err: errProofExpired}, nil
	case c.Bits < s.proof.bits:
		return verdict{err: errProofInvalid}, nil
	case s.proof.spent.Used(c, now):
		// Told before the limits, a second press of the button costs
		// the applicant none of his tries.
		return verdict{err: errProofUsed}, nil
	case solution != "" && !c.Solves(solution):
		return verdict{err: errProofWrong}, nil
	case solution == "" && !unsolvedOK:
		return verdict{err: errProofMissing}, nil
	case solution == "":
		if age := now.Sub(c.Issued); age < proofWait {
			return verdict{wait: proofWait - age, challenge: c}, nil
		}
		return verdict{ok: true, unsolved: true, challenge: c}, nil
	}
	return verdict{ok: true, challenge: c}, nil
}

// admitProved takes a submission's try from the intake limits, then spends
// the challenge v accepted, if any. Spending only what the limits admitted
// keeps a flood of posts from filling the spent set. An unsolved challenge
// first meets its own limit, so that such a flood leaves the intake's
// tries to those who solve.
func (s *Server) admitProved(r *http.Request, v verdict) error {
	now := s.Now()
	if v.unsolved {
		res := s.proof.unsolved.ReserveN(now, 1)
		if d := res.DelayFrom(now); d > 0 {
			res.CancelAt(now)
			s.saturated.mark(now)
			return retryLater(tropa.EBUSY, "ErrIntakeBusy", d)
		}
	}
	if err := s.admitIntake(r); err != nil || !v.ok {
		return err
	}
	switch err := s.proof.spent.Spend(v.challenge, v.challenge.Issued.Add(proofValidity), now); {
	case errors.Is(err, pow.ErrFull):
		s.saturated.mark(now)
		return retryLater(tropa.EBUSY, "ErrIntakeBusy", time.Minute)
	case err != nil:
		return errProofUsed
	}
	return nil
}
