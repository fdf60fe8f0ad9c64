// Package official makes and checks the organization's signed list of its
// official channels: the bots, sites, onion addresses, phone lines and
// mailboxes that are really its own.
//
// The security service runs lookalike bots and sites, a letter off, to
// catch men who want to leave. The list is signed with an Ed25519 key that
// is kept off the server, like the recovery key, so a seized server can
// serve the list but not make a false one: whoever checks compares the
// signing key's fingerprint with one the organization publishes elsewhere,
// then the address he is on with the list.
//
// A list is plain UTF-8 text that a person can read:
//
//	tropa official channels 1
//	organization: Example Help Group
//	issued: 2026-12-05
//	telegram-bot: 1234567890 @example_help_bot
//	web: https://example.org/
//	key: ed25519 <public key, base64>
//	signature: <signature of every byte above this line, base64>
//
// An administrator writes a draft of the organization and channel lines
// (comments and blank lines allowed); Sign adds the rest.
package official

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"tropa"
)

// header is the first line of every list; its number changes only with
// the format.
const header = "tropa official channels 1"

// MaxSize is the largest list accepted, far above any real one: a few
// dozen channels fit in a few kilobytes.
const MaxSize = 64 << 10

// signaturePrefix is the signed context: a signature over a list cannot be
// passed off as one over anything else signed with the same key.
const signaturePrefix = "tropa official channels signature\x00"

// List is the organization's official channels.
type List struct {
	Organization string
	// Issued is the day the list was signed; a later list replaces it.
	Issued   time.Time
	Channels []Channel
	// Key signed the list; nil in a draft.
	Key ed25519.PublicKey
}

// Fingerprint is the signing key's fingerprint, to compare with one
// published elsewhere; "" in a draft.
func (l List) Fingerprint() string {
	if l.Key == nil {
		return ""
	}
	return Fingerprint(l.Key)
}

// Fingerprint is the first 20 bytes of the SHA-256 of a signing key, in
// ten groups of four hexadecimal digits, to be read aloud or compared by
// eye.
func Fingerprint(key ed25519.PublicKey) string {
	sum := sha256.Sum256(key)
	digits := strings.ToUpper(hex.EncodeToString(sum[:20]))
	groups := make([]string, 0, len(digits)/4)
	for i := 0; i < len(digits); i += 4 {
		groups = append(groups, digits[i:i+4])
	}
	return strings.Join(groups, " ")
}

// SameFingerprint says whether typed, as a person copied it (any case, any
// spaces), is the fingerprint fp.
func SameFingerprint(typed, fp string) bool {
	squash := func(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), "")) }
	return squash(typed) == squash(fp)
}

// ParseDraft reads a draft: an organization line, then one line per
// channel, with blank lines and lines starting with # ignored.
func ParseDraft(text []byte) (List, error) {
	var l List
	err := eachLine(text, func(n int, line string) error {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			return nil
		}
		return l.add(n, line)
	})
	if err != nil {
		return List{}, err
	}
	return l, l.complete()
}

// Sign makes the signed list of draft, issued on the given day.
func Sign(draft List, key ed25519.PrivateKey, issued time.Time) ([]byte, error) {
	if err := draft.complete(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(header + "\n")
	b.WriteString("organization: " + draft.Organization + "\n")
	b.WriteString("issued: " + issued.Format(time.DateOnly) + "\n")
	for _, c := range draft.Channels {
		b.WriteString(string(c.Kind) + ": " + c.Value + "\n")
	}
	b.WriteString("key: ed25519 " + base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)) + "\n")
	sig := ed25519.Sign(key, append([]byte(signaturePrefix), b.Bytes()...))
	b.WriteString("signature: " + base64.StdEncoding.EncodeToString(sig) + "\n")
	return b.Bytes(), nil
}

