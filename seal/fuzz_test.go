package seal

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

// Seeds for these targets are committed under testdata/fuzz/<FuzzName>/.

func FuzzParseReceipt(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseReceipt(s)
		var ge *GroupError
		if err != nil {
			if !(errors.Is(err, ErrReceiptFormat) || errors.As(err, &ge) && ge.Group >= 1 && ge.Group <= 7) || r != (Receipt{}) {
				t.Fatalf("ParseReceipt(%q) = %+v, %v; want zero, ErrReceiptFormat or a group", s, r, err)
			}
			return
		}
		if len(r.Lookup) != LookupDigits || len(r.Secret) != SecretDigits {
			t.Fatalf("ParseReceipt(%q) = %+v: wrong part lengths", s, r)
		}
		// The receipt is the input's ASCII digits, in order, with or without
		// the check digits.
		var digits []byte
		for i := 0; i < len(s); i++ {
			if s[i] >= '0' && s[i] <= '9' {
				digits = append(digits, s[i])
			}
		}
		if string(digits) != r.Lookup+r.Secret && string(digits) != strings.ReplaceAll(r.String(), " ", "") {
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
			if len(data) < 1+keyIDLen || data[0] != Version && data[0] != versionUnpadded || bytes.Equal(data[1:1+keyIDLen], id[:]) {
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

// FuzzOpenPadded seals arbitrary bytes as the padded part of a Version 2
// value, as a writer other than Seal could, and opens it: Open either
// refuses it or returns a plaintext that Seal pads to exactly those bytes,
// so that every plaintext has one padded form and its length one bucket.
func FuzzOpenPadded(f *testing.F) {
	k := testKey(0)
	aead, err := chacha20poly1305.NewX(k[:])
	if err != nil {
		f.Fatal(err)
	}
	id := k.ID()
	f.Fuzz(func(t *testing.T, inner []byte) {
		sealed := append([]byte{Version}, id[:]...)
		nonce := make([]byte, aead.NonceSize())
		sealed = aead.Seal(append(sealed, nonce...), nonce, inner, placeAAD.bytes(Version))
		plaintext, err := Open(&k, sealed, placeAAD)
		if err != nil {
			if !errors.Is(err, ErrOpen) || plaintext != nil {
				t.Fatalf("Open = %d bytes, %v; want nil, ErrOpen", len(plaintext), err)
			}
			return
		}
		padded := make([]byte, lengthLen+PaddedLen(len(plaintext)))
		binary.BigEndian.PutUint32(padded, uint32(len(plaintext)))
		copy(padded[lengthLen:], plaintext)
		if !bytes.Equal(padded, inner) {
			t.Fatalf("Open accepted %x, which is not how Seal pads its %d-byte plaintext", inner, len(plaintext))
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
