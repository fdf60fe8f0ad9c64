package seal

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

var (
	digitsRE  = regexp.MustCompile(`^[0-9]+$`)
	groupedRE = regexp.MustCompile(`^[0-9]{5}( [0-9]{5}){6}$`)
)

func TestNewReceiptShape(t *testing.T) {
	r := NewReceipt()
	if len(r.Lookup) != LookupDigits || !digitsRE.MatchString(r.Lookup) {
		t.Errorf("Lookup = %q, want %d digits", r.Lookup, LookupDigits)
	}
	if len(r.Secret) != SecretDigits || !digitsRE.MatchString(r.Secret) {
		t.Errorf("Secret = %q, want %d digits", r.Secret, SecretDigits)
	}
	if s := r.String(); !groupedRE.MatchString(s) {
		t.Errorf("String() = %q, want seven groups of five digits separated by single spaces", s)
	}
	groups := r.Groups()
	if len(groups) != 7 {
		t.Fatalf("len(Groups()) = %d, want 7", len(groups))
	}
	var payload string
	for _, g := range groups {
		payload += g[:4]
	}
	if payload != r.Lookup+r.Secret {
		t.Errorf("Groups() = %q, do not spell %q", groups, r.Lookup+r.Secret)
	}
	got, err := ParseReceipt(r.String())
	if err != nil || got != r {
		t.Errorf("ParseReceipt(String()) = %+v, %v; want %+v", got, err, r)
	}
}

func TestReceiptString(t *testing.T) {
	r := Receipt{Lookup: "01234567", Secret: "89012345678901234567"}
	if got, want := r.String(), "01234 45672 89015 23451 67891 01234 45672"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	want := []string{"01234", "45672", "89015", "23451", "67891", "01234", "45672"}
	if got := r.Groups(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Groups() = %q, want %q", got, want)
	}
}

// The published examples of Damm's algorithm, and the digits followed by
// their check digit giving zero.
func TestDamm(t *testing.T) {
	tests := []struct {
		digits string
		want   byte
	}{
		{"", '0'}, {"572", '4'}, {"5724", '0'}, {"0000", '0'}, {"0123", '4'}, {"8901", '5'},
	}
	for _, tt := range tests {
		if got := damm(tt.digits); got != tt.want {
			t.Errorf("damm(%q) = %q, want %q", tt.digits, got, tt.want)
		}
	}
}

const checked = "01234 45672 89015 23451 67891 01234 45672"

func TestParseReceiptChecked(t *testing.T) {
	want := Receipt{Lookup: "01234567", Secret: "89012345678901234567"}
	plain := strings.ReplaceAll(checked, " ", "")
	tests := []struct{ name, s string }{
		{"string form", checked},
		{"plain digits", plain},
		{"dashes", strings.ReplaceAll(checked, " ", "-")},
		{"grouped in fours", "0123 4456 7289 0152 3451 6789 1012 3445 672"},
		{"separators between every digit", strings.Join(strings.Split(plain, ""), " ")},
		{"padded to 200 bytes", plain + strings.Repeat(" ", 200-len(plain))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseReceipt(tt.s)
			if err != nil || got != want {
				t.Errorf("ParseReceipt(%q) = %+v, %v; want %+v, nil", tt.s, got, err, want)
			}
		})
	}
}

// Every single-digit substitution and every adjacent transposition inside a
// group, check digit included, is caught and blamed on its group.
func TestParseReceiptTypos(t *testing.T) {
	plain := strings.ReplaceAll(checked, " ", "")
	blame := func(typo string, pos int) {
		t.Helper()
		got, err := ParseReceipt(typo)
		var ge *GroupError
		if !errors.As(err, &ge) || got != (Receipt{}) {
			t.Fatalf("ParseReceipt(%q) = %+v, %v; want a *GroupError", typo, got, err)
		}
		if want := pos/5 + 1; ge.Group != want || ge.Digits != typo[(want-1)*5:want*5] {
			t.Fatalf("ParseReceipt(%q) blames group %d (%s), want %d", typo, ge.Group, ge.Digits, want)
		}
	}
	for pos := range plain {
		for d := byte('0'); d <= '9'; d++ {
			if d == plain[pos] {
				continue
			}
			typo := []byte(plain)
			typo[pos] = d
			blame(string(typo), pos)
		}
		if pos%5 < 4 && plain[pos] != plain[pos+1] {
			typo := []byte(plain)
			typo[pos], typo[pos+1] = typo[pos+1], typo[pos]
			blame(string(typo), pos)
		}
	}
}

