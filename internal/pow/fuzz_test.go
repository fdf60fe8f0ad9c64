package pow

import "testing"

// FuzzParse feeds the token parser what a client may post: it must not
// panic, and whatever it accepts must be a token this key issued, read back
// to the same text.
func FuzzParse(f *testing.F) {
	f.Add(Issue(testKey, 14, testNow).Token())
	f.Add(Issue(otherKey, 14, testNow).Token())
	f.Add("")
	f.Add("AQ4AAAAAaaQ8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := Parse(testKey, token)
		if err != nil {
			return
		}
		if c.Token() != token {
			t.Errorf("Parse(%q) keeps token %q", token, c.Token())
		}
		if c.Bits > MaxBits {
			t.Errorf("Parse(%q) accepted difficulty %d", token, c.Bits)
		}
		c.Solves("0,0,0,0,0,0,0,0")
	})
}

// FuzzSolves feeds the solution checker any text: it must not panic.
func FuzzSolves(f *testing.F) {
	c := Issue(testKey, 4, testNow)
	f.Add(Solve(c.Token(), c.Bits))
	f.Add("0,0,0,0,0,0,0,0")
	f.Add(",,,,,,,")
	f.Add("99999999999999999999,1,2,3,4,5,6,7")
	f.Fuzz(func(t *testing.T, solution string) {
		c.Solves(solution)
	})
}
