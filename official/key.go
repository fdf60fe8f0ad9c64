package official

import (
	"crypto/ed25519"
	"encoding/base64"
	"io"
	"strings"

	"tropa"
)

// keyHeader is the first line of a signing key file.
const keyHeader = "tropa official channels signing key 1"

// NewKey makes a signing key from rand.
func NewKey(rand io.Reader) (ed25519.PrivateKey, error) {
	_, key, err := ed25519.GenerateKey(rand)
	return key, err
}

// MarshalKey is the signing key file of key: its seed, and the fingerprint
// of its public half as a reminder of which key it is.
func MarshalKey(key ed25519.PrivateKey) []byte {
	return []byte(keyHeader + "\n" +
		"# fingerprint: " + Fingerprint(key.Public().(ed25519.PublicKey)) + "\n" +
		base64.StdEncoding.EncodeToString(key.Seed()) + "\n")
}

// ParseKey reads a signing key file.
func ParseKey(file []byte) (ed25519.PrivateKey, error) {
	bad := tropa.UserError(tropa.EINVALID, "ErrChannelsKeyFile", nil)
	lines := strings.Split(strings.TrimSpace(string(file)), "\n")
	if len(file) > 4096 || len(lines) < 2 || strings.TrimSpace(lines[0]) != keyHeader {
		return nil, bad
	}
	seed, err := base64.StdEncoding.Strict().DecodeString(strings.TrimSpace(lines[len(lines)-1]))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, bad
	}
	return ed25519.NewKeyFromSeed(seed), nil
}
