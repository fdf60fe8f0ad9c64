package desk

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"

	"tropa/seal"
)

// SignerList is what an administrator keeps offline to check the audit log
// against: every signing key as it was when the list was exported, and
// the log's head then. A database rewritten later, keys and all, no longer
// matches it.
type SignerList struct {
	HeadSeq  int64
	HeadHash []byte
	Keys     []ListedKey
}

// ListedKey is one signing key on a SignerList.
type ListedKey struct {
	Fingerprint string
	StaffID     string
	PublicKey   []byte
	// Name is the staff member's name when the list was exported, for
	// people to read; the check goes by key and staff id.
	Name string
}

const signersHeader = "tropa audit signers v1"

// Signers exports the signing keys and the audit log's head as a list to
// keep offline.
func (d *Desk) Signers(ctx context.Context) (*SignerList, error) {
	seq, hash, err := d.cfg.Store.AuditHead(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := d.cfg.Store.SigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	names, err := staffNames(ctx, d.cfg.Store)
	if err != nil {
		return nil, err
	}
	list := &SignerList{HeadSeq: seq, HeadHash: hash}
	for _, k := range keys {
		list.Keys = append(list.Keys, ListedKey{Fingerprint: k.Fingerprint, StaffID: k.StaffID, PublicKey: k.PublicKey,
			Name: names[k.StaffID]})
	}
	return list, nil
}

// WriteTo writes the list in the form ParseSigners reads: a line naming
// the format, the head, then one line per key with the name last, since
// a name may hold spaces.
func (l *SignerList) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	fmt.Fprintln(&b, signersHeader)
	fmt.Fprintln(&b, "# Keep this file off the server: tropa audit verify --signers FILE checks the log against it.")
	fmt.Fprintf(&b, "head %d %x\n", l.HeadSeq, l.HeadHash)
	for _, k := range l.Keys {
		fmt.Fprintf(&b, "key %s %s %s %s\n", k.Fingerprint, k.StaffID, base64.StdEncoding.EncodeToString(k.PublicKey),
			strings.Join(strings.Fields(k.Name), " "))
	}
	return b.WriteTo(w)
}

// ParseSigners reads a list written by WriteTo. Lines starting with # are
// comments, so that an administrator can annotate the list. Every key must
// hash to its fingerprint.
func ParseSigners(r io.Reader) (*SignerList, error) {
	sc := bufio.NewScanner(r)
	var list SignerList
	seen := map[string]bool{}
	header, head := false, false
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !header {
			if line != signersHeader {
				return nil, fmt.Errorf("signers list: line %d: want %q first", n, signersHeader)
			}
			header = true
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		switch word {
		case "head":
			if head {
				return nil, fmt.Errorf("signers list: line %d: a second head", n)
			}
			seq, hash, err := parseHead(rest)
			if err != nil {
				return nil, fmt.Errorf("signers list: line %d: %w", n, err)
			}
			list.HeadSeq, list.HeadHash, head = seq, hash, true
		case "key":
			k, err := parseListedKey(rest)
			if err != nil {
				return nil, fmt.Errorf("signers list: line %d: %w", n, err)
			}
			if seen[k.Fingerprint] {
				return nil, fmt.Errorf("signers list: line %d: key %s listed twice", n, k.Fingerprint)
			}
			seen[k.Fingerprint] = true
			list.Keys = append(list.Keys, k)
		default:
			return nil, fmt.Errorf("signers list: line %d: unknown line %q", n, word)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("signers list: %w", err)
	}
	if !head {
		return nil, fmt.Errorf("signers list: no head line")
	}
	return &list, nil
}

func parseHead(s string) (int64, []byte, error) {
	f := strings.Fields(s)
	if len(f) == 1 && f[0] == "0" {
		// A list exported before anything was audited.
		return 0, nil, nil
	}
	if len(f) != 2 {
		return 0, nil, fmt.Errorf("want head SEQ HASH")
	}
	seq, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || seq < 0 {
		return 0, nil, fmt.Errorf("bad head entry number %q", f[0])
	}
	hash, err := hex.DecodeString(f[1])
	if err != nil || (seq > 0) != (len(hash) > 0) {
		return 0, nil, fmt.Errorf("bad head hash")
	}
	return seq, hash, nil
}

func parseListedKey(s string) (ListedKey, error) {
	f := strings.SplitN(s, " ", 4)
	if len(f) < 3 || f[0] == "" || f[1] == "" {
		return ListedKey{}, fmt.Errorf("want key FINGERPRINT STAFF-ID PUBLIC-KEY NAME")
	}
	pub, err := base64.StdEncoding.DecodeString(f[2])
	if err != nil || len(pub) != seal.SigningPublicKeySize {
		return ListedKey{}, fmt.Errorf("bad public key of %s", f[0])
	}
	if seal.Fingerprint(pub) != f[0] {
		return ListedKey{}, fmt.Errorf("public key does not match fingerprint %s", f[0])
	}
	k := ListedKey{Fingerprint: f[0], StaffID: f[1], PublicKey: pub}
	if len(f) == 4 {
		k.Name = f[3]
	}
	return k, nil
}
