package admission

import (
	"testing"
	"time"

	"tropa/internal/pow"
)

// Challenges are spent only once the intake limit admits them, so a node
// remembers as many as that limit lets through while they are valid: an
// hour of a machine's full intake, beyond the set's least size, is never
// told that the set is full.
func TestProofSpentHoldsAnHourOfIntake(t *testing.T) {
	t.Parallel()
	const rate = 120
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	in, err := NewIntake(Config{Rate: rate})
	if err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	admitted := int(rate*ProofValidity.Seconds()) + 2*rate
	for i := range admitted {
		now := start.Add(time.Duration(i) * time.Second / rate)
		c := pow.Issue(key, DefaultProofBits, now)
		if err := in.proof.spent.Spend(c, c.Issued.Add(ProofValidity), now); err != nil {
			t.Fatalf("spend %d of %d in an hour at %d a second: %v", i+1, admitted, rate, err)
		}
	}
}
