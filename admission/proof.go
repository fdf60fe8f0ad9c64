package admission

import (
	"context"
	"errors"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"tropa"
	"tropa/desk"
	"tropa/internal/pow"
)

// The proof of work. Each of its pow.Parts puzzles asks for
// DefaultProofBits zero bits: 8 × 2^15, about 262,000 SHA-256 blocks on
// average, which the web page's script does in one to two seconds in
// Chromium slowed down four to six times, as a cheap phone is
// (TestProofSolveTime in cmd/tropa measures it). Without JavaScript the
// same challenge is accepted unsolved once it is ProofWait old: a form
// filled in by hand is older than that already, and a quick one gets a
// short wait.
const (
	DefaultProofBits = 15
	ProofWait        = 10 * time.Second
	// ProofValidity is how long a challenge may be used: time to write a
	// long message on a phone. A later one must wait again.
	ProofValidity = time.Hour
	// proofSpentMin is the least number of solutions a node remembers;
	// see proofSpentFor.
	proofSpentMin = 1 << 16
	// proofSkew allows a challenge from a node whose clock runs ahead.
	proofSkew = time.Minute
	// unsolvedRate and unsolvedBurst bound the unsolved challenges a node
	// accepts, all users together: waiting costs a flooder nothing, and
	// people without JavaScript are few.
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

// proofSpentFor is how many solutions a node remembers when it admits
// rate submissions a second. A challenge is spent only once its submission
// is admitted, and forgotten when it expires, so this holds every spend
// within ProofValidity at the intake limit, with a minute to spare for the
// set's sweeps.
func proofSpentFor(rate float64) int {
	return max(int(rate*(ProofValidity+time.Minute).Seconds()), proofSpentMin)
}

// Verdict is what a posted proof earns: acceptance, a wait for the
// challenge to mature, or a refusal that says why. An accepted challenge
// is not yet spent.
type Verdict struct {
	OK bool
	// Unsolved says the challenge was let through by waiting.
	Unsolved bool
	// Wait is how long the challenge has yet to mature.
	Wait      time.Duration
	Challenge pow.Challenge
	// Err is why the proof was refused.
	Err error
}

// Why a proof is refused. ErrProofMissing is also a form shown before
// proofs were asked for, which is no fault of the user's.
var (
	ErrProofMissing = tropa.UserError(tropa.EPROOF, "ErrProofMissing", nil)
	errProofInvalid = tropa.UserError(tropa.EPROOF, "ErrProofInvalid", nil)
	errProofExpired = tropa.UserError(tropa.EPROOF, "ErrProofExpired", nil)
	errProofUsed    = tropa.UserError(tropa.EPROOF, "ErrProofUsed", nil)
	errProofWrong   = tropa.UserError(tropa.EPROOF, "ErrProofWrong", nil)
)

// ProofOn reports whether submissions need a proof of work now: always,
// never, or while the node is saturated, as the organization chose.
func (in *Intake) ProofOn(ctx context.Context) (bool, error) {
	mode, err := in.source.Proof(ctx)
	if err != nil {
		return false, err
	}
	return mode == desk.ProofOn || (mode == desk.ProofAuto && in.Saturated()), nil
}

// proofKey is the shared key of the challenges; it never changes once made.
func (in *Intake) proofKey(ctx context.Context) ([]byte, error) {
	in.proof.mu.Lock()
	defer in.proof.mu.Unlock()
	if in.proof.key == nil {
		key, err := in.source.ProofKey(ctx)
		if err != nil {
			return nil, err
		}
		in.proof.key = key
	}
	return in.proof.key, nil
}

// Challenge issues a new challenge.
func (in *Intake) Challenge(ctx context.Context) (pow.Challenge, error) {
	key, err := in.proofKey(ctx)
	if err != nil {
		return pow.Challenge{}, err
	}
	return pow.Issue(key, in.proof.bits, in.now()), nil
}

// CheckProof weighs a challenge and solution without spending it.
// unsolvedOK lets an unsolved challenge through once it is ProofWait old;
// otherwise it is told how long is left.
func (in *Intake) CheckProof(ctx context.Context, token, solution string, unsolvedOK bool) (Verdict, error) {
	if token == "" {
		return Verdict{Err: ErrProofMissing}, nil
	}
	key, err := in.proofKey(ctx)
	if err != nil {
		return Verdict{}, err
	}
	now := in.now()
	c, err := pow.Parse(key, token)
	switch {
	case err != nil:
		return Verdict{Err: errProofInvalid}, nil
	case now.Sub(c.Issued) >= ProofValidity || c.Issued.Sub(now) > proofSkew:
		return Verdict{Err: errProofExpired}, nil
	case c.Bits < in.proof.bits:
		return Verdict{Err: errProofInvalid}, nil
	case in.proof.spent.Used(c, now):
		// Told before the limits, a second press of the button costs
		// the user none of his tries.
		return Verdict{Err: errProofUsed}, nil
	case solution != "" && !c.Solves(solution):
		return Verdict{Err: errProofWrong}, nil
	case solution == "" && !unsolvedOK:
		return Verdict{Err: ErrProofMissing}, nil
	case solution == "":
		if age := now.Sub(c.Issued); age < ProofWait {
			return Verdict{Wait: ProofWait - age, Challenge: c}, nil
		}
		return Verdict{OK: true, Unsolved: true, Challenge: c}, nil
	}
	return Verdict{OK: true, Challenge: c}, nil
}

// AdmitProved takes a submission's try from the intake limits (see Admit),
// then spends the challenge v accepted, if any. Spending only what the
// limits admitted keeps a flood of posts from filling the spent set. An
// unsolved challenge first meets its own limit, so that such a flood
// leaves the intake's tries to those who solve.
func (in *Intake) AdmitProved(key []byte, v Verdict) error {
	now := in.now()
	if v.Unsolved {
		res := in.proof.unsolved.ReserveN(now, 1)
		if d := res.DelayFrom(now); d > 0 {
			res.CancelAt(now)
			in.saturated.mark(now)
			return RetryLater(tropa.EBUSY, "ErrIntakeBusy", d)
		}
	}
	if err := in.Admit(key); err != nil || !v.OK {
		return err
	}
	switch err := in.proof.spent.Spend(v.Challenge, v.Challenge.Issued.Add(ProofValidity), now); {
	case errors.Is(err, pow.ErrFull):
		in.saturated.mark(now)
		return RetryLater(tropa.EBUSY, "ErrIntakeBusy", time.Minute)
	case err != nil:
		return errProofUsed
	}
	return nil
}
