package store_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/store"
	"tropa/store/storetest"
)

// A case key goes only to an active staff member or the recovery key: a
// request that arrives as someone is deactivated is kept, without their
// key, and handing them a key afterwards is refused.
func TestNoKeyForInactiveStaff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testNoKeyForInactiveStaff)
}

func testNoKeyForInactiveStaff(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	alice, bob := newStaff("alice", tropa.RoleCaseworker, true), newStaff("bob", tropa.RoleCaseworker, true)
	mustCreateStaff(t, s, alice)
	mustCreateStaff(t, s, bob)
	if _, err := s.DeactivateStaff(ctx, bob.ID, tropa.AuditEvent{At: base, Actor: alice.ID, Action: tropa.ActionStaffDisable}); err != nil {
		t.Fatalf("DeactivateStaff: %v", err)
	}

	n := newRequest(base, tropa.UrgencyNormal, alice.ID, bob.ID, tropa.HolderRecovery)
	if err := s.CreateRequest(ctx, n); err != nil {
		t.Fatalf("CreateRequest with a wrap to someone deactivated: %v", err)
	}
	wantHolders(t, s, n.Request.ID, alice.ID, tropa.HolderRecovery)

	err := s.UpdateCase(ctx, &tropa.CaseUpdate{RequestID: n.Request.ID, At: base,
		AddWraps: []tropa.KeyWrap{{Holder: bob.ID, Reason: tropa.AccessOwner, Wrapped: []byte("to bob")}}})
	if !tropa.IsCode(err, tropa.ECONFLICT) {
		t.Errorf("UpdateCase giving a key to someone deactivated: %v, want ECONFLICT", err)
	}
	wantHolders(t, s, n.Request.ID, alice.ID, tropa.HolderRecovery)
}

// On PostgreSQL another node may be deactivating someone at the moment a
// request for them arrives: the request waits for that to commit and then
// leaves them out, so no key of theirs outlives the deactivation.
func TestNoKeyDuringDeactivation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t, storetest.PostgresURL(t))
	alice, bob := newStaff("alice", tropa.RoleCaseworker, true), newStaff("bob", tropa.RoleCaseworker, true)
	mustCreateStaff(t, db, alice)
	mustCreateStaff(t, db, bob)

	// Another node's deactivation, under way: bob's row is changed and not
	// yet committed.
	other, err := store.Writer(db).BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback()
	if _, err := other.ExecContext(ctx, `UPDATE staff SET active = false, intake = false WHERE id = $1`, bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := other.ExecContext(ctx, `DELETE FROM key_wraps WHERE holder = $1`, bob.ID); err != nil {
		t.Fatal(err)
	}

	n := newRequest(base, tropa.UrgencyNormal, alice.ID, bob.ID, tropa.HolderRecovery)
	created := make(chan error, 1)
	go func() { created <- db.CreateRequest(ctx, n) }()
	select {
	case err := <-created:
		t.Fatalf("CreateRequest finished (%v) while a deactivation of one of its holders was under way", err)
	case <-time.After(200 * time.Millisecond):
	}
	if err := other.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-created; err != nil {
		t.Fatalf("CreateRequest: %v", err)
	}
	wantHolders(t, db, n.Request.ID, alice.ID, tropa.HolderRecovery)
}

func wantHolders(t *testing.T, s tropa.Store, requestID string, want ...string) {
	t.Helper()
	wraps, err := s.KeyWraps(context.Background(), requestID)
	if err != nil {
		t.Fatalf("KeyWraps: %v", err)
	}
	got := map[string]bool{}
	for _, w := range wraps {
		got[w.Holder] = true
	}
	if len(got) != len(want) {
		t.Errorf("holders %v, want %v", got, want)
	}
	for _, h := range want {
		if !got[h] {
			t.Errorf("holders %v, want %v", got, want)
		}
	}
}
