package seal

import (
	"crypto/rand"
	"errors"
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

// ErrReceiptFormat means the text is not 28 digits.
var ErrReceiptFormat = errors.New("seal: a receipt is 28 digits")

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

// String is the receipt in groups of four digits.
func (r Receipt) String() string {
	return strings.Join(r.Groups(), " ")
}

// Groups splits the receipt into groups of four digits.
func (r Receipt) Groups() []string {
	all := r.Lookup + r.Secret
	groups := make([]string, 0, len(all)/receiptGroup)
	for i := 0; i < len(all); i += receiptGroup {
		groups = append(groups, all[i:i+receiptGroup])
	}
	return groups
}

// ParseReceipt reads a receipt as people type or paste it: digits with any
// spaces, dashes or dots between them.
func ParseReceipt(s string) (Receipt, error) {
	if len(s) > 200 {
		return Receipt{}, ErrReceiptFormat
	}
	digits := make([]byte, 0, ReceiptDigits)
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			if len(digits) == ReceiptDigits {
				return Receipt{}, ErrReceiptFormat
			}
			digits = append(digits, byte(c))
		case c == ' ' || c == '-' || c == '.' || c == '\t' || c == '\n' || c == '\r' || c == '\u00a0' || c == '\u202f':
		default:
			return Receipt{}, ErrReceiptFormat
		}
	}
	if len(digits) != ReceiptDigits {
		return Receipt{}, ErrReceiptFormat
	}
	return Receipt{Lookup: string(digits[:LookupDigits]), Secret: string(digits[LookupDigits:])}, nil
}
