// Package admission decides, for every channel alike, whether a new
// request may come in now: the limits per user and for everyone, the
// node's saturation, and the proof of work asked for while it lasts. It
// knows users only by the key the channel gives (a network prefix on the
// web, something of its own on the bot) and answers admit, busy (with when
// to come back) or "needs a proof of work"; how to say so is the channel's.
package admission

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"tropa"
	"tropa/desk"
	"tropa/internal/pow"
)

// DefaultIntakeRate is the intake limit of a node not told its machine's
// capacity, and the least IntakeRateFor gives: about what one core's
// argon2id work for receipts allows.
const DefaultIntakeRate = 50

// IntakeRateFor is the intake limit for a machine that derives capacity
// receipt keys a second. Every submission costs one derivation, so the
// work, not the limit, must be what bounds a flood: the limit sits a
// quarter above the capacity. Submissions let through beyond the capacity
// wait for the KDF (at most its MaxWait, then the applicant is told the
// desk is busy), so the queue stays bounded by a few seconds of work, and
// anything beyond the limit is refused at once without costing any. It is
// never below DefaultIntakeRate: a capacity measured while the machine was
// busy with something else (starting up, say) must not set it lower than
// a fixed limit would.
func IntakeRateFor(capacity float64) float64 {
	return max(capacity*1.25, DefaultIntakeRate)
}

// kdfRetry is when an applicant turned away for want of argon2id time is
// asked to come back: long enough for a burst to pass.
const kdfRetry = 2 * time.Minute

// saturationMemory is how long a node remembers that its intake was
// saturated, for the automatic proof of work.
const saturationMemory = 15 * time.Minute

// RetryError is a refusal that says when to try again: in whole minutes,
// rounded up, in its message, and exactly in After, for a channel that can
// tell programs (the web's Retry-After header).
type RetryError struct {
	Err   error
	After time.Duration
}

func (e *RetryError) Error() string { return e.Err.Error() }
func (e *RetryError) Unwrap() error { return e.Err }

// RetryLater is a refusal with code and the catalog message messageID,
// whose {{.Minutes}} says when to come back.
func RetryLater(code, messageID string, after time.Duration) error {
	minutes := int((after + time.Minute - 1) / time.Minute)
	return &RetryError{Err: tropa.UserError(code, messageID, map[string]any{"Minutes": max(minutes, 1)}), After: after}
}

// saturation remembers when a node's intake last turned someone away for
// want of capacity: everyone's limit spent, or no argon2id slot in time.
type saturation struct {
	at atomic.Int64 // Unix nanoseconds; 0 for never
}

func (s *saturation) mark(now time.Time) { s.at.Store(now.UnixNano()) }

// recent reports whether the intake was saturated within saturationMemory.
func (s *saturation) recent(now time.Time) bool {
	at := s.at.Load()
	return at != 0 && now.Sub(time.Unix(0, at)) < saturationMemory
}

// ProofSource is where the intake learns whether proofs of work are asked
// for and the key their challenges are signed with: the desk.
type ProofSource interface {
	Proof(ctx context.Context) (desk.ProofMode, error)
	ProofKey(ctx context.Context) ([]byte, error)
}

// Config is an intake's setup.
type Config struct {
	// Now is the clock of the limits and of the challenges.
	Now func() time.Time
	// Rate is how many submissions a second all users together may start;
	// zero means DefaultIntakeRate.
	Rate float64
	// ProofBits is the difficulty of a challenge, in zero bits per
	// puzzle; zero means DefaultProofBits.
	ProofBits int
	// Proofs says when proofs of work are asked for.
	Proofs ProofSource
}

// Intake is one node's admission of new requests, shared by its channels:
// a flood by one channel saturates the node for all of them.
type Intake struct {
	now       func() time.Time
	limits    *Limiter
	saturated saturation
	proof     proofs
	source    ProofSource
}

// NewIntake makes a node's intake.
func NewIntake(c Config) (*Intake, error) {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rate <= 0 {
		c.Rate = DefaultIntakeRate
	}
	if c.ProofBits == 0 {
		c.ProofBits = DefaultProofBits
	}
	if c.ProofBits < 0 || c.ProofBits > pow.MaxBits {
		return nil, fmt.Errorf("admission: proof of work difficulty %d out of range 1 to %d", c.ProofBits, pow.MaxBits)
	}
	return &Intake{now: c.Now, limits: NewLimiter(time.Minute, 5, c.Rate), source: c.Proofs,
		proof: proofs{bits: c.ProofBits, spent: pow.NewSpent(proofSpentFor(c.Rate)),
			unsolved: rate.NewLimiter(unsolvedRate, unsolvedBurst)}}, nil
}

// Saturated reports whether the intake turned someone away for want of
// capacity lately.
func (in *Intake) Saturated() bool { return in.saturated.recent(in.now()) }

// Admit takes a submission's try from the intake limits, for the user the
// channel knows by key (nil for one it cannot tell apart), or says when to
// come back: ERATELIMIT when his own tries are spent, EBUSY when
// everyone's are, which marks the node saturated.
func (in *Intake) Admit(key []byte) error {
	now := in.now()
	wait, everyone := in.limits.Reserve(key, now)
	switch {
	case wait == 0:
		return nil
	case everyone:
		in.saturated.mark(now)
		return RetryLater(tropa.EBUSY, "ErrIntakeBusy", wait)
	}
	return RetryLater(tropa.ERATELIMIT, "ErrTooManyRequests", wait)
}

// Failed explains a submission the desk could not take. Argon2id work that
// could not start in time means the node is saturated: the user is told
// when to come back.
func (in *Intake) Failed(err error) error {
	if kdfBusy(err) {
		in.saturated.mark(in.now())
	}
	return BusyRetry(err, "ErrIntakeBusy")
}

// BusyRetry explains, with messageID, argon2id work the desk could not
// start in time, and when to come back; other errors are returned as they
// are.
func BusyRetry(err error, messageID string) error {
	if kdfBusy(err) {
		return RetryLater(tropa.EBUSY, messageID, kdfRetry)
	}
	return err
}

// kdfBusy reports the desk's error for argon2id work that could not start
// in time.
func kdfBusy(err error) bool { return errors.Is(err, desk.ErrKDFBusy) }
