package pow

import (
	"encoding/binary"
	"testing"
	"time"
)

// What the server pays per challenge: issuing one (each form shown), and
// parsing and checking a solution (each form posted).
func BenchmarkIssue(b *testing.B) {
	for b.Loop() {
		Issue(testKey, 14, testNow)
	}
}

func BenchmarkVerify(b *testing.B) {
	c := Issue(testKey, 12, testNow)
	solution := Solve(c.Token(), c.Bits)
	spent := NewSpent(1 << 20)
	var n uint64
	for b.Loop() {
		got, err := Parse(testKey, c.Token())
		if err != nil || !got.Solves(solution) {
			b.Fatal("refused")
		}
		n++ // a fresh entry each time, as real traffic makes
		binary.BigEndian.PutUint64(got.Nonce[:], n)
		spent.Spend(got, testNow.Add(time.Hour), testNow)
	}
}

// What a client pays to solve a challenge of the web form's default
// difficulty (admission.DefaultProofBits), natively; the page's script is slower.
func BenchmarkSolve15(b *testing.B) {
	for b.Loop() {
		Solve(Issue(testKey, 15, testNow).Token(), 15)
	}
}