func TestParseReceiptAccepts(t *testing.T) {
	want := Receipt{Lookup: "01234567", Secret: "89012345678901234567"}
	const plain = "0123456789012345678901234567"
	tests := []struct{ name, s string }{
		{"issued before check digits", "0123 4567 8901 2345 6789 0123 4567"},
		{"plain digits", plain},
		{"dashes", "0123-4567-8901-2345-6789-0123-4567"},
		{"dots", "0123.4567.8901.2345.6789.0123.4567"},
		{"no-break spaces", "0123\u00a04567\u00a08901\u00a02345\u00a06789\u00a00123\u00a04567"},
		{"narrow no-break spaces", "0123\u202f4567\u202f8901\u202f2345\u202f6789\u202f0123\u202f4567"},
		{"leading and trailing whitespace", " \t\n 0123 4567 8901 2345 6789 0123 4567 \r\n"},
		{"mixed separators", "0123 - 4567 . 8901\t2345\u00a06789--0123..4567"},
		{"separators between every digit", strings.Join(strings.Split(plain, ""), " ")},
		{"lookup split across groups", "012 34567 89012345678901234567"},
		{"padded to 200 bytes", plain + strings.Repeat(" ", 200-len(plain))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseReceipt(tt.s)
			if err != nil || got != want {
				t.Errorf("ParseReceipt(%q) = %+v, %v; want %+v, nil", tt.s, got, err, want)
			}
		})
	}
}

func TestParseReceiptRejects(t *testing.T) {
	const plain = "0123456789012345678901234567"
	tests := []struct{ name, s string }{
		{"empty", ""},
		{"separators only", " - . "},
		{"27 digits", plain[:27]},
		{"29 digits", plain + "8"},
		{"34 digits", strings.ReplaceAll(checked, " ", "")[:34]},
		{"36 digits", strings.ReplaceAll(checked, " ", "") + "0"},
		{"56 digits", plain + plain},
		{"27 digits grouped", "0123 4567 8901 2345 6789 0123 456"},
		{"29 digits grouped", "0123 4567 8901 2345 6789 0123 4567 8"},
		{"latin letter", "0123 4567 8901 2345 6789 0123 456O"},
		{"letters only", "abcd efgh ijkl mnop qrst uvwx yzab"},
		{"cyrillic o for zero", "О123 4567 8901 2345 6789 0123 4567"},
		{"cyrillic ze for three", "0123 4567 8901 2345 6789 0123 4567 з"},
		{"fullwidth digits", "０１２３４５６７８９０１２３４５６７８９０１２３４５６７"},
		{"slash", "0123/4567/8901/2345/6789/0123/4567"},
		{"comma", "0123,4567,8901,2345,6789,0123,4567"},
		{"plus", "+0123456789012345678901234567"},
		{"nul byte", plain + "\x00"},
		{"invalid utf-8", plain + "\xff"},
		{"over 200 bytes", plain + strings.Repeat(" ", 201-len(plain))},
		{"over-long spaces", strings.Repeat(" ", 10000) + plain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseReceipt(tt.s)
			if !errors.Is(err, ErrReceiptFormat) || got != (Receipt{}) {
				t.Errorf("ParseReceipt(%q) = %+v, %v; want zero, ErrReceiptFormat", tt.s, got, err)
			}
		})
	}
}

func TestNewReceiptRandomness(t *testing.T) {
	const n = 1000
	secrets := make(map[string]bool, n)
	var counts [10]int
	var seen [ReceiptDigits][10]bool
	for range n {
		r := NewReceipt()
		if secrets[r.Secret] {
			t.Fatalf("secret %q repeated", r.Secret)
		}
		secrets[r.Secret] = true
		for pos, c := range r.Lookup + r.Secret {
			counts[c-'0']++
			seen[pos][c-'0'] = true
		}
	}
	// 28,000 digits: 2,800 expected per digit, standard deviation about 50;
	// a 10% bound is more than five deviations away.
	const expected = n * ReceiptDigits / 10
	for d, c := range counts {
		if c < expected*9/10 || c > expected*11/10 {
			t.Errorf("digit %d appears %d times, want %d ± 10%%", d, c, expected)
		}
	}
	// Every position, including the first of each part, must take every
	// digit: 0.9^1000 makes a miss by chance impossible in practice.
	for pos, digits := range seen {
		for d, ok := range digits {
			if !ok {
				t.Errorf("digit %d never appears at position %d", d, pos)
			}
		}
	}
}
