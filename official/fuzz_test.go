package official

import (
	"slices"
	"testing"
	"time"
)

// FuzzDraft feeds ParseDraft what an administrator might write: whatever
// it accepts must sign and verify to the same list.
func FuzzDraft(f *testing.F) {
	f.Add([]byte(draftText()))
	f.Add([]byte("organization: Группа помощи\r\nweb: https://help.example.org/\r\n"))
	f.Add([]byte("organization: X\ntelegram-bot: 1 @abcdebot\n"))
	key := testKey(f, 1)
	f.Fuzz(func(t *testing.T, text []byte) {
		draft, err := ParseDraft(text)
		if err != nil {
			return
		}
		signed, err := Sign(draft, key, time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatalf("a draft that parsed does not sign: %v", err)
		}
		got, err := Verify(signed)
		if err != nil {
			t.Fatalf("a list just signed does not verify: %v\n%s", err, signed)
		}
		if got.Organization != draft.Organization || !slices.Equal(got.Channels, draft.Channels) {
			t.Fatalf("signed %+v, read back %+v", draft, got)
		}
	})
}

// FuzzVerify feeds Verify files anyone may hand to tropa channels verify
// or to an administrator: it must never take one it cannot read whole.
func FuzzVerify(f *testing.F) {
	f.Add(signedList(f))
	f.Add([]byte("tropa official channels 1\nsignature: AAAA\n"))
	f.Fuzz(func(t *testing.T, signed []byte) {
		l, err := Verify(signed)
		if err != nil {
			return
		}
		if l.Organization == "" || len(l.Channels) == 0 || l.Fingerprint() == "" || l.Issued.IsZero() {
			t.Fatalf("verified an incomplete list: %+v", l)
		}
	})
}
