package desk_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"tropa/desk"
	"tropa/seal"
)

func testSignerList(t testing.TB) *desk.SignerList {
	t.Helper()
	id, err := seal.ParseIdentity("AGE-SECRET-KEY-1GZNJ8PUWHCV95JPXVMMZCEC52ZQTNAWMLG03G55GK28A3V5RNLHSNJMAGF")
	if err != nil {
		t.Fatal(err)
	}
	pub := id.SigningKey().Public()
	return &desk.SignerList{HeadSeq: 12, HeadHash: bytes.Repeat([]byte{0xab}, 32), Keys: []desk.ListedKey{
		{Fingerprint: seal.Fingerprint(pub), StaffID: "ozrwleg3xcuezvajq7odu5tef4", PublicKey: pub, Name: "Олена Петренко"}}}
}

// What tropa audit signers writes, tropa audit verify --signers reads back
// as it was; a name that would break the line is flattened.
func TestSignerListRoundTrip(t *testing.T) {
	want := testSignerList(t)
	var b bytes.Buffer
	if _, err := want.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	got, err := desk.ParseSigners(&b)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseSigners(WriteTo) = %+v, %v; want %+v", got, err, want)
	}

	want.Keys[0].Name = "two\nlines"
	b.Reset()
	want.WriteTo(&b)
	got, err = desk.ParseSigners(&b)
	if err != nil || got.Keys[0].Name != "two lines" {
		t.Errorf("a name with a newline reads back as %+v, %v; want \"two lines\"", got, err)
	}
}

func TestParseSignersRefuses(t *testing.T) {
	var b bytes.Buffer
	testSignerList(t).WriteTo(&b)
	good := b.String()
	key := strings.Split(good, "\n")[3]
	tests := []struct{ name, text string }{
		{"no header", strings.SplitN(good, "\n", 2)[1]},
		{"no head", strings.Replace(good, strings.Split(good, "\n")[2]+"\n", "", 1)},
		{"a second head", good + strings.Split(good, "\n")[2] + "\n"},
		{"a key listed twice", good + key + "\n"},
		{"a key that does not match its fingerprint", strings.Replace(good, "SHA256:V", "SHA256:W", 1)},
		{"a short key", strings.Replace(good, strings.Fields(key)[3], "AAAA", 1)},
		{"an unknown line", good + "signer x\n"},
	}
	for _, tt := range tests {
		if l, err := desk.ParseSigners(strings.NewReader(tt.text)); err == nil {
			t.Errorf("%s: ParseSigners = %+v, want an error", tt.name, l)
		}
	}
}

// Seeds for this target are committed under testdata/fuzz/FuzzParseSigners.
func FuzzParseSigners(f *testing.F) {
	f.Fuzz(func(t *testing.T, text string) {
		l, err := desk.ParseSigners(strings.NewReader(text))
		if err != nil {
			return
		}
		for _, k := range l.Keys {
			if seal.Fingerprint(k.PublicKey) != k.Fingerprint {
				t.Fatalf("ParseSigners(%q) accepted key %s, which is not its public key's", text, k.Fingerprint)
			}
		}
		var b bytes.Buffer
		if _, err := l.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		again, err := desk.ParseSigners(&b)
		if err != nil || again.HeadSeq != l.HeadSeq || !bytes.Equal(again.HeadHash, l.HeadHash) || len(again.Keys) != len(l.Keys) {
			t.Fatalf("what ParseSigners(%q) read, written again, reads as %+v, %v", text, again, err)
		}
	})
}
