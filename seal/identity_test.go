package seal

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func newTestIdentity(t testing.TB) *Identity {
	t.Helper()
	id, err := NewIdentity()
	if err != nil {
		t.Fatalf("NewIdentity: %v", err)
	}
	return id
}

func TestNewIdentity(t *testing.T) {
	a, b := newTestIdentity(t), newTestIdentity(t)
	if !strings.HasPrefix(a.Secret(), "AGE-SECRET-KEY-1") {
		t.Errorf("Secret() = %.20q…, want prefix AGE-SECRET-KEY-1", a.Secret())
	}
	if !strings.HasPrefix(a.Recipient(), "age1") {
		t.Errorf("Recipient() = %q, want prefix age1", a.Recipient())
	}
	if a.Secret() == b.Secret() || a.Recipient() == b.Recipient() {
		t.Error("two new identities are equal")
	}
}

func TestParseIdentity(t *testing.T) {
	id := newTestIdentity(t)
	got, err := ParseIdentity(id.Secret())
	if err != nil {
		t.Fatalf("ParseIdentity(Secret()): %v", err)
	}
	if got.Secret() != id.Secret() || got.Recipient() != id.Recipient() {
		t.Error("ParseIdentity(Secret()) is another identity")
	}
	secret := id.Secret()
	last := secret[len(secret)-1]
	other := byte('Q')
	if last == other {
		other = 'P'
	}
	bad := []struct{ name, s string }{
		{"empty", ""},
		{"prefix only", "AGE-SECRET-KEY-1"},
		{"recipient", id.Recipient()},
		{"checksum broken", secret[:len(secret)-1] + string(other)},
		{"truncated", secret[:len(secret)-1]},
		{"trailing newline", secret + "\n"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := ParseIdentity(tt.s); err == nil || got != nil {
				t.Errorf("ParseIdentity(%q) = %v, %v; want nil, error", tt.s, got, err)
			}
		})
	}
}

func TestSealOpenIdentity(t *testing.T) {
	id := newTestIdentity(t)
	k, other := testKey(0), testKey(100)
	aad := AAD{Table: "staff", Row: "7", Field: "private_key"}
	sealed := SealIdentity(&k, id, aad)
	if bytes.Contains(sealed, []byte(id.Secret())) {
		t.Fatal("sealed identity contains the secret in clear")
	}
	tests := []struct {
		name    string
		key     *Key
		aad     AAD
		wantErr error
	}{
		{"right key and place", &k, aad, nil},
		{"wrong key", &other, aad, ErrWrongKey},
		{"other row", &k, AAD{"staff", "8", "private_key"}, ErrOpen},
		{"other field", &k, AAD{"staff", "7", "session_key"}, ErrOpen},
		{"other table", &k, AAD{"sessions", "7", "private_key"}, ErrOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := OpenIdentity(tt.key, sealed, tt.aad)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("OpenIdentity err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				if got != nil {
					t.Error("OpenIdentity returned an identity with an error")
				}
				return
			}
			if got.Secret() != id.Secret() {
				t.Error("OpenIdentity returned another identity")
			}
		})
	}
	t.Run("sealed non-identity", func(t *testing.T) {
		if got, err := OpenIdentity(&k, SealString(&k, "not a key", aad), aad); err == nil || got != nil {
			t.Errorf("OpenIdentity = %v, %v; want nil, error", got, err)
		}
	})
}

