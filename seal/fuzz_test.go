package seal

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

// Seeds for these targets are committed under testdata/fuzz/<FuzzName>/.

func FuzzParseReceipt(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseReceipt(s)
		if err != nil {
			if !errors.Is(err, ErrReceiptFormat) || r != (Receipt{}) {
				t.Fatalf("ParseReceipt(%q) = %+v, %v; want zero, ErrReceiptFormat", s, r, err)
			}
			return
		}
		if len(r.Lookup) != LookupDigits || len(r.Secret) != SecretDigits {
			t.Fatalf("ParseReceipt(%q) = %+v: wrong part lengths", s, r)
		}
		// The receipt is the input's ASCII digits, in order.
		var digits []byte
		for i := 0; i < len(s); i++ {
			if s[i] >= '0' && s[i] <= '9' {
				digits = append(digits, s[i])
			}
		}
		if string(digits) != r.Lookup+r.Secret {
			t.Fatalf("ParseReceipt(%q) = %+v, but the input's digits are %q", s, r, digits)
		}
		again, err := ParseReceipt(r.String())
		if err != nil || again != r {
			t.Fatalf("ParseReceipt(%q) = %+v, %v; want %+v", r.String(), again, err, r)
		}
	})
}

// FuzzOpen opens arbitrary bytes under testKey(0) for placeAAD. Only the
// golden values, which Seal produced, may open.
func FuzzOpen(f *testing.F) {
	k := testKey(0)
	id := k.ID()
	f.Fuzz(func(t *testing.T, data []byte) {
		plaintext, err := Open(&k, data, placeAAD)
		switch {
		case err == nil:
			want, ok := goldenSealed[hex.EncodeToString(data)]
			if !ok {
				t.Fatalf("Open succeeded on bytes Seal did not produce: %x", data)
			}
			if string(plaintext) != want {
				t.Fatalf("Open(golden) = %q, want %q", plaintext, want)
			}
		case errors.Is(err, ErrWrongKey):
			if len(data) < 1+keyIDLen || data[0] != Version || bytes.Equal(data[1:1+keyIDLen], id[:]) {
				t.Fatalf("ErrWrongKey for %x, which is not a well-formed value under another key id", data)
			}
		case errors.Is(err, ErrOpen):
		default:
			t.Fatalf("Open error %v is neither ErrOpen nor ErrWrongKey", err)
		}
		if err != nil && plaintext != nil {
			t.Fatalf("Open returned %d bytes of plaintext with error %v", len(plaintext), err)
		}
	})
}

func FuzzParseParams(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseParams(s)
		if err != nil {
			if p != (Params{}) {
				t.Fatalf("ParseParams(%q) = %+v with error %v; want zero", s, p, err)
			}
			return
		}
		if p.String() != s {
			t.Fatalf("ParseParams(%q).String() = %q", s, p.String())
		}
		if p.Time == 0 || p.Threads == 0 || p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > 4<<20 {
			t.Fatalf("ParseParams(%q) accepted out-of-range %+v", s, p)
		}
	})
}
