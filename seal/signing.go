package seal

import (
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
)

// signingLabel separates the signing key from anything else that may one
// day be derived from the same identity. Changing it changes every staff
// member's signing key.
const signingLabel = "tropa audit signing key v1"

// SigningPublicKeySize is the length of a public signing key.
const SigningPublicKeySize = ed25519.PublicKeySize

// SigningKey is an Ed25519 key derived from a staff member's identity, so
// that whoever can open the identity (with the password, or a session) and
// no one else can sign with it. An X25519 key cannot sign by itself.
type SigningKey struct {
	priv ed25519.PrivateKey
}

// SigningKey derives id's signing key: HKDF-SHA256 over the identity's
// secret in its canonical text form, with a fixed label, gives the Ed25519
// seed. The same identity always gives the same key; a rotated identity
// gives a new one.
func (id *Identity) SigningKey() *SigningKey {
	seed, err := hkdf.Key(sha256.New, []byte(id.Secret()), nil, signingLabel, ed25519.SeedSize)
	if err != nil {
		panic(err) // a 32-byte key from SHA-256 is always within HKDF's limit
	}
	return &SigningKey{priv: ed25519.NewKeyFromSeed(seed)}
}

// Public is the key that checks the signatures, to be stored in clear.
func (k *SigningKey) Public() []byte {
	return []byte(k.priv.Public().(ed25519.PublicKey))
}

// Sign signs msg.
func (k *SigningKey) Sign(msg []byte) []byte {
	return ed25519.Sign(k.priv, msg)
}

// VerifySignature reports whether sig is public's signature of msg. A
// public key of the wrong length verifies nothing.
func VerifySignature(public, msg, sig []byte) bool {
	return len(public) == ed25519.PublicKeySize && ed25519.Verify(public, msg, sig)
}

// Fingerprint names a public signing key in a form short enough to read
// out and compare by eye: "SHA256:" and the key's SHA-256 in base64, as
// ssh shows host keys.
func Fingerprint(public []byte) string {
	sum := sha256.Sum256(public)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}
