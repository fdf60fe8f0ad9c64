package seal

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

// testKey returns a fixed key whose bytes start at first, so tests that
// compare keys do not depend on chance.
func testKey(first byte) Key {
	var k Key
	for i := range k {
		k[i] = first + byte(i)
	}
	return k
}

var placeAAD = AAD{Table: "requests", Row: "42", Field: "name"}

func TestSealOpenRoundTrip(t *testing.T) {
	k := NewKey()
	tests := []struct {
		name      string
		plaintext []byte
	}{
		{"empty", nil},
		{"short", []byte("Olena, +380 67 123 4567")},
		{"1MiB", bytes.Repeat([]byte{0x00, 0x5a, 0xff, 0x13}, 1<<18)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sealed := Seal(&k, tt.plaintext, placeAAD)
			if want := sealedLen(len(tt.plaintext)); len(sealed) != want {
				t.Fatalf("len(sealed) = %d, want %d", len(sealed), want)
			}
			if sealed[0] != Version {
				t.Errorf("version byte = %d, want %d", sealed[0], Version)
			}
			if id := k.ID(); !bytes.Equal(sealed[1:1+keyIDLen], id[:]) {
				t.Errorf("key id bytes = %x, want %x", sealed[1:1+keyIDLen], id)
			}
			if len(tt.plaintext) > 0 && bytes.Contains(sealed, tt.plaintext) {
				t.Error("sealed value contains the plaintext")
			}
			got, err := Open(&k, sealed, placeAAD)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !bytes.Equal(got, tt.plaintext) {
				t.Errorf("Open returned %d bytes that differ from the %d sealed", len(got), len(tt.plaintext))
			}
		})
	}
}

// sealedLen is the length of a value sealed from n bytes.
func sealedLen(n int) int {
	return 1 + keyIDLen + chacha20poly1305.NonceSizeX + lengthLen + PaddedLen(n) + chacha20poly1305.Overhead
}

// TestSealedLengthIsTheBucket plays someone who reads a stored value's
// length to learn what it holds: within a bucket every length seals to the
// same size, and a bucket holds every length up to a power of two.
func TestSealedLengthIsTheBucket(t *testing.T) {
	k := NewKey()
	buckets := []struct{ from, to int }{{0, MinPadded}, {MinPadded + 1, 2 * MinPadded}, {(1 << 20) + 1, 2 << 20}, {(2 << 20) + 1, 4 << 20}}
	for _, b := range buckets {
		want := len(Seal(&k, make([]byte, b.from), placeAAD))
		for _, n := range []int{b.from, b.from + 1, (b.from + b.to) / 2, b.to - 1, b.to} {
			plaintext := bytes.Repeat([]byte{'x'}, n)
			sealed := Seal(&k, plaintext, placeAAD)
			if len(sealed) != want {
				t.Errorf("%d bytes sealed to %d, but %d bytes of the same bucket to %d", n, len(sealed), b.from, want)
			}
			if got, err := Open(&k, sealed, placeAAD); err != nil || !bytes.Equal(got, plaintext) {
				t.Errorf("%d bytes: Open = %d bytes, %v", n, len(got), err)
			}
		}
		if next := len(Seal(&k, make([]byte, b.to+1), placeAAD)); next == want {
			t.Errorf("%d bytes sealed to %d, as long as the bucket below", b.to+1, next)
		}
	}
}

func TestPaddedLen(t *testing.T) {
	tests := []struct{ n, want int }{
		{0, 256}, {1, 256}, {256, 256}, {257, 512}, {4000, 4096}, {4 << 20, 4 << 20}, {(4 << 20) + 1, 8 << 20},
	}
	for _, tt := range tests {
		if got := PaddedLen(tt.n); got != tt.want {
			t.Errorf("PaddedLen(%d) = %d, want %d", tt.n, got, tt.want)
		}
	}
}

func TestSealOpenString(t *testing.T) {
	k := NewKey()
	const s = "Олена Петренко, вул. Хрещатик 1"
	got, err := OpenString(&k, SealString(&k, s, placeAAD), placeAAD)
	if err != nil || got != s {
		t.Fatalf("OpenString = %q, %v; want %q, nil", got, err, s)
	}
	if got, err := OpenString(&k, []byte{Version}, placeAAD); !errors.Is(err, ErrOpen) || got != "" {
		t.Errorf("OpenString(garbage) = %q, %v; want \"\", ErrOpen", got, err)
	}
}

