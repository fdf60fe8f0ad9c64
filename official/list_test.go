package official

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha3"
	"encoding/base32"
	"errors"
	"strings"
	"testing"
	"time"

	"tropa"
)

// testOnion is a version 3 onion address made from a fixed key, with its
// checksum right.
func testOnion(seed byte) string {
	pub := bytes.Repeat([]byte{seed}, 32)
	sum := sha3.Sum256(append(append([]byte(".onion checksum"), pub...), 3))
	raw := append(append(pub, sum[:2]...), 3)
	return strings.ToLower(base32.StdEncoding.EncodeToString(raw)) + ".onion"
}

func testKey(t testing.TB, seed byte) ed25519.PrivateKey {
	t.Helper()
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func draftText() string {
	return "# The lines a press officer keeps up to date.\n" +
		"organization: Example Help Group\n\n" +
		"telegram-bot: 1234567890 @example_help_bot\n" +
		"telegram: @example_news\n" +
		"web: https://help.example.org/\n" +
		"onion: http://" + testOnion(7) + "/\n" +
		"phone: +49 30 1234567\n" +
		"email: help@example.org\n"
}

func signedList(t testing.TB) []byte {
	t.Helper()
	draft, err := ParseDraft([]byte(draftText()))
	if err != nil {
		t.Fatal(err)
	}
	signed, err := Sign(draft, testKey(t, 1), time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func TestSignedListReadsBack(t *testing.T) {
	signed := signedList(t)
	l, err := Verify(signed)
	if err != nil {
		t.Fatalf("Verify: %v\n%s", err, signed)
	}
	if l.Organization != "Example Help Group" || l.Issued.Format(time.DateOnly) != "2026-12-05" || len(l.Channels) != 6 {
		t.Fatalf("read back %+v", l)
	}
	id, name, ok := l.Channels[0].Bot()
	if !ok || id != 1234567890 || name != "example_help_bot" {
		t.Errorf("bot = %d %q %v", id, name, ok)
	}
	if got := l.Channels[0].Link(); got != "https://t.me/example_help_bot" {
		t.Errorf("bot link = %q", got)
	}
	if got := l.Channels[4].Link(); got != "" {
		t.Errorf("a phone number has link %q", got)
	}
	want := Fingerprint(testKey(t, 1).Public().(ed25519.PublicKey))
	if l.Fingerprint() != want || len(strings.Fields(want)) != 10 {
		t.Errorf("fingerprint %q, want %q in ten groups", l.Fingerprint(), want)
	}
	if !SameFingerprint(strings.ToLower(strings.ReplaceAll(want, " ", "")), want) {
		t.Error("a fingerprint copied without spaces in lower case does not match")
	}
	if !bytes.HasPrefix(signed, []byte("tropa official channels 1\norganization: Example Help Group\nissued: 2026-12-05\n")) {
		t.Errorf("the list does not read as the format says:\n%s", signed)
	}
}

// TestForgedListsRefused plays the security service: with the server's
// copy of the list and no signing key, every change it could make to what
// applicants read is refused.
func TestForgedListsRefused(t *testing.T) {
	signed := string(signedList(t))
	lookalike := strings.Replace(signed, "@example_help_bot", "@examp1e_help_bot", 1)
	added := strings.Replace(signed, "email: help@example.org\n", "email: help@example.org\nweb: https://he1p.example.org/\n", 1)
	dropped := strings.Replace(signed, "telegram: @example_news\n", "", 1)
	older := strings.Replace(signed, "issued: 2026-12-05", "issued: 2027-01-05", 1)
	other, err := Sign(List{Organization: "Example Help Group", Channels: []Channel{{KindWeb, "https://he1p.example.org/"}}},
		testKey(t, 2), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{"lookalike bot": lookalike, "added site": added, "dropped channel": dropped, "date changed": older} {
		if _, err := Verify([]byte(doc)); messageID(err) != "ErrChannelsBadSignature" {
			t.Errorf("%s: Verify = %v, want a bad signature", name, err)
		}
	}
	l, err := Verify(other)
	if err != nil {
		t.Fatal(err)
	}
	if SameFingerprint(l.Fingerprint(), Fingerprint(testKey(t, 1).Public().(ed25519.PublicKey))) {
		t.Error("a list signed with another key shows the organization's fingerprint")
	}
	if _, err := Verify([]byte(strings.Replace(signed, "\nsignature:", "\n# note\nsignature:", 1))); err == nil {
		t.Error("a line slipped in before the signature passes")
	}
}

func TestDraftErrorsNameTheLine(t *testing.T) {
	for _, c := range []struct{ line, id string }{
		{"telegram-bot: @example_help_bot", "ErrChannelsBot"},
		{"telegram-bot: 12345 @example_help", "ErrChannelsBot"},
		{"telegram-bot: 99999999999999999999 @example_help_bot", "ErrChannelsBot"},
		{"telegram: example", "ErrChannelsTelegram"},
		{"web: http://help.example.org/", "ErrChannelsWeb"},
		{"web: https://user@help.example.org/", "ErrChannelsWeb"},
		{"onion: http://" + testOnion(7)[:55] + "b.onion/", "ErrChannelsOnion"},
		{"onion: http://" + strings.ToUpper(testOnion(7)), "ErrChannelsOnion"},
		{"phone: 8 800 123", "ErrChannelsPhone"},
		{"email: Help <help@example.org>", "ErrChannelsEmail"},
		{"fax: +49 30 1234567", "ErrChannelsKind"},
		{"web https://help.example.org/", "ErrChannelsLineForm"},
		{"web: https://help.example.org/", "ErrChannelsTwice"},
		{"organization: Another", "ErrChannelsOrganizationTwice"},
	} {
		text := "organization: Example\nweb: https://help.example.org/\n" + c.line + "\n"
		_, err := ParseDraft([]byte(text))
		var e *tropa.Error
		if !errors.As(err, &e) || e.MessageID != c.id || e.Data["Line"] != 3 {
			t.Errorf("%q: err = %v, want %s on line 3", c.line, err, c.id)
		}
	}
	for text, id := range map[string]string{
		"":                                   "ErrChannelsNoOrganization",
		"web: https://help.example.org/\n":   "ErrChannelsNoOrganization",
		"organization: Example\n":            "ErrChannelsNone",
		"organization: Ex\xffample\n":        "ErrChannelsNotText",
		strings.Repeat("#", MaxSize+1):       "ErrChannelsTooLarge",
		"organization: A\tB\nweb: https://x": "ErrChannelsOrganization",
	} {
		if _, err := ParseDraft([]byte(text)); messageID(err) != id {
			t.Errorf("%.30q: err = %v, want %s", text, err, id)
		}
	}
}

func TestKeyFileRoundTrip(t *testing.T) {
	key := testKey(t, 3)
	file := MarshalKey(key)
	got, err := ParseKey(file)
	if err != nil || !got.Equal(key) {
		t.Fatalf("ParseKey = %v", err)
	}
	if !bytes.Contains(file, []byte(Fingerprint(key.Public().(ed25519.PublicKey)))) {
		t.Error("the key file does not say which key it is")
	}
	if _, err := ParseKey(signedList(t)); messageID(err) != "ErrChannelsKeyFile" {
		t.Errorf("a list read as a key: %v", err)
	}
}

// messageID is the catalog message err explains itself with, "" for none.
func messageID(err error) string {
	var e *tropa.Error
	if errors.As(err, &e) {
		return e.MessageID
	}
	return ""
}
