// Package seal implements tropa's key hierarchy: argon2id password and
// receipt keys, X25519 staff identities, random case keys wrapped with age,
// and field sealing with XChaCha20-Poly1305 bound to where the field lives.
package seal

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/crypto/chacha20poly1305"
)

// Version is the first byte of every value Seal makes, so that the format
// can change without guessing what an old value is. Version 2 pads the
// plaintext inside the AEAD (see PaddedLen); Version 1, the plaintext as
// is, is still opened, so that values written before stay readable.
const Version byte = 2

// versionUnpadded is the first format: its ciphertext is as long as its
// plaintext. Such values cannot be padded again without their keys.
const versionUnpadded byte = 1

// MinPadded is the smallest padded length: every contact and short message
// pads to it, so that none of them can be told apart by size.
const MinPadded = 256

// lengthLen is the size of the plaintext's length, sealed before it.
const lengthLen = 4

const keyIDLen = 4

var (
	// ErrOpen means a sealed value could not be opened: it was changed, moved
	// to another row or field, or belongs to another key.
	ErrOpen = errors.New("seal: value cannot be opened")
	// ErrWrongKey means a sealed value was made under another key.
	ErrWrongKey = errors.New("seal: value was sealed under another key")
)

// Key is a 256-bit symmetric key.
type Key [32]byte

// NewKey returns a random key.
func NewKey() Key {
	var k Key
	rand.Read(k[:])
	return k
}

// ID is a short fingerprint of the key, stored in every value sealed under
// it so that the wrong key is told apart from tampering.
func (k *Key) ID() [keyIDLen]byte {
	sum := sha256.Sum256(append([]byte("tropa key id v1"), k[:]...))
	return [keyIDLen]byte(sum[:keyIDLen])
}

// AAD names where a sealed value lives. A value sealed for one table, row
// and field does not open anywhere else, so rows cannot be swapped.
type AAD struct {
	Table, Row, Field string
}

// bytes encodes a for a value of the given format version. The version is
// part of it, so that a padded value whose first byte is changed to 1 does
// not open as an unpadded one.
func (a AAD) bytes(version byte) []byte {
	b := strconv.AppendUint([]byte("tropa-aad-v"), uint64(version), 10)
	for _, s := range []string{a.Table, a.Row, a.Field} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// PaddedLen is the length a plaintext of n bytes is padded to: the next
// power of two, at least MinPadded. A sealed value's length then tells only
// its bucket, at most log2 of the largest value's length in bits (15 buckets
// up to a 4 MiB photo), where Padmé would tell about 2 log2 of that and
// exact lengths below its first octave. What it costs is at most double the
// space, which the few and small values tropa stores can spare.
func PaddedLen(n int) int {
	p := MinPadded
	for p < n {
		p <<= 1
	}
	return p
}

// Seal encrypts plaintext under k for the place aad names. The result is
// Version, the key ID, a random nonce, and the ciphertext of the
// plaintext's length, the plaintext and zeros up to PaddedLen: its length
// is the same for every plaintext in one bucket.
func Seal(k *Key, plaintext []byte, aad AAD) []byte {
	aead, err := chacha20poly1305.NewX(k[:])
	if err != nil {
		panic(fmt.Sprintf("seal: %v", err)) // only for a key of the wrong size, which Key rules out
	}
	header := 1 + keyIDLen + aead.NonceSize()
	inner := lengthLen + PaddedLen(len(plaintext))
	out := make([]byte, header+inner, header+inner+aead.Overhead())
	out[0] = Version
	id := k.ID()
	copy(out[1:], id[:])
	nonce := out[1+keyIDLen : header]
	rand.Read(nonce)
	binary.BigEndian.PutUint32(out[header:], uint32(len(plaintext)))
	copy(out[header+lengthLen:], plaintext)
	// Sealed in place: the padding is already zero.
	return aead.Seal(out[:header], nonce, out[header:], aad.bytes(Version))
}

// Open decrypts a value made by Seal with the same key and aad, of either
// version.
func Open(k *Key, sealed []byte, aad AAD) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(k[:])
	if err != nil {
		return nil, err
	}
	header := 1 + keyIDLen + aead.NonceSize()
	if len(sealed) < header+aead.Overhead() || sealed[0] != Version && sealed[0] != versionUnpadded {
		return nil, ErrOpen
	}
	if id := k.ID(); [keyIDLen]byte(sealed[1:1+keyIDLen]) != id {
		return nil, ErrWrongKey
	}
	nonce := sealed[1+keyIDLen : header]
	plaintext, err := aead.Open(nil, nonce, sealed[header:], aad.bytes(sealed[0]))
	if err != nil {
		return nil, ErrOpen
	}
	if sealed[0] == versionUnpadded {
		return plaintext, nil
	}
	return unpad(plaintext)
}

// unpad returns the plaintext of a padded value. Only Seal's own layout is
// accepted, so that one plaintext has one padded form.
func unpad(inner []byte) ([]byte, error) {
	if len(inner) < lengthLen {
		return nil, ErrOpen
	}
	n := binary.BigEndian.Uint32(inner)
	rest := inner[lengthLen:]
	if uint64(n) > uint64(len(rest)) || len(rest) != PaddedLen(int(n)) {
		return nil, ErrOpen
	}
	for _, b := range rest[n:] {
		if b != 0 {
			return nil, ErrOpen
		}
	}
	return rest[:n:n], nil
}

// SealString is Seal for text.
func SealString(k *Key, s string, aad AAD) []byte {
	return Seal(k, []byte(s), aad)
}

// OpenString is Open for text.
func OpenString(k *Key, sealed []byte, aad AAD) (string, error) {
	b, err := Open(k, sealed, aad)
	return string(b), err
}

// RandomBytes returns n random bytes, for salts and nonces.
func RandomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}
