package backup

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"filippo.io/age"

	"tropa/seal"
)

var (
	// ErrNotBackup means the file does not begin as a tropa backup.
	ErrNotBackup = errors.New("backup: not a tropa backup file")
	// ErrWrongKey means the key given is not one the backup was made for.
	ErrWrongKey = errors.New("backup: the key does not open this backup")
	// ErrDamaged means the file was changed, cut short, or never finished.
	ErrDamaged = errors.New("backup: the file is damaged or was changed")
)

// maxHeader bounds the JSON line; a header of a hundred admins is far less.
const maxHeader = 1 << 20

// File is a backup whose plaintext header has been read.
type File struct {
	Header Header
	raw    []byte
	rest   *bufio.Reader
}

// Read reads a backup's header from r; Open then opens the rest.
func Read(r io.Reader) (*File, error) {
	br := bufio.NewReader(r)
	first, err := readLine(br, len(magic)+20)
	if err != nil || !strings.HasPrefix(first, magic) {
		return nil, ErrNotBackup
	}
	if v, err := strconv.Atoi(strings.TrimPrefix(first, magic)); err != nil || v != FormatVersion {
		return nil, fmt.Errorf("backup: the file is in format %q, and this tropa reads format %d", first, FormatVersion)
	}
	second, err := readLine(br, maxHeader)
	if err != nil {
		return nil, damaged(fmt.Errorf("header: %w", err))
	}
	f := &File{raw: []byte(first + "\n" + second + "\n"), rest: br}
	dec := json.NewDecoder(strings.NewReader(second))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f.Header); err != nil {
		return nil, damaged(fmt.Errorf("header: %w", err))
	}
	if err := checkAdmins(f.Header.Admins); err != nil {
		return nil, damaged(err)
	}
	return f, nil
}

// Limits on the admins' keys a header holds. An admin's password is tried
// on every key in turn, each with the argon2id cost the header names, and
// nothing in a header is trusted before a key opens the payload: without
// these, a crafted file could ask for a run of 4 GiB, and then another.
// The limits are far above what tropa writes (seal.PasswordParams): the
// memory of one run sixteen times as much, and the work of all together
// that of a hundred admins.
const (
	maxAdmins      = 100
	maxKDFMemory   = 1 << 20 // KiB
	maxKDFWorkKiBs = maxAdmins * (64 << 10) * 3
)

func checkAdmins(admins []AdminKey) error {
	if len(admins) > maxAdmins {
		return fmt.Errorf("backup: %d admins' keys, and a backup holds at most %d", len(admins), maxAdmins)
	}
	var work uint64
	for i, a := range admins {
		p, err := seal.ParseParams(a.KDF)
		if err != nil {
			return fmt.Errorf("backup: admin key %d: %w", i+1, err)
		}
		if p.MemoryKiB > maxKDFMemory {
			return fmt.Errorf("backup: admin key %d asks for argon2id with %d MiB", i+1, p.MemoryKiB>>10)
		}
		work += uint64(p.MemoryKiB) * uint64(p.Time)
	}
	if work > maxKDFWorkKiBs {
		return fmt.Errorf("backup: the admins' keys ask for more argon2id work than a hundred admins' would")
	}
	return nil
}

// readLine reads a line of at most limit bytes, without its newline.
func readLine(br *bufio.Reader, limit int) (string, error) {
	var line []byte
	for {
		b, err := br.ReadByte()
		if err != nil {
			return "", unexpected(err)
		}
		if b == '\n' {
			return string(line), nil
		}
		if len(line) == limit {
			return "", errors.New("line too long")
		}
		line = append(line, b)
	}
}

// Open decrypts the payload with id and checks that it belongs to this
// header. The Reader it returns checks the rest as it is read.
func (f *File) Open(id age.Identity) (*Reader, error) {
	plain, err := age.Decrypt(f.rest, id)
	var noMatch *age.NoIdentityMatchError
	if errors.As(err, &noMatch) {
		return nil, ErrWrongKey
	} else if err != nil {
		return nil, damaged(err)
	}
	r := &Reader{d: decoder{r: bufio.NewReaderSize(plain, 64<<10), sum: sha256.New()}}
	if tag, err := r.d.ReadByte(); err != nil || tag != tagStart {
		return nil, damaged(errors.New("no start"))
	}
	want := sha256.Sum256(f.raw)
	got, err := r.d.raw(len(want))
	if err != nil {
		return nil, err
	}
	r.d.sum.Write(got)
	if !bytes.Equal(got, want[:]) {
		return nil, damaged(errors.New("the header is not the one the backup was made with"))
	}
	if r.manifest.Schema, err = r.d.int(); err != nil {
		return nil, err
	}
	return r, nil
}

