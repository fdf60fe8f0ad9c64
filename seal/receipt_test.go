package seal

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

var (
	digitsRE  = regexp.MustCompile(`^[0-9]+$`)
	groupedRE = regexp.MustCompile(`^[0-9]{4}( [0-9]{4}){6}$`)
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
		t.Errorf("String() = %q, want seven groups of four digits separated by single spaces", s)
	}
	groups := r.Groups()
	if len(groups) != 7 {
		t.Fatalf("len(Groups()) = %d, want 7", len(groups))
	}
	if strings.Join(groups, "") != r.Lookup+r.Secret {
		t.Errorf("Groups() = %q, do not spell %q", groups, r.Lookup+r.Secret)
	}
	got, err := ParseReceipt(r.String())
	if err != nil || got != r {
		t.Errorf("ParseReceipt(String()) = %+v, %v; want %+v", got, err, r)
	}
}

func TestReceiptString(t *testing.T) {
	r := Receipt{Lookup: "01234567", Secret: "89012345678901234567"}
	if got, want := r.String(), "0123 4567 8901 2345 6789 0123 4567"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	want := []string{"0123", "4567", "8901", "2345", "6789", "0123", "4567"}
	if got := r.Groups(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Groups() = %q, want %q", got, want)
	}
}

func TestParseReceiptAccepts(t *testing.T) {
	want := Receipt{Lookup: "01234567", Secret: "89012345678901234567"}
	const plain = "0123456789012345678901234567"
	tests := []struct{ name, s string }{
		{"string form", want.String()},
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
