package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

// TestStaffLinkCodes keeps one link code a person, replaced by his next,
// taken once, and not after it expires.
func TestStaffLinkCodes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testStaffLinkCodes)
}

func testStaffLinkCodes(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	alice := newStaff("alice", tropa.RoleCaseworker, true)
	mustCreateStaff(t, db, alice)
	hash := func(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }
	save := func(h []byte, expires time.Time) {
		t.Helper()
		err := db.SaveStaffLinkCode(ctx, &tropa.StaffLinkCode{StaffID: alice.ID, Hash: h, ExpiresAt: expires},
			tropa.AuditEvent{At: base, Actor: alice.ID, Action: tropa.ActionNoticeLinkCode})
		if err != nil {
			t.Fatalf("SaveStaffLinkCode: %v", err)
		}
	}
	expires := base.Add(15 * time.Minute)
	save(hash(1), expires)
	save(hash(2), expires)
	if _, err := db.TakeStaffLinkCode(ctx, hash(1), base); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("the replaced code taken: %v", err)
	}
	if id, err := db.TakeStaffLinkCode(ctx, hash(2), base); err != nil || id != alice.ID {
		t.Fatalf("TakeStaffLinkCode = %q, %v; want alice", id, err)
	}
	if _, err := db.TakeStaffLinkCode(ctx, hash(2), base); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("a code taken twice: %v", err)
	}
	save(hash(3), expires)
	if _, err := db.TakeStaffLinkCode(ctx, hash(3), expires); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("an expired code taken: %v", err)
	}
	if _, err := db.TakeStaffLinkCode(ctx, hash(3), base); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("an expired code is kept after it was tried: %v", err)
	}
}