// goldenSealed holds values written by an earlier build under testKey(0)
// for placeAAD, with their plaintexts. They pin the sealed format (version
// byte, key id derivation, AAD encoding, layout): if they stop opening,
// every stored record has become unreadable.
var goldenSealed = map[string]string{
	"016a9164ae6d8d1f07f1b175fd14ddd01e0fe3bc21995b1954dff03f27c17ed6b861cd3204615c1970f8b249c90771fcee5704030cd5f7691be844d2": "tropa golden v1",
	"016a9164ae05deddc3aa6c4fca96f796cbcfd146d9125629df2a03ba6913c451b2a8dfa16db4b257d42cd50088":                               "",
	"026a9164ae925eaeed944ed2bc0d2c2276e3945aecec7e2d1235e8912cb6fe9df134416587307fca836d76cccdb11c2321edef7fd594af16de4def0e4878f8c76638d2188f3caf977c89d3ba4a3de761aca433414951e26a67ea087db87795aae093fd1080568ee594b0a2ffa0e23fcd8cd6afbebbcfed53e69e5484bd5abf55ed200b0aa8d445f212c156efd49319fc3d3b11f665dff409458cf8f633a34c04e61330ab42e0a861bb4a3e2c8e28453ec013a7457b59e2cd21149eb82a8c4f571d0521aa670f27d3a87d852f46a0d3a7955705632bcc5a9acfd27e5e448e7ccc87cc53378342aacbe173bcaa02ec33892122d828b390f14f120a9dba3c21fbdf76bc990b90c3f9f9a17b47a87b7f2d63b1cdfc862d8d557bb7de8b8144fdf2d2b3b05ce70f29db9093994100f1f53a68f9": "tropa golden v2",
}

func TestOpenGolden(t *testing.T) {
	k := testKey(0)
	for h, want := range goldenSealed {
		sealed, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := OpenString(&k, sealed, placeAAD); err != nil || got != want {
			t.Errorf("Open(%.16s…) = %q, %v; want %q, nil", h, got, err, want)
		}
	}
}

func TestOpenRejectsEveryByteFlip(t *testing.T) {
	k := NewKey()
	for _, plaintext := range [][]byte{nil, []byte("sixteen byte msg")} {
		sealed := Seal(&k, plaintext, placeAAD)
		for i := range sealed {
			want := ErrOpen
			if i >= 1 && i < 1+keyIDLen {
				want = ErrWrongKey
			}
			for _, mask := range []byte{0x01, 0x80, 0xff} {
				changed := bytes.Clone(sealed)
				changed[i] ^= mask
				if _, err := Open(&k, changed, placeAAD); !errors.Is(err, want) {
					t.Errorf("len %d: byte %d ^ %#x: Open err = %v, want %v", len(plaintext), i, mask, err, want)
				}
			}
		}
	}
}

func TestOpenRejectsOtherPlace(t *testing.T) {
	k := NewKey()
	sealed := Seal(&k, []byte("secret"), placeAAD)
	tests := []struct {
		name string
		aad  AAD
	}{
		{"other table", AAD{"messages", "42", "name"}},
		{"other row", AAD{"requests", "43", "name"}},
		{"other field", AAD{"requests", "42", "phone"}},
		{"empty", AAD{}},
		{"fields rotated", AAD{"42", "name", "requests"}},
		{"table case", AAD{"Requests", "42", "name"}},
		{"row with trailing nul", AAD{"requests", "42\x00", "name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Open(&k, sealed, tt.aad); !errors.Is(err, ErrOpen) {
				t.Errorf("Open err = %v, want ErrOpen", err)
			}
		})
	}
}

