package seal

import (
	"context"
	"fmt"
	"testing"
)

// benchSizes are a contact, a short and a long message, and a phone's
// photo.
var benchSizes = []int{40, 1000, 5000, 3 << 20}

func BenchmarkSeal(b *testing.B) {
	k := NewKey()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("bytes=%d", n), func(b *testing.B) {
			plaintext := make([]byte, n)
			b.SetBytes(int64(n))
			for b.Loop() {
				Seal(&k, plaintext, placeAAD)
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	k := NewKey()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("bytes=%d", n), func(b *testing.B) {
			sealed := Seal(&k, make([]byte, n), placeAAD)
			b.SetBytes(int64(n))
			for b.Loop() {
				if _, err := Open(&k, sealed, placeAAD); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWrapKey wraps one case key to every recipient, as intake does
// for the intake group and the recovery key.
func BenchmarkWrapKey(b *testing.B) {
	for _, n := range []int{1, 10, 50} {
		b.Run(fmt.Sprintf("recipients=%d", n), func(b *testing.B) {
			recipients := make([]string, n)
			for i := range recipients {
				recipients[i] = newTestIdentity(b).Recipient()
			}
			caseKey := NewKey()
			for b.Loop() {
				for _, r := range recipients {
					if _, err := WrapKey(r, &caseKey); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

func BenchmarkUnwrapKey(b *testing.B) {
	id := newTestIdentity(b)
	caseKey := NewKey()
	wrapped, err := WrapKey(id.Recipient(), &caseKey)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := id.UnwrapKey(wrapped); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReceiptKeys(b *testing.B) {
	k := NewKDF(1)
	r := NewReceipt()
	salt := RandomBytes(16)
	for b.Loop() {
		if _, _, err := k.ReceiptKeys(context.Background(), r.Secret, salt, ReceiptParams); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPasswordKey(b *testing.B) {
	k := NewKDF(1)
	salt := RandomBytes(16)
	for b.Loop() {
		if _, err := k.PasswordKey(context.Background(), "correct horse battery staple", salt, PasswordParams); err != nil {
			b.Fatal(err)
		}
	}
}
