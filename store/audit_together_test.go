package store_test

import (
	"context"
	"testing"

	"tropa"
	"tropa/store"
	"tropa/store/storetest"
)

// TestAuditedTogether checks that what is stored with its audit entry is
// not stored when the entry cannot be appended: a process killed, or a
// disk filled, between the two would otherwise leave a session or an
// entered request that the audit log never heard of.
func TestAuditedTogether(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testAuditedTogether)
}

func testAuditedTogether(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	alice := newStaff("alice", tropa.RoleOperator, true)
	mustCreateStaff(t, db, alice)
	// Without its head, the log takes no entry.
	if _, err := store.Writer(db).ExecContext(ctx, `DELETE FROM audit_head`); err != nil {
		t.Fatal(err)
	}

	rec := newSession(alice.ID, tropa.SessionFull, base)
	if err := db.CreateSession(ctx, rec, loginEvent(rec)); err == nil {
		t.Error("CreateSession succeeded without its audit entry")
	}
	if _, err := db.SessionByID(ctx, rec.ID); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("a session whose login could not be audited is stored (%v)", err)
	}

	n := newRequest(base, tropa.UrgencyNormal, alice.ID, tropa.HolderRecovery)
	n.Audit = &tropa.AuditEvent{At: base, Actor: alice.ID, Action: tropa.ActionRequestEnter, RequestID: n.Request.ID}
	if err := db.CreateRequest(ctx, n); err == nil {
		t.Error("CreateRequest succeeded without its audit entry")
	}
	if _, err := db.RequestByID(ctx, n.Request.ID); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("a request whose entry could not be audited is stored (%v)", err)
	}
}