func TestOpenWrongKey(t *testing.T) {
	k1, k2 := testKey(0), testKey(100)
	if k1.ID() == k2.ID() {
		t.Fatal("test keys share a key id; pick others")
	}
	sealed := Seal(&k1, []byte("secret"), placeAAD)
	if _, err := Open(&k2, sealed, placeAAD); !errors.Is(err, ErrWrongKey) {
		t.Errorf("Open with another key: err = %v, want ErrWrongKey", err)
	}
	// A value carrying k2's id but sealed under k1 is tampering, not a
	// wrong key: the id only routes, the AEAD still decides.
	forged := bytes.Clone(sealed)
	id2 := k2.ID()
	copy(forged[1:], id2[:])
	if _, err := Open(&k2, forged, placeAAD); !errors.Is(err, ErrOpen) {
		t.Errorf("Open of value with forged key id: err = %v, want ErrOpen", err)
	}
}

func TestKeyID(t *testing.T) {
	k := testKey(0)
	if k.ID() != k.ID() {
		t.Error("ID is not deterministic")
	}
	if want := [keyIDLen]byte{0x6a, 0x91, 0x64, 0xae}; k.ID() != want {
		t.Errorf("ID = %x, want %x (sha256(\"tropa key id v1\" || key)[:4])", k.ID(), want)
	}
	a, b := NewKey(), NewKey()
	if a == b || a == (Key{}) {
		t.Errorf("NewKey returned equal or zero keys: %x, %x", a, b)
	}
}

func TestOpenRejectsMalformed(t *testing.T) {
	k := NewKey()
	sealed := Seal(&k, []byte("some plaintext"), placeAAD)
	for n := range len(sealed) {
		if _, err := Open(&k, sealed[:n], placeAAD); !errors.Is(err, ErrOpen) {
			t.Errorf("truncated to %d bytes: err = %v, want ErrOpen", n, err)
		}
	}
	for _, v := range []byte{0, versionUnpadded, 3, 0x81, 0xff} {
		changed := bytes.Clone(sealed)
		changed[0] = v
		if _, err := Open(&k, changed, placeAAD); !errors.Is(err, ErrOpen) {
			t.Errorf("version %d: err = %v, want ErrOpen", v, err)
		}
	}
	if _, err := Open(&k, append(bytes.Clone(sealed), 0), placeAAD); !errors.Is(err, ErrOpen) {
		t.Errorf("extra trailing byte: err = %v, want ErrOpen", err)
	}
}

func TestSealNonceIsRandom(t *testing.T) {
	k := NewKey()
	a := Seal(&k, []byte("same"), placeAAD)
	b := Seal(&k, []byte("same"), placeAAD)
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same plaintext are equal")
	}
	nonce := func(v []byte) []byte { return v[1+keyIDLen : 1+keyIDLen+chacha20poly1305.NonceSizeX] }
	if bytes.Equal(nonce(a), nonce(b)) {
		t.Error("two seals share a nonce")
	}
}

func TestAADNoCollisions(t *testing.T) {
	aads := []AAD{
		{"ab", "c", ""},
		{"a", "bc", ""},
		{"a", "b", "c"},
		{"abc", "", ""},
		{"", "abc", ""},
		{"", "", "abc"},
		{"a", "", "bc"},
		{"", "", ""},
		{"\x01a", "", ""},
		{"", "\x01a", ""},
		{string(make([]byte, 128)), "", ""},
		{string(make([]byte, 127)), "\x00", ""},
	}
	k := NewKey()
	for i, a := range aads {
		sealed := Seal(&k, []byte("x"), a)
		for j, b := range aads {
			if i == j {
				continue
			}
			if bytes.Equal(a.bytes(Version), b.bytes(Version)) {
				t.Errorf("AAD %q and %q encode the same", a, b)
			}
			if _, err := Open(&k, sealed, b); !errors.Is(err, ErrOpen) {
				t.Errorf("sealed for %q, opened for %q: err = %v, want ErrOpen", a, b, err)
			}
		}
	}
}

func TestRandomBytes(t *testing.T) {
	for _, n := range []int{0, 16, 32} {
		if got := RandomBytes(n); len(got) != n {
			t.Errorf("len(RandomBytes(%d)) = %d", n, len(got))
		}
	}
	if bytes.Equal(RandomBytes(32), RandomBytes(32)) {
		t.Error("two calls of RandomBytes(32) are equal")
	}
}
