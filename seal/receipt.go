package seal

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// A receipt is 28 digits: an 8-digit lookup part that finds the record, and
// a 20-digit secret (66 bits) that is never stored. ASCII digits, because
// every phone's number pad types them whatever its keyboard language (a
// Cyrillic layout switches to Latin letters, never to other digits), and
// they are read out over a phone line in groups of four.
const (
	LookupDigits  = 8
	SecretDigits  = 20
	ReceiptDigits = LookupDigits + SecretDigits
	receiptGroup  = 4
)

// A checked receipt adds to each group of four a fifth digit, the Damm
// check digit of the four, so that a mistyped code is told apart from an
// unknown one and the applicant is told which group to look at. The check is
// a function of the digits alone: it says nothing about which codes exist.
const (
	checkedGroup  = receiptGroup + 1
	CheckedDigits = ReceiptDigits / receiptGroup * checkedGroup
)

// ErrReceiptFormat means the text is neither 28 nor 35 digits.
var ErrReceiptFormat = errors.New("seal: a receipt is 35 digits")

// GroupError means a group of a 35-digit receipt fails its check digit.
type GroupError struct {
	Group  int    // 1-based
	Digits string // the five digits as typed
}

func (e *GroupError) Error() string {
	return fmt.Sprintf("seal: receipt group %d (%s) fails its check digit", e.Group, e.Digits)
}

// dammTable is the order-10 quasigroup of Damm (2004); with it one check
// digit catches every single-digit error and every adjacent transposition.
var dammTable = [10][10]byte{
	{0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
	{7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
	{4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
	{1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
	{6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
	{3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
	{5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
	{8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
	{9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
	{2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
}

// damm returns the check digit of ASCII digits; digits followed by their
// check digit give '0'.
func damm(digits string) byte {
	var interim byte
	for i := 0; i < len(digits); i++ {
		interim = dammTable[interim][digits[i]-'0']
	}
	return '0' + interim
}

// Receipt is an applicant's way back to his request.
type Receipt struct {
	Lookup string
	Secret string
}

// NewReceipt returns a random receipt.
func NewReceipt() Receipt {
	return Receipt{Lookup: randomDigits(LookupDigits), Secret: randomDigits(SecretDigits)}
}

func randomDigits(n int) string {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
	v, err := rand.Int(rand.Reader, limit)
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	s := v.String()
	return strings.Repeat("0", n-len(s)) + s
}

// String is the receipt as it is shown: seven groups of five digits.
func (r Receipt) String() string {
	return strings.Join(r.Groups(), " ")
}

// Groups splits the receipt into groups of four digits, each followed by
// its check digit.
func (r Receipt) Groups() []string {
	all := r.Lookup + r.Secret
	groups := make([]string, 0, len(all)/receiptGroup)
	for i := 0; i < len(all); i += receiptGroup {
		four := all[i : i+receiptGroup]
		groups = append(groups, four+string(damm(four)))
	}
	return groups
}

// ParseReceipt reads a receipt as people type or paste it: digits with any
// spaces, dashes or dots between them. 28 digits are a receipt issued before
// check digits; 35 digits are read as seven groups of five in order, however
// they were spaced, and a group that fails its check gives a *GroupError.
// The check needs no lookup, so a typo costs no key derivation.
func ParseReceipt(s string) (Receipt, error) {
	if len(s) > 200 {
		return Receipt{}, ErrReceiptFormat
	}
	digits := make([]byte, 0, CheckedDigits)
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			if len(digits) == CheckedDigits {
				return Receipt{}, ErrReceiptFormat
			}
			digits = append(digits, byte(c))
		case c == ' ' || c == '-' || c == '.' || c == '\t' || c == '\n' || c == '\r' || c == '\u00a0' || c == '\u202f':
		default:
			return Receipt{}, ErrReceiptFormat
		}
	}
	if len(digits) == CheckedDigits {
		var payload []byte
		for i := 0; i < CheckedDigits; i += checkedGroup {
			group := string(digits[i : i+checkedGroup])
			if damm(group) != '0' {
				return Receipt{}, &GroupError{Group: i/checkedGroup + 1, Digits: group}
			}
			payload = append(payload, group[:receiptGroup]...)
		}
		digits = payload
	}
	if len(digits) != ReceiptDigits {
		return Receipt{}, ErrReceiptFormat
	}
	return Receipt{Lookup: string(digits[:LookupDigits]), Secret: string(digits[LookupDigits:])}, nil
}
