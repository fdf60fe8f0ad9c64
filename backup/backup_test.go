package backup

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
)

type table struct {
	name    string
	columns []string
	rows    [][]any
}

// sample holds every kind of value, the edges of each too.
var sample = []table{
	{"staff", []string{"id", "name", "active", "salt"}, [][]any{
		{"a1", "olga", true, []byte{0, 1, 2, 255}},
		{"a2", "Ольга — координатор", false, []byte{}},
	}},
	{"empty", []string{"id"}, nil},
	{"requests", []string{"id", "urgency", "due_at", "created_at", "sealed_details"}, [][]any{
		{"r1", int64(0), int64(9223372036854775807), int64(-1), nil},
		{"r2", int64(1), int64(-9223372036854775808), int64(1748772000123456), bytes.Repeat([]byte("x"), 100_000)},
	}},
}

var created = time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)

type keys struct {
	recovery, olga, ivan *age.X25519Identity
}

func newKeys(t *testing.T) keys {
	t.Helper()
	var k keys
	for _, p := range []**age.X25519Identity{&k.recovery, &k.olga, &k.ivan} {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			t.Fatal(err)
		}
		*p = id
	}
	return k
}

// write makes a backup of tables to the recovery key and to olga.
func write(t *testing.T, k keys, tables []table) []byte {
	t.Helper()
	var buf bytes.Buffer
	h := Header{Created: created, Admins: []AdminKey{{ID: "a1", KDF: "argon2id$v=19$m=64,t=1,p=1",
		Salt: []byte("salt"), SealedPrivate: []byte("sealed"), PublicKey: k.olga.Recipient().String()}}}
	w, err := Create(&buf, h, k.recovery.Recipient().String())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Schema(2); err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		if err := w.Table(tb.name, tb.columns); err != nil {
			t.Fatal(err)
		}
		for _, row := range tb.rows {
			if err := w.Row(row); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readAll opens a backup with id and reads it to the end.
func readAll(b []byte, id age.Identity) (*File, []table, Manifest, error) {
	f, err := Read(bytes.NewReader(b))
	if err != nil {
		return nil, nil, Manifest{}, err
	}
	r, err := f.Open(id)
	if err != nil {
		return f, nil, Manifest{}, err
	}
	var tables []table
	for {
		name, columns, err := r.NextTable()
		if err == io.EOF {
			return f, tables, r.Manifest(), nil
		} else if err != nil {
			return f, nil, Manifest{}, err
		}
		tb := table{name: name, columns: columns}
		for {
			row, err := r.NextRow()
			if err == io.EOF {
				break
			} else if err != nil {
				return f, nil, Manifest{}, err
			}
			tb.rows = append(tb.rows, row)
		}
		tables = append(tables, tb)
	}
}

func TestRoundTrip(t *testing.T) {
	k := newKeys(t)
	b := write(t, k, sample)
	for name, id := range map[string]age.Identity{"recovery key": k.recovery, "admin's key": k.olga} {
		t.Run(name, func(t *testing.T) {
			f, got, m, err := readAll(b, id)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if !reflect.DeepEqual(got, sample) {
				t.Errorf("tables read back differ:\n got %v\nwant %v", got, sample)
			}
			want := Manifest{Schema: 2, Tables: []TableCount{{"staff", 2}, {"empty", 0}, {"requests", 2}}}
			if !reflect.DeepEqual(m, want) || m.Rows() != 4 {
				t.Errorf("manifest = %+v, want %+v", m, want)
			}
			if !f.Header.Created.Equal(created) {
				t.Errorf("created = %v, want %v", f.Header.Created, created)
			}
			if a := f.Header.Admins; len(a) != 1 || a[0].ID != "a1" || string(a[0].SealedPrivate) != "sealed" ||
				string(a[0].Salt) != "salt" || a[0].PublicKey != "" {
				t.Errorf("admins in the header = %+v", a)
			}
		})
	}
	if bytes.Contains(b, []byte(k.olga.Recipient().String())) || bytes.Contains(b, []byte(k.recovery.Recipient().String())) {
		t.Error("the file names a recipient's public key")
	}
	if bytes.Contains(b, []byte("Ольга")) || bytes.Contains(b, []byte("requests")) {
		t.Error("the file holds a row in plain text")
	}
}

// Every changed byte and every cut is refused, wherever it falls: in the
// plaintext header, in age's header, or in the payload.
func TestTamperedOrTruncatedRefused(t *testing.T) {
	k := newKeys(t)
	b := write(t, k, sample[:2])
	for i := range b {
		changed := bytes.Clone(b)
		changed[i] ^= 0x01
		if _, _, _, err := readAll(changed, k.recovery); err == nil {
			t.Errorf("a backup with byte %d of %d changed reads without error", i, len(b))
		}
	}
	for n := range len(b) {
		if _, _, _, err := readAll(b[:n], k.recovery); err == nil {
			t.Errorf("a backup cut to %d of %d bytes reads without error", n, len(b))
		}
	}
	if _, _, _, err := readAll(append(bytes.Clone(b), 0), k.recovery); err == nil {
		t.Error("a backup with a byte added reads without error")
	}
}

// A header rewritten whole, as valid JSON, does not pass for the original.
func TestHeaderBoundToPayload(t *testing.T) {
	k := newKeys(t)
	b := write(t, k, sample)
	f, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	h := f.Header
	h.Created = created.Add(-24 * time.Hour)
	forged, err := marshalHeader(h)
	if err != nil {
		t.Fatal(err)
	}
	forged = append(forged, b[len(f.raw):]...)
	if _, _, _, err := readAll(forged, k.recovery); !errors.Is(err, ErrDamaged) {
		t.Errorf("a backup with another creation time in its header: %v, want ErrDamaged", err)
	}
}

// A dump that stopped half-way, whose encryption was finished all the
// same, is refused: it has no manifest.
func TestUnfinishedRefused(t *testing.T) {
	k := newKeys(t)
	var buf bytes.Buffer
	w, err := Create(&buf, Header{Created: created}, k.recovery.Recipient().String())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Schema(2); err != nil {
		t.Fatal(err)
	}
	if err := w.Table("staff", []string{"id"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Row([]any{"a1"}); err != nil {
		t.Fatal(err)
	}
	if err := w.buf.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := w.enc.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := readAll(buf.Bytes(), k.recovery); !errors.Is(err, ErrDamaged) {
		t.Errorf("an unfinished backup: %v, want ErrDamaged", err)
	}
}

func TestWrongKeyRefused(t *testing.T) {
	k := newKeys(t)
	b := write(t, k, sample)
	// ivan is an admin too, but the backup was not made for him.
	if _, _, _, err := readAll(b, k.ivan); !errors.Is(err, ErrWrongKey) {
		t.Errorf("an admin not named: %v, want ErrWrongKey", err)
	}
}

func TestNotABackup(t *testing.T) {
	k := newKeys(t)
	tests := map[string]string{
		"empty":          "",
		"other file":     "SQLite format 3\x00",
		"newer format":   "tropa-backup/2\n{}\n",
		"no header line": "tropa-backup/1\n",
		"bad header":     "tropa-backup/1\n{\"created\":1}\n",
	}
	for name, content := range tests {
		t.Run(name, func(t *testing.T) {
			if _, _, _, err := readAll([]byte(content), k.recovery); err == nil {
				t.Fatal("read without error")
			} else if name == "newer format" && !strings.Contains(err.Error(), "format") {
				t.Errorf("error %q does not name the format", err)
			}
		})
	}
}
