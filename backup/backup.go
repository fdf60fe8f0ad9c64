// Package backup is tropa's backup file. Two lines of plaintext come first:
//
//	tropa-backup/1
//	{"created":"…","admins":[…]}
//
// then a database dump (see store.DumpWriter), encrypted with age to the
// organization's recovery key and to the public keys of named admins.
// Without one of their keys the file reads as noise.
//
// The JSON header carries, for each admin, their private key sealed under
// their password exactly as the staff table holds it, so that an admin can
// open a backup where no server runs. It names no one: an admin's password
// is tried on each sealed key in turn. Nor does it hold a public key: a
// file's recipients are not to be learned from the file, so that whoever
// holds only backups cannot make one that a key would open.
//
// Inside the encryption the dump begins with a hash of the header, which
// binds it to the payload, and ends with a manifest: each table's row count
// and a SHA-256 of all that came before. A changed byte anywhere, a file cut
// short, or a dump that stopped half-way is refused. Whoever knows the
// recipients' public keys could still make a whole new backup: a backup
// proves what it holds is intact, not who made it.
package backup

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	"filippo.io/age"
)

// FormatVersion is the version of the file format this package writes.
const FormatVersion = 1

// magic starts the first line, followed by the format version.
const magic = "tropa-backup/"

// Header is the plaintext part of a backup. Nothing in it is trusted until
// the payload has been opened with a key: the payload holds its hash.
type Header struct {
	Created time.Time  `json:"created"`
	Admins  []AdminKey `json:"admins"`
}

// AdminKey lets an admin open a backup with their password.
type AdminKey struct {
	// ID is the admin's staff id, to which their sealed key is bound.
	ID string `json:"id"`
	// KDF, Salt and SealedPrivate are as in the staff table.
	KDF           string `json:"kdf"`
	Salt          []byte `json:"salt"`
	SealedPrivate []byte `json:"sealed_private"`
	// PublicKey is the key the payload is encrypted to; it is not written.
	PublicKey string `json:"-"`
}

// Manifest says what a backup holds.
type Manifest struct {
	Schema int64
	Tables []TableCount
}

// TableCount is how many rows one table has.
type TableCount struct {
	Name string
	Rows int64
}

// Rows is the number of rows in every table together.
func (m Manifest) Rows() int64 {
	var n int64
	for _, t := range m.Tables {
		n += t.Rows
	}
	return n
}

// Record tags of the payload.
const (
	tagStart = 'S'
	tagTable = 'T'
	tagRow   = 'R'
	tagEnd   = 'E'
)

// Writer writes a backup. It is a store.DumpWriter; Close finishes the
// file, and a backup whose dump failed must not be closed but thrown away.
type Writer struct {
	enc        io.WriteCloser
	buf        *bufio.Writer
	sum        hash.Hash
	headerHash [sha256.Size]byte
	rec        []byte
	manifest   Manifest
	started    bool
	columns    int
}

// Create writes h to w and starts the encrypted payload, to the recovery
// public key and to each admin's.
func Create(w io.Writer, h Header, recovery string) (*Writer, error) {
	if err := checkAdmins(h.Admins); err != nil {
		return nil, err
	}
	var recipients []age.Recipient
	for _, key := range append([]string{recovery}, publicKeys(h.Admins)...) {
		r, err := age.ParseX25519Recipient(key)
		if err != nil {
			return nil, fmt.Errorf("backup: recipient: %w", err)
		}
		recipients = append(recipients, r)
	}
	header, err := marshalHeader(h)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(header); err != nil {
		return nil, err
	}
	enc, err := age.Encrypt(w, recipients...)
	if err != nil {
		return nil, fmt.Errorf("backup: encrypt: %w", err)
	}
	return &Writer{enc: enc, buf: bufio.NewWriterSize(enc, 64<<10), sum: sha256.New(),
		headerHash: sha256.Sum256(header)}, nil
}

func publicKeys(admins []AdminKey) []string {
	keys := make([]string, len(admins))
	for i, a := range admins {
		keys[i] = a.PublicKey
	}
	return keys
}

func marshalHeader(h Header) ([]byte, error) {
	js, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("backup: header: %w", err)
	}
	b := fmt.Appendf(nil, "%s%d\n", magic, FormatVersion)
	b = append(b, js...)
	return append(b, '\n'), nil
}

var errOrder = errors.New("backup: dump written out of order")

// Schema starts the payload.
func (w *Writer) Schema(version int64) error {
	if w.started {
		return errOrder
	}
	w.started = true
	w.manifest.Schema = version
	rec := append(w.rec[:0], tagStart)
	rec = append(rec, w.headerHash[:]...)
	return w.write(appendInt(rec, version))
}

// Table starts a table.
func (w *Writer) Table(name string, columns []string) error {
	if !w.started {
		return errOrder
	}
	rec := appendString(append(w.rec[:0], tagTable), name)
	rec = appendUint(rec, uint64(len(columns)))
	for _, c := range columns {
		rec = appendString(rec, c)
	}
	w.manifest.Tables = append(w.manifest.Tables, TableCount{Name: name})
	w.columns = len(columns)
	return w.write(rec)
}

// Row writes a row of the current table.
func (w *Writer) Row(values []any) error {
	if len(w.manifest.Tables) == 0 || len(values) != w.columns {
		return errOrder
	}
	rec := append(w.rec[:0], tagRow)
	for _, v := range values {
		var err error
		if rec, err = appendValue(rec, v); err != nil {
			return err
		}
	}
	w.manifest.Tables[len(w.manifest.Tables)-1].Rows++
	return w.write(rec)
}

// Close writes the manifest and finishes the encryption. The caller still
// syncs and closes the file.
func (w *Writer) Close() error {
	if !w.started {
		return errOrder
	}
	rec := appendUint(append(w.rec[:0], tagEnd), uint64(len(w.manifest.Tables)))
	for _, t := range w.manifest.Tables {
		rec = appendUint(appendString(rec, t.Name), uint64(t.Rows))
	}
	if err := w.write(rec); err != nil {
		return err
	}
	if _, err := w.buf.Write(w.sum.Sum(nil)); err != nil {
		return err
	}
	if err := w.buf.Flush(); err != nil {
		return err
	}
	return w.enc.Close()
}

// Manifest is what has been written so far.
func (w *Writer) Manifest() Manifest { return w.manifest }

func (w *Writer) write(rec []byte) error {
	w.rec = rec
	w.sum.Write(rec)
	_, err := w.buf.Write(rec)
	return err
}
