package seal

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// The derivation is pinned: signing keys registered in an audit log must
// still be the keys their identities give after any change to this code.
func TestSigningKeyIsPinned(t *testing.T) {
	id, err := ParseIdentity("AGE-SECRET-KEY-1GZNJ8PUWHCV95JPXVMMZCEC52ZQTNAWMLG03G55GK28A3V5RNLHSNJMAGF")
	if err != nil {
		t.Fatal(err)
	}
	pub := id.SigningKey().Public()
	if got, want := hex.EncodeToString(pub), "26cd729ca0b34dc55808cc12cdd388412d5f434b3652be368bb371372f4055bd"; got != want {
		t.Errorf("signing key = %s, want %s", got, want)
	}
	if got, want := Fingerprint(pub), "SHA256:Vu7w0Ula9EYnHEtojlALfnCijj5fnTtcaIJ/Xyoa5eM"; got != want {
		t.Errorf("Fingerprint = %s, want %s", got, want)
	}
}

func TestSigningKey(t *testing.T) {
	a, b := newTestIdentity(t), newTestIdentity(t)
	again, err := ParseIdentity(a.Secret())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.SigningKey().Public(), again.SigningKey().Public()) {
		t.Error("the same identity, parsed again, gives another signing key")
	}
	if bytes.Equal(a.SigningKey().Public(), b.SigningKey().Public()) {
		t.Error("two identities give the same signing key")
	}

	msg := []byte("head 7")
	sig := a.SigningKey().Sign(msg)
	tests := []struct {
		name        string
		pub, m, sig []byte
		want        bool
	}{
		{"as signed", a.SigningKey().Public(), msg, sig, true},
		{"another message", a.SigningKey().Public(), []byte("head 8"), sig, false},
		{"another signer's key", b.SigningKey().Public(), msg, sig, false},
		{"a key of the wrong length", a.SigningKey().Public()[1:], msg, sig, false},
		{"a flipped bit", a.SigningKey().Public(), msg, append(append([]byte{}, sig[:len(sig)-1]...), sig[len(sig)-1]^1), false},
	}
	for _, tt := range tests {
		if got := VerifySignature(tt.pub, tt.m, tt.sig); got != tt.want {
			t.Errorf("%s: VerifySignature = %v, want %v", tt.name, got, tt.want)
		}
	}
}
