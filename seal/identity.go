package seal

import (
	"bytes"
	"fmt"
	"io"

	"filippo.io/age"
)

// Identity is a staff member's or the organization's X25519 key pair.
type Identity struct {
	x *age.X25519Identity
}

// NewIdentity returns a fresh key pair.
func NewIdentity() (*Identity, error) {
	x, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("seal: generate identity: %w", err)
	}
	return &Identity{x: x}, nil
}

// ParseIdentity reads the secret form written by Secret ("AGE-SECRET-KEY-1…").
func ParseIdentity(s string) (*Identity, error) {
	x, err := age.ParseX25519Identity(s)
	if err != nil {
		return nil, fmt.Errorf("seal: parse identity: %w", err)
	}
	return &Identity{x: x}, nil
}

// Secret is the private key in age's text form. It must only ever be
// printed once for an offline copy, or sealed.
func (id *Identity) Secret() string { return id.x.String() }

// Recipient is the public key in age's text form ("age1…").
func (id *Identity) Recipient() string { return id.x.Recipient().String() }

// SealIdentity seals id's private key under k.
func SealIdentity(k *Key, id *Identity, aad AAD) []byte {
	return SealString(k, id.Secret(), aad)
}

// OpenIdentity opens a private key sealed by SealIdentity.
func OpenIdentity(k *Key, sealed []byte, aad AAD) (*Identity, error) {
	s, err := OpenString(k, sealed, aad)
	if err != nil {
		return nil, err
	}
	return ParseIdentity(s)
}

// EncryptTo encrypts a small secret to one public key with age. It needs no
// secret of the caller's, so intake can run on a node that holds no
// unlocked key.
func EncryptTo(recipient string, plaintext []byte) ([]byte, error) {
	r, err := age.ParseX25519Recipient(recipient)
	if err != nil {
		return nil, fmt.Errorf("seal: parse recipient: %w", err)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		return nil, fmt.Errorf("seal: encrypt: %w", err)
	}
	if _, err := w.Write(plaintext); err != nil {
		return nil, fmt.Errorf("seal: encrypt: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("seal: encrypt: %w", err)
	}
	return buf.Bytes(), nil
}

// Decrypt opens what EncryptTo made for id's public key.
func (id *Identity) Decrypt(ciphertext []byte) ([]byte, error) {
	r, err := age.Decrypt(bytes.NewReader(ciphertext), id.x)
	if err != nil {
		return nil, ErrOpen
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, ErrOpen
	}
	return b, nil
}

// WrapKey wraps a case key to one public key.
func WrapKey(recipient string, k *Key) ([]byte, error) {
	return EncryptTo(recipient, k[:])
}

// UnwrapKey opens a case key wrapped to id.
func (id *Identity) UnwrapKey(wrapped []byte) (*Key, error) {
	b, err := id.Decrypt(wrapped)
	if err != nil {
		return nil, err
	}
	if len(b) != len(Key{}) {
		return nil, ErrOpen
	}
	k := Key(b)
	return &k, nil
}
