package admission

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/internal/pow"
)

// fakeProofs is the organization's choice of proof of work, as the desk
// would give it.
type fakeProofs struct{ mode desk.ProofMode }

func (f *fakeProofs) Proof(context.Context) (desk.ProofMode, error) { return f.mode, nil }
func (f *fakeProofs) ProofKey(context.Context) ([]byte, error)      { return make([]byte, 32), nil }

const testBits = 4

// clock is a settable clock for an intake.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func newTestIntake(t *testing.T, mode desk.ProofMode, rate float64) (*Intake, *clock) {
	t.Helper()
	c := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	in, err := NewIntake(Config{Now: c.Now, Rate: rate, ProofBits: testBits, Proofs: &fakeProofs{mode: mode}})
	if err != nil {
		t.Fatal(err)
	}
	return in, c
}

// A proof is asked for always, never, or on a node saturated lately.
func TestProofOn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tt := range []struct {
		mode                   desk.ProofMode
		calm, saturated, later bool
	}{
		{desk.ProofOff, false, false, false},
		{desk.ProofOn, true, true, true},
		{desk.ProofAuto, false, true, false},
	} {
		in, c := newTestIntake(t, tt.mode, 1)
		if on, err := in.ProofOn(ctx); err != nil || on != tt.calm {
			t.Errorf("%s, calm: on %v, %v; want %v", tt.mode, on, err, tt.calm)
		}
		// Everyone's tries (bursts of 2) spent: the node is saturated.
		var err error
		for range 3 {
			err = in.Admit(nil)
		}
		if !tropa.IsCode(err, tropa.EBUSY) || !in.Saturated() {
			t.Fatalf("%s: third try at 1 a second = %v, saturated %v; want EBUSY and saturated", tt.mode, err, in.Saturated())
		}
		if on, _ := in.ProofOn(ctx); on != tt.saturated {
			t.Errorf("%s, saturated: on %v, want %v", tt.mode, on, tt.saturated)
		}
		c.now = c.now.Add(saturationMemory)
		if on, _ := in.ProofOn(ctx); on != tt.later {
			t.Errorf("%s, %v after the saturation: on %v, want %v", tt.mode, saturationMemory, on, tt.later)
		}
	}
}

// Every way a proof can fail is told apart, and a good one is spent once,
// when it is admitted.
func TestCheckProof(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	in, c := newTestIntake(t, desk.ProofOn, 100)
	fresh := func() pow.Challenge {
		ch, err := in.Challenge(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	ch := fresh()
	weaker := pow.Issue(make([]byte, 32), testBits-2, c.now)
	for _, tt := range []struct {
		name, token, solution string
		unsolvedOK            bool
		want                  error
	}{
		{"no challenge", "", "", true, ErrProofMissing},
		{"forged", ch.Token() + "x", "", true, errProofInvalid},
		{"easier than asked", weaker.Token(), pow.Solve(weaker.Token(), testBits-2), true, errProofInvalid},
		{"wrong solution", ch.Token(), "0.0.0.0.0.0.0.0", true, errProofWrong},
		{"unsolved where a program must solve", ch.Token(), "", false, ErrProofMissing},
	} {
		v, err := in.CheckProof(ctx, tt.token, tt.solution, tt.unsolvedOK)
		if err != nil || v.OK || v.Err != tt.want {
			t.Errorf("%s: verdict %+v, %v; want refused with %v", tt.name, v, err, tt.want)
		}
	}

	// Unsolved: a wait until it is ProofWait old, then let through.
	v, err := in.CheckProof(ctx, ch.Token(), "", true)
	if err != nil || v.OK || v.Err != nil || v.Wait != ProofWait {
		t.Errorf("unsolved at once: %+v, %v; want a wait of %v", v, err, ProofWait)
	}
	c.now = c.now.Add(ProofWait)
	if v, err = in.CheckProof(ctx, ch.Token(), "", true); err != nil || !v.OK || !v.Unsolved {
		t.Errorf("unsolved after the wait: %+v, %v; want let through unsolved", v, err)
	}

	// Solved: accepted, spent by AdmitProved, then refused as used.
	solved := fresh()
	v, err = in.CheckProof(ctx, solved.Token(), pow.Solve(solved.Token(), testBits), false)
	if err != nil || !v.OK || v.Unsolved {
		t.Fatalf("solved: %+v, %v; want accepted", v, err)
	}
	if err := in.AdmitProved([]byte("k"), v); err != nil {
		t.Fatalf("AdmitProved: %v", err)
	}
	if v, _ := in.CheckProof(ctx, solved.Token(), pow.Solve(solved.Token(), testBits), false); v.Err != errProofUsed {
		t.Errorf("solved twice: %+v, want refused as used", v)
	}

	c.now = c.now.Add(ProofValidity)
	if v, _ := in.CheckProof(ctx, ch.Token(), "", true); v.Err != errProofExpired {
		t.Errorf("after %v: %+v, want refused as expired", ProofValidity, v)
	}
}

// A proof refused by the limits is not spent: the user tries it again
// when he may.
func TestAdmitProvedSpendsOnlyWhenAdmitted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	in, c := newTestIntake(t, desk.ProofOn, 100)
	key := []byte("one network")
	for range 5 {
		if err := in.Admit(key); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := in.Challenge(ctx)
	if err != nil {
		t.Fatal(err)
	}
	solution := pow.Solve(ch.Token(), testBits)
	v, _ := in.CheckProof(ctx, ch.Token(), solution, false)
	if err := in.AdmitProved(key, v); !tropa.IsCode(err, tropa.ERATELIMIT) {
		t.Fatalf("sixth try in a minute: %v, want ERATELIMIT", err)
	}
	c.now = c.now.Add(time.Minute)
	v, _ = in.CheckProof(ctx, ch.Token(), solution, false)
	if !v.OK {
		t.Fatalf("the refused proof a minute later: %+v, want accepted", v)
	}
	if err := in.AdmitProved(key, v); err != nil {
		t.Errorf("the refused proof a minute later: %v", err)
	}
}