// Verify reads a signed list and checks its signature with the key it
// names. A good signature says only that whoever holds that key signed
// it: compare the list's Fingerprint with one published elsewhere.
func Verify(signed []byte) (List, error) {
	if len(signed) > MaxSize {
		return List{}, tropa.UserError(tropa.ETOOLARGE, "ErrChannelsTooLarge", map[string]any{"KiB": MaxSize >> 10})
	}
	body, sig, ok := splitSignature(signed)
	if !ok {
		return List{}, tropa.UserError(tropa.EINVALID, "ErrChannelsUnsigned", nil)
	}
	var l List
	var sawHeader, sawIssued bool
	err := eachLine(body, func(n int, line string) error {
		key, value, _ := strings.Cut(line, ": ")
		switch {
		case !sawHeader:
			if line != header {
				return tropa.UserError(tropa.EINVALID, "ErrChannelsNotList", nil)
			}
			sawHeader = true
		case l.Key != nil:
			return lineError(n, "ErrChannelsAfterKey")
		case key == "issued" && !sawIssued:
			day, err := time.Parse(time.DateOnly, value)
			if err != nil {
				return lineError(n, "ErrChannelsIssued")
			}
			l.Issued, sawIssued = day, true
		case key == "key":
			pub, ok := strings.CutPrefix(value, "ed25519 ")
			raw, err := base64.StdEncoding.Strict().DecodeString(pub)
			if !ok || err != nil || len(raw) != ed25519.PublicKeySize {
				return lineError(n, "ErrChannelsKey")
			}
			l.Key = raw
		default:
			return l.add(n, line)
		}
		return nil
	})
	if err != nil {
		return List{}, err
	}
	if !sawIssued || l.Key == nil {
		return List{}, tropa.UserError(tropa.EINVALID, "ErrChannelsUnsigned", nil)
	}
	if err := l.complete(); err != nil {
		return List{}, err
	}
	if !ed25519.Verify(l.Key, append([]byte(signaturePrefix), body...), sig) {
		return List{}, tropa.UserError(tropa.EINVALID, "ErrChannelsBadSignature", nil)
	}
	return l, nil
}

// splitSignature parts a signed list into the bytes signed, up to and with
// the newline before the signature line, and the signature.
func splitSignature(signed []byte) (body, sig []byte, ok bool) {
	text := bytes.TrimSuffix(signed, []byte("\n"))
	i := bytes.LastIndexByte(text, '\n')
	if i < 0 {
		return nil, nil, false
	}
	last, found := bytes.CutPrefix(text[i+1:], []byte("signature: "))
	if !found {
		return nil, nil, false
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(string(last))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, nil, false
	}
	return text[:i+1], sig, true
}

// add reads one organization or channel line, numbered n from 1.
func (l *List) add(n int, line string) error {
	key, value, ok := strings.Cut(line, ":")
	value = strings.TrimSpace(value)
	if !ok || key == "" || strings.ContainsAny(key, " \t") {
		return lineError(n, "ErrChannelsLineForm")
	}
	if key == "organization" {
		if l.Organization != "" {
			return lineError(n, "ErrChannelsOrganizationTwice")
		}
		if value == "" || utf8.RuneCountInString(value) > 200 || strings.ContainsFunc(value, isControl) {
			return lineError(n, "ErrChannelsOrganization")
		}
		l.Organization = value
		return nil
	}
	c, err := parseChannel(Kind(key), value)
	if err != nil {
		return lineError(n, err.(*tropa.Error).MessageID)
	}
	for _, had := range l.Channels {
		if had.Kind == c.Kind && strings.EqualFold(had.Value, c.Value) {
			return lineError(n, "ErrChannelsTwice")
		}
	}
	l.Channels = append(l.Channels, c)
	return nil
}

// complete says whether l names its organization and at least one
// channel.
func (l List) complete() error {
	if l.Organization == "" {
		return tropa.UserError(tropa.EINVALID, "ErrChannelsNoOrganization", nil)
	}
	if len(l.Channels) == 0 {
		return tropa.UserError(tropa.EINVALID, "ErrChannelsNone", nil)
	}
	return nil
}

// eachLine calls fn with every line of text, numbered from 1, after
// checking that text is a list at all: not too large, UTF-8, no NUL.
func eachLine(text []byte, fn func(n int, line string) error) error {
	switch {
	case len(text) > MaxSize:
		return tropa.UserError(tropa.ETOOLARGE, "ErrChannelsTooLarge", map[string]any{"KiB": MaxSize >> 10})
	case !utf8.Valid(text) || bytes.IndexByte(text, 0) >= 0:
		return tropa.UserError(tropa.EINVALID, "ErrChannelsNotText", nil)
	}
	lines := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
	for i, line := range lines {
		if err := fn(i+1, strings.TrimSuffix(line, "\r")); err != nil {
			return err
		}
	}
	return nil
}

func lineError(n int, messageID string) error {
	return tropa.UserError(tropa.EINVALID, messageID, map[string]any{"Line": n})
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
