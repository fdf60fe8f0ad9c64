// Package pow is the small proof of work that guards the applicant form
// against floods: a challenge the server issues without remembering it,
// authenticated under a key every node shares, and the check of its
// solution.
//
// A challenge is Parts puzzles. Puzzle i is solved by a decimal counter c
// such that SHA-256(prefix c) starts with Bits zero bits, where prefix is
// token ":" i ":" padded with dots to 64 bytes, one SHA-256 block, so that
// a solver hashes it once and each try costs one block; the solution is the
// Parts counters joined by commas. Several smaller puzzles
// instead of one large one make the time a phone spends on it far steadier:
// one draw of a geometric distribution runs past three times its mean one
// time in twenty, the sum of eight almost never.
package pow

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"tropa/seal"
)

// Parts is the number of puzzles in a challenge.
const Parts = 8

// MaxBits bounds the difficulty a token may carry: beyond it no phone
// would finish.
const MaxBits = 32

const (
	version    = 1
	nonceLen   = 16
	macLen     = 16
	payloadLen = 1 + 1 + 8 + nonceLen
	rawLen     = payloadLen + macLen
)

// TokenLen is the length of a token as text.
var TokenLen = base64.RawURLEncoding.EncodedLen(rawLen)

// Errors of Parse.
var (
	ErrMalformed = errors.New("pow: malformed token")
	ErrForged    = errors.New("pow: token not issued with this key")
)

// Challenge is one issued challenge.
type Challenge struct {
	// Bits is the number of leading zero bits each puzzle asks for.
	Bits   int
	Issued time.Time
	Nonce  [nonceLen]byte
	token  string
}

// Issue makes a new challenge of the given difficulty, issued at now.
func Issue(key []byte, difficulty int, now time.Time) Challenge {
	c := Challenge{Bits: difficulty, Issued: time.Unix(now.Unix(), 0)}
	copy(c.Nonce[:], seal.RandomBytes(nonceLen))
	raw := make([]byte, payloadLen, rawLen)
	raw[0] = version
	raw[1] = byte(difficulty)
	binary.BigEndian.PutUint64(raw[2:10], uint64(c.Issued.Unix()))
	copy(raw[10:], c.Nonce[:])
	raw = append(raw, sign(key, raw)...)
	c.token = base64.RawURLEncoding.EncodeToString(raw)
	return c
}

// Token is the challenge as the form and the API carry it.
func (c Challenge) Token() string { return c.token }

// Parse reads a token and checks that it was issued under key. Whether it
// is still valid, and hard enough, is for the caller to decide.
func Parse(key []byte, token string) (Challenge, error) {
	if len(token) != TokenLen {
		return Challenge{}, ErrMalformed
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) != rawLen || raw[0] != version {
		return Challenge{}, ErrMalformed
	}
	if !hmac.Equal(raw[payloadLen:], sign(key, raw[:payloadLen])) {
		return Challenge{}, ErrForged
	}
	if raw[1] > MaxBits {
		return Challenge{}, ErrMalformed
	}
	c := Challenge{Bits: int(raw[1]), Issued: time.Unix(int64(binary.BigEndian.Uint64(raw[2:10])), 0), token: token}
	copy(c.Nonce[:], raw[10:payloadLen])
	return c, nil
}

func sign(key, payload []byte) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write(payload)
	return mac.Sum(nil)[:macLen]
}

// Solves reports whether solution solves every puzzle of c.
func (c Challenge) Solves(solution string) bool {
	counters := strings.Split(solution, ",")
	if len(counters) != Parts || c.token == "" {
		return false
	}
	for i, s := range counters {
		// A counter is plain decimal, so that one solution has one spelling.
		if len(s) == 0 || len(s) > 12 || (len(s) > 1 && s[0] == '0') {
			return false
		}
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil || !solvesPart(c.token, c.Bits, i, n) {
			return false
		}
	}
	return true
}

func solvesPart(token string, difficulty, i int, counter uint64) bool {
	buf := make([]byte, 0, len(token)+64)
	buf = append(buf, token...)
	buf = append(buf, ':')
	buf = strconv.AppendInt(buf, int64(i), 10)
	buf = append(buf, ':')
	for len(buf)%64 != 0 {
		buf = append(buf, '.')
	}
	buf = strconv.AppendUint(buf, counter, 10)
	sum := sha256.Sum256(buf)
	return leadingZeros(sum[:]) >= difficulty
}

func leadingZeros(b []byte) int {
	n := 0
	for _, x := range b {
		if x != 0 {
			return n + bits.LeadingZeros8(x)
		}
		n += 8
	}
	return n
}

// Solve finds a solution to the challenge token of the given difficulty by
// brute force, as the page's script does: for tests, and for programs using
// the API, which need no key to solve.
func Solve(token string, difficulty int) string {
	counters := make([]string, Parts)
	for i := range counters {
		var n uint64
		for !solvesPart(token, difficulty, i, n) {
			n++
		}
		counters[i] = strconv.FormatUint(n, 10)
	}
	return strings.Join(counters, ",")
}
