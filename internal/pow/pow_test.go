package pow

import (
	"strings"
	"testing"
	"time"
)

var (
	testKey  = []byte("0123456789abcdef0123456789abcdef")
	otherKey = []byte("fedcba9876543210fedcba9876543210")
	testNow  = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
)

func TestIssueParseSolve(t *testing.T) {
	c := Issue(testKey, 6, testNow)
	if len(c.Token()) != TokenLen {
		t.Fatalf("token %q has %d characters, want %d", c.Token(), len(c.Token()), TokenLen)
	}
	got, err := Parse(testKey, c.Token())
	if err != nil {
		t.Fatalf("Parse(own token): %v", err)
	}
	if got.Bits != 6 || !got.Issued.Equal(testNow) || got.Nonce != c.Nonce {
		t.Errorf("Parse = bits %d issued %v, want 6 and %v with the same nonce", got.Bits, got.Issued, testNow)
	}
	solution := Solve(c.Token(), c.Bits)
	if !got.Solves(solution) {
		t.Fatalf("the parsed challenge refuses Solve's solution %q", solution)
	}
	if other := Issue(testKey, 6, testNow); other.Nonce == c.Nonce || other.Token() == c.Token() {
		t.Error("two challenges issued at once are the same")
	}
}

func TestParseRefuses(t *testing.T) {
	good := Issue(testKey, 6, testNow).Token()
	flip := func(i int) string {
		b := []byte(good)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	tests := []struct {
		name, token string
		want        error
	}{
		{"empty", "", ErrMalformed},
		{"truncated", good[:len(good)-1], ErrMalformed},
		{"one character more", good + "A", ErrMalformed},
		{"not base64url", strings.Repeat("*", TokenLen), ErrMalformed},
		{"difficulty changed", flip(2), ErrForged},
		{"issue time changed", flip(8), ErrForged},
		{"signature changed", flip(TokenLen - 3), ErrForged},
		{"issued under another key", Issue(otherKey, 6, testNow).Token(), ErrForged},
		{"too hard to be real", Issue(testKey, MaxBits+1, testNow).Token(), ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(testKey, tt.token); err != tt.want {
				t.Errorf("Parse(%q) = %v, want %v", tt.token, err, tt.want)
			}
		})
	}
}

func TestSolvesRefuses(t *testing.T) {
	c := Issue(testKey, 8, testNow)
	good := Solve(c.Token(), c.Bits)
	counters := strings.Split(good, ",")
	tests := []struct{ name, solution string }{
		{"empty", ""},
		{"one part missing", strings.Join(counters[1:], ",")},
		{"one part too many", good + ",0"},
		{"a part wrong", bumped(t, c, counters, 0)},
		{"with a leading zero", strings.Join(append([]string{"0" + counters[0]}, counters[1:]...), ",")},
		{"with a sign", strings.Join(append([]string{"+" + counters[0]}, counters[1:]...), ",")},
		{"another challenge's solution", Solve(Issue(testKey, 8, testNow).Token(), 8)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c.Solves(tt.solution) {
				t.Errorf("Solves(%q) = true", tt.solution)
			}
		})
	}
	if (Challenge{}).Solves(good) {
		t.Error("the zero Challenge accepts a solution")
	}
}

// bumped is counters with part i changed to a value that does not solve
// it: at a few bits an arbitrary change solves by chance now and then, so
// it tries changes until one fails, and fails the test when none does.
func bumped(t *testing.T, c Challenge, counters []string, i int) string {
	t.Helper()
	out := append([]string(nil), counters...)
	for range 64 {
		out[i] = "9" + out[i]
		if s := strings.Join(out, ","); !c.Solves(s) {
			return s
		}
	}
	t.Fatalf("every change to part %d still solves it", i)
	return ""
}

func TestSpent(t *testing.T) {
	s := NewSpent(2)
	a, b, c := Issue(testKey, 1, testNow), Issue(testKey, 1, testNow), Issue(testKey, 1, testNow)
	until := testNow.Add(time.Hour)
	if s.Used(a, testNow) {
		t.Error("a challenge not yet spent counts as used")
	}
	if err := s.Spend(a, until, testNow); err != nil {
		t.Fatalf("first use: %v", err)
	}
	if !s.Used(a, testNow.Add(time.Minute)) || s.Used(b, testNow.Add(time.Minute)) {
		t.Error("Used does not tell the spent challenge from the other")
	}
	if s.Used(a, until) {
		t.Error("a spent challenge counts as used after it expired")
	}
	if err := s.Spend(a, until, testNow.Add(time.Minute)); err != ErrReplayed {
		t.Errorf("second use: %v, want %v", err, ErrReplayed)
	}
	if err := s.Spend(b, until, testNow); err != nil {
		t.Fatalf("another challenge: %v", err)
	}
	if err := s.Spend(c, until, testNow.Add(2*time.Second)); err != ErrFull {
		t.Errorf("a third challenge while two still valid fill the set: %v, want %v", err, ErrFull)
	}
	if err := s.Spend(c, until, until.Add(2*time.Second)); err != nil {
		t.Errorf("a challenge after the full set's entries expired: %v", err)
	}
}
