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

	"golang.org/x/crypto/chacha20poly1305"
)

// Version is the first byte of every sealed value, so that the format can
// change without guessing what an old value is.
const Version byte = 1

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

func (a AAD) bytes() []byte {
	b := []byte("tropa-aad-v1")
	for _, s := range []string{a.Table, a.Row, a.Field} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// Seal encrypts plaintext under k for the place aad names. The result is
// Version, the key ID, a random nonce, and the ciphertext.
func Seal(k *Key, plaintext []byte, aad AAD) []byte {
	aead, err := chacha20poly1305.NewX(k[:])
	if err != nil {
		panic(fmt.Sprintf("seal: %v", err)) // only for a key of the wrong size, which Key rules out
	}
	id := k.ID()
	out := make([]byte, 0, 1+keyIDLen+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out = append(out, Version)
	out = append(out, id[:]...)
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plaintext, aad.bytes())
}

// Open decrypts a value made by Seal with the same key and aad.
func Open(k *Key, sealed []byte, aad AAD) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(k[:])
	if err != nil {
		return nil, err
	}
	header := 1 + keyIDLen + aead.NonceSize()
	if len(sealed) < header+aead.Overhead() || sealed[0] != Version {
		return nil, ErrOpen
	}
	if id := k.ID(); [keyIDLen]byte(sealed[1:1+keyIDLen]) != id {
		return nil, ErrWrongKey
	}
	nonce := sealed[1+keyIDLen : header]
	plaintext, err := aead.Open(nil, nonce, sealed[header:], aad.bytes())
	if err != nil {
		return nil, ErrOpen
	}
	return plaintext, nil
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
