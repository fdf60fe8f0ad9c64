package backup

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"filippo.io/age"
)

// craft makes a backup file of header and a payload written by hand,
// encrypted to id as a real one is: what someone who knows a recipient's
// public key can make.
func craft(tb testing.TB, id *age.X25519Identity, header Header, payload func(headerHash [32]byte) []byte) []byte {
	tb.Helper()
	raw, err := marshalHeader(header)
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	buf.Write(raw)
	enc, err := age.Encrypt(&buf, id.Recipient())
	if err != nil {
		tb.Fatal(err)
	}
	enc.Write(payload(sha256.Sum256(raw)))
	if err := enc.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// start is the first record of a payload, for schema 2.
func start(headerHash [32]byte) []byte {
	return binary.AppendVarint(append([]byte{tagStart}, headerHash[:]...), 2)
}

// A length claimed in a short file costs memory only for what the file
// holds: a crafted value "of 256 MiB" in a file of a few hundred bytes is
// refused as damaged without 256 MiB being allocated.
func TestCraftedLengthAllocatesNothing(t *testing.T) {
	k := newKeys(t)
	b := craft(t, k.recovery, Header{Created: created}, func(h [32]byte) []byte {
		p := start(h)
		p = appendUint(appendString(append(p, tagTable), "t"), 1)
		p = appendString(p, "c")
		p = append(p, tagRow, typeBytes)
		return append(appendUint(p, maxValue), "only this"...)
	})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, _, err := readAll(b, k.recovery)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("a value longer than its file: %v, want ErrDamaged", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
		t.Errorf("reading a %d-byte file allocated %d MiB", len(b), got>>20)
	}
}

// A header is refused before any argon2id run when its admins' keys ask
// for more than tropa would ever use; the keys tropa writes pass.
func TestHeaderKDFBounded(t *testing.T) {
	k := newKeys(t)
	admin := func(kdf string) AdminKey {
		return AdminKey{ID: "a", KDF: kdf, Salt: []byte("salt"), SealedPrivate: []byte("sealed")}
	}
	many := func(n int, kdf string) []AdminKey {
		a := make([]AdminKey, n)
		for i := range a {
			a[i] = admin(kdf)
		}
		return a
	}
	const today = "argon2id$v=19$m=65536,t=3,p=1"
	tests := []struct {
		name   string
		admins []AdminKey
		ok     bool
	}{
		{"tropa's password cost", []AdminKey{admin(today)}, true},
		{"a hundred admins at tropa's cost", many(maxAdmins, today), true},
		{"1 GiB", []AdminKey{admin("argon2id$v=19$m=1048576,t=3,p=4")}, true},
		{"4 GiB", []AdminKey{admin("argon2id$v=19$m=4194304,t=1,p=1")}, false},
		{"too many admins", many(maxAdmins+1, "argon2id$v=19$m=64,t=1,p=1"), false},
		{"too much work together", many(20, "argon2id$v=19$m=1048576,t=1,p=1"), false},
		{"four billion passes", []AdminKey{admin("argon2id$v=19$m=64,t=4294967295,p=1")}, false},
		{"not argon2id", []AdminKey{admin("scrypt$N=1")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := Header{Created: created, Admins: tt.admins}
			b := craft(t, k.recovery, h, func([32]byte) []byte { return nil })
			_, err := Read(bytes.NewReader(b))
			if tt.ok && err != nil {
				t.Errorf("Read: %v, want the header taken", err)
			}
			if !tt.ok && !errors.Is(err, ErrDamaged) {
				t.Errorf("Read: %v, want ErrDamaged", err)
			}
			for i := range tt.admins {
				tt.admins[i].PublicKey = k.olga.Recipient().String()
			}
			_, err = Create(io.Discard, h, k.recovery.Recipient().String())
			if tt.ok != (err == nil) {
				t.Errorf("Create: %v; a backup that could not be read back must not be written", err)
			}
		})
	}
}

// FuzzRead reads arbitrary bytes as a backup file and, if its header is
// taken, opens it with the recovery key and reads it all: the answer is a
// checked dump or an error that says what is wrong, never a panic. Its
// committed seeds include a whole backup made for fuzzKey.
func FuzzRead(f *testing.F) {
	id, err := age.ParseX25519Identity(fuzzKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("tropa-backup/1\n{}\n"))
	f.Add([]byte("tropa-backup/1\n{\"created\":\"2025-06-01T10:00:00Z\",\"admins\":[{\"kdf\":\"argon2id$v=19$m=4194304,t=1,p=1\"}]}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _, err := readAll(b, id)
		if err != nil && !errors.Is(err, ErrNotBackup) && !errors.Is(err, ErrDamaged) && !errors.Is(err, ErrWrongKey) &&
			!strings.Contains(err.Error(), "format") {
			t.Fatalf("%q: %v, want ErrNotBackup, ErrDamaged, ErrWrongKey or another format", b, err)
		}
	})
}

// FuzzPayload encrypts arbitrary bytes as the payload of a well-formed
// backup, after a start record that binds it to the header, and reads it:
// every record the decoder reads is fuzzed, past the encryption a fuzzer
// could never get through. The answer is ErrDamaged or a dump whose
// manifest matched, never a panic or runaway memory.
func FuzzPayload(f *testing.F) {
	id, err := age.ParseX25519Identity(fuzzKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte{})
	f.Add([]byte{tagEnd, 0})
	f.Add(append(appendString([]byte{tagTable}, "t"), 1, 1, 'c', tagRow, typeText, 2, 'h', 'i', tagEnd, 1, 1, 't', 1))
	f.Add(append([]byte{tagTable, 1, 't', 0, tagRow, tagRow}, strings.Repeat("R", 10)...))
	f.Fuzz(func(t *testing.T, payload []byte) {
		b := craft(t, id, Header{Created: created}, func(h [32]byte) []byte { return append(start(h), payload...) })
		_, _, _, err := readAll(b, id)
		if err != nil && !errors.Is(err, ErrDamaged) {
			t.Fatalf("payload %q: %v, want ErrDamaged", payload, err)
		}
	})
}

// fuzzKey is the recovery key the fuzz targets' seeds were made for.
const fuzzKey = "AGE-SECRET-KEY-13HRE9VPDTY34DHDF65899TDYX2HHF6G9AKSM27STR4ERJQ44UR6Q25K5JE"