// Reader reads a backup's dump. It is a store.DumpReader: NextTable returns
// io.EOF only once the manifest matches what was read, so that a consumer
// that commits at io.EOF never commits part of a backup.
type Reader struct {
	d        decoder
	manifest Manifest
	columns  int
	done     bool
}

// Schema is the schema version of the dump.
func (r *Reader) Schema() int64 { return r.manifest.Schema }

// NextTable skips what is left of the current table and starts the next.
func (r *Reader) NextTable() (string, []string, error) {
	for {
		if r.done {
			return "", nil, io.EOF
		}
		tag, err := r.d.ReadByte()
		if err != nil {
			return "", nil, damaged(err)
		}
		switch tag {
		case tagRow:
			if _, err := r.row(); err != nil {
				return "", nil, err
			}
		case tagTable:
			return r.table()
		case tagEnd:
			if err := r.end(); err != nil {
				return "", nil, err
			}
			r.done = true
		default:
			return "", nil, damaged(fmt.Errorf("a record of unknown type %q", tag))
		}
	}
}

// NextRow returns the next row of the current table, or io.EOF after its
// last one.
func (r *Reader) NextRow() ([]any, error) {
	if len(r.manifest.Tables) == 0 {
		return nil, damaged(errors.New("a row before any table"))
	}
	tag, err := r.d.peek()
	if err != nil {
		return nil, damaged(unexpected(err))
	}
	if tag != tagRow {
		return nil, io.EOF
	}
	if _, err := r.d.ReadByte(); err != nil {
		return nil, damaged(err)
	}
	return r.row()
}

// Manifest is what has been read so far; after NextTable's io.EOF, the
// whole backup, checked.
func (r *Reader) Manifest() Manifest { return r.manifest }

func (r *Reader) table() (string, []string, error) {
	if len(r.manifest.Tables) == maxTables {
		return "", nil, damaged(errors.New("too many tables"))
	}
	name, err := r.d.string(maxName)
	if err != nil {
		return "", nil, err
	}
	n, err := r.d.uint(maxColumns)
	if err != nil {
		return "", nil, err
	}
	columns := make([]string, n)
	for i := range columns {
		if columns[i], err = r.d.string(maxName); err != nil {
			return "", nil, err
		}
	}
	r.manifest.Tables = append(r.manifest.Tables, TableCount{Name: name})
	r.columns = len(columns)
	return name, columns, nil
}

func (r *Reader) row() ([]any, error) {
	if len(r.manifest.Tables) == 0 {
		return nil, damaged(errors.New("a row before any table"))
	}
	values := make([]any, r.columns)
	for i := range values {
		var err error
		if values[i], err = r.d.value(); err != nil {
			return nil, err
		}
	}
	r.manifest.Tables[len(r.manifest.Tables)-1].Rows++
	return values, nil
}

// end checks the manifest against what was read, then that nothing follows.
func (r *Reader) end() error {
	n, err := r.d.uint(maxTables)
	if err != nil {
		return err
	}
	if n != uint64(len(r.manifest.Tables)) {
		return damaged(fmt.Errorf("the manifest lists %d tables, and %d were read", n, len(r.manifest.Tables)))
	}
	for _, t := range r.manifest.Tables {
		name, err := r.d.string(maxName)
		if err != nil {
			return err
		}
		rows, err := r.d.uint(1 << 62)
		if err != nil {
			return err
		}
		if name != t.Name || int64(rows) != t.Rows {
			return damaged(fmt.Errorf("the manifest lists %d rows of %s, and %d rows of %s were read", rows, name, t.Rows, t.Name))
		}
	}
	want := r.d.sum.Sum(nil)
	got, err := r.d.raw(len(want))
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return damaged(errors.New("the manifest's hash does not match"))
	}
	if _, err := r.d.peek(); err != io.EOF {
		return damaged(fmt.Errorf("more after the manifest (%v)", err))
	}
	return nil
}

// damaged marks err as ErrDamaged; nil stays nil.
func damaged(err error) error {
	if err == nil || errors.Is(err, ErrDamaged) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrDamaged, err)
}
