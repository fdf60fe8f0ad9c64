package desk_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"testing"
	"time"

	"tropa"
	"tropa/official"
)

func signChannels(t *testing.T, seed byte, issued string, web string) []byte {
	t.Helper()
	day, err := time.Parse(time.DateOnly, issued)
	if err != nil {
		t.Fatal(err)
	}
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	signed, err := official.Sign(official.List{Organization: "Example Help Group",
		Channels: []official.Channel{{Kind: official.KindWeb, Value: web}}}, key, day)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func TestPublishChannels(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.desk.OfficialChannels(ctx); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Fatalf("before publishing: %v", err)
	}
	first := signChannels(t, 1, "2026-12-01", "https://help.example.org/")
	if _, err := f.desk.PublishChannels(ctx, first, false); err != nil {
		t.Fatal(err)
	}
	if ev := lastAudit(t, f); ev.Action != tropa.ActionChannelsPublish || ev.Actor != "cli" {
		t.Errorf("audit = %+v", ev)
	}
	forged := bytes.Replace(first, []byte("help.example"), []byte("he1p.example"), 1)
	if _, err := f.desk.PublishChannels(ctx, forged, false); err == nil {
		t.Error("a list whose signature does not hold was published")
	}
	if _, err := f.desk.PublishChannels(ctx, signChannels(t, 1, "2026-11-30", "https://old.example.org/"), false); !tropa.IsCode(err, tropa.ECONFLICT) {
		t.Errorf("an older list took the place of the published one: %v", err)
	}
	otherKey := signChannels(t, 2, "2026-12-05", "https://help.example.org/")
	if _, err := f.desk.PublishChannels(ctx, otherKey, false); !tropa.IsCode(err, tropa.ECONFLICT) {
		t.Errorf("a list signed with another key took the place of the published one: %v", err)
	}
	got, err := f.desk.OfficialChannels(ctx)
	if err != nil || !bytes.Equal(got.Signed, first) {
		t.Fatalf("published list changed: %v\n%s", err, got.Signed)
	}
	if _, err := f.desk.PublishChannels(ctx, otherKey, true); err != nil {
		t.Fatalf("moving to a new key: %v", err)
	}
	if got, err := f.desk.OfficialChannels(ctx); err != nil || !bytes.Equal(got.Signed, otherKey) {
		t.Errorf("after moving to a new key: %v", err)
	}
}