func TestEncryptToDecrypt(t *testing.T) {
	id, stranger := newTestIdentity(t), newTestIdentity(t)
	tests := []struct {
		name      string
		plaintext []byte
	}{
		{"empty", []byte{}},
		{"short", []byte("case key or note")},
		{"64KiB", bytes.Repeat([]byte("0123456789abcdef"), 4096)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, err := EncryptTo(id.Recipient(), tt.plaintext)
			if err != nil {
				t.Fatalf("EncryptTo: %v", err)
			}
			got, err := id.Decrypt(ct)
			if err != nil || !bytes.Equal(got, tt.plaintext) {
				t.Fatalf("Decrypt = %d bytes, %v; want the %d bytes encrypted", len(got), err, len(tt.plaintext))
			}
			if _, err := stranger.Decrypt(ct); !errors.Is(err, ErrOpen) {
				t.Errorf("Decrypt by another identity: err = %v, want ErrOpen", err)
			}
			changed := bytes.Clone(ct)
			changed[len(changed)-1] ^= 1
			if _, err := id.Decrypt(changed); !errors.Is(err, ErrOpen) {
				t.Errorf("Decrypt of changed ciphertext: err = %v, want ErrOpen", err)
			}
			if _, err := id.Decrypt(ct[:len(ct)-1]); !errors.Is(err, ErrOpen) {
				t.Errorf("Decrypt of truncated ciphertext: err = %v, want ErrOpen", err)
			}
		})
	}
	t.Run("random per encryption", func(t *testing.T) {
		a, errA := EncryptTo(id.Recipient(), []byte("same"))
		b, errB := EncryptTo(id.Recipient(), []byte("same"))
		if errA != nil || errB != nil || bytes.Equal(a, b) {
			t.Errorf("two encryptions of the same plaintext: equal=%v, errs %v, %v", bytes.Equal(a, b), errA, errB)
		}
	})
	t.Run("garbage", func(t *testing.T) {
		if _, err := id.Decrypt([]byte("not an age file")); !errors.Is(err, ErrOpen) {
			t.Errorf("Decrypt(garbage) err = %v, want ErrOpen", err)
		}
	})
	t.Run("bad recipient", func(t *testing.T) {
		if ct, err := EncryptTo("age1nope", []byte("x")); err == nil || ct != nil {
			t.Errorf("EncryptTo(bad recipient) = %d bytes, %v; want nil, error", len(ct), err)
		}
	})
}

func TestWrapUnwrapKey(t *testing.T) {
	caseKey := NewKey()
	ids := []*Identity{newTestIdentity(t), newTestIdentity(t), newTestIdentity(t)}
	for i, id := range ids {
		wrapped, err := WrapKey(id.Recipient(), &caseKey)
		if err != nil {
			t.Fatalf("WrapKey: %v", err)
		}
		if bytes.Contains(wrapped, caseKey[:]) {
			t.Fatal("wrapped key contains the case key in clear")
		}
		got, err := id.UnwrapKey(wrapped)
		if err != nil || *got != caseKey {
			t.Fatalf("UnwrapKey by recipient %d = %v, %v; want the case key", i, got, err)
		}
		other := ids[(i+1)%len(ids)]
		if got, err := other.UnwrapKey(wrapped); !errors.Is(err, ErrOpen) || got != nil {
			t.Errorf("UnwrapKey by identity %d of a key wrapped to %d: %v, %v; want nil, ErrOpen", (i+1)%len(ids), i, got, err)
		}
	}
	if _, err := WrapKey("", &caseKey); err == nil {
		t.Error("WrapKey to an empty recipient succeeded")
	}
}

func TestUnwrapKeyRejectsWrongLength(t *testing.T) {
	id := newTestIdentity(t)
	for _, n := range []int{0, 31, 33, 64} {
		ct, err := EncryptTo(id.Recipient(), make([]byte, n))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := id.UnwrapKey(ct); !errors.Is(err, ErrOpen) || got != nil {
			t.Errorf("UnwrapKey of %d-byte payload = %v, %v; want nil, ErrOpen", n, got, err)
		}
	}
}

// EncryptTo takes only a well-formed public key: a secret key, a broken
// checksum or padding must not be mistaken for one.
func TestEncryptToRefusesBadRecipients(t *testing.T) {
	id := newTestIdentity(t)
	r := id.Recipient()
	flip := byte('q')
	if r[len(r)-1] == flip {
		flip = 'p'
	}
	tests := []struct {
		name string
		s    string
		want bool
	}{
		{"fresh recipient", r, true},
		{"another recipient", newTestIdentity(t).Recipient(), true},
		{"empty", "", false},
		{"prefix only", "age1", false},
		{"secret key", id.Secret(), false},
		{"checksum broken", r[:len(r)-1] + string(flip), false},
		{"truncated", r[:len(r)-1], false},
		{"trailing space", r + " ", false},
		{"leading space", " " + r, false},
		{"mixed case", "AGE1" + r[4:], false},
		{"ssh key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHcBtnOrAmVZ1+5xw8iE4vGJwZ8Qoyuai8b+FgSmf0Ih", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := EncryptTo(tt.s, []byte("x")); (err == nil) != tt.want {
				t.Errorf("EncryptTo(%q) err = %v, want success %v", tt.s, err, tt.want)
			}
		})
	}
}
