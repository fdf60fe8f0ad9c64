package store_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

// A password reset destroys a staff member's keys and lists the cases they
// held; the list is in backups, shrinks as cases are given back, and loses
// a case that retention deletes. New keys go only with the enrolment code,
// before it expires.
func TestResetKeysAndRegrants(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testResetKeysAndRegrants)
}

func testResetKeysAndRegrants(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	open := mustAge(t, db, aged{created: base.Add(-400 * day), disposition: tropa.DispositionCase})
	closed := mustAge(t, db, aged{created: base.Add(-200 * day), closed: base.Add(-100 * day),
		disposition: tropa.DispositionCase, outcome: tropa.OutcomeLeftCountry})
	code := tropa.EnrolCode{Hash: enrolHash("alice again"), ExpiresAt: base.Add(72 * time.Hour)}
	ev := tropa.AuditEvent{At: base, Actor: "admin", Action: tropa.ActionPasswordReset, Detail: "alice"}
	n, err := db.ResetKeys(ctx, "alice", code, ev)
	if err != nil || n != 2 {
		t.Fatalf("ResetKeys = %d, %v; want the 2 cases alice held", n, err)
	}
	alice, err := db.StaffByID(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if alice.Keyed() || len(alice.SealedPrivate) != 0 || alice.SealedTOTP != nil || alice.KDF != "" {
		t.Errorf("alice after the reset = %+v; want no keys at all", alice)
	}
	for _, id := range []string{open.Request.ID, closed.Request.ID} {
		if _, err := db.KeyWrap(ctx, id, "alice"); !tropa.IsCode(err, tropa.ENOTFOUND) {
			t.Errorf("a case key is still wrapped to alice: %v", err)
		}
	}
	if list, err := db.Regrants(ctx, "alice"); err != nil || len(list) != 2 {
		t.Fatalf("Regrants = %+v, %v; want 2", list, err)
	}
	if d := mustDump(t, db); d.table("regrants") == nil || len(d.table("regrants").rows) != 2 {
		t.Errorf("the dump lacks the cases to re-grant")
	}

	keys := &tropa.FirstKeys{StaffID: "alice", PublicKey: "age1-alice-new", KDF: "argon2id$v=19$m=64,t=1,p=1",
		Salt: []byte("new salt"), SealedPrivate: []byte("new sealed private key"), CodeHash: enrolHash("a guess")}
	enrol := tropa.AuditEvent{At: base.Add(time.Hour), Actor: "alice", Action: tropa.ActionStaffEnrol}
	if err := db.SetFirstKeys(ctx, keys, enrol); !tropa.IsCode(err, tropa.ECONFLICT) {
		t.Errorf("SetFirstKeys with a wrong code: %v, want ECONFLICT", err)
	}
	keys.CodeHash = code.Hash
	late := enrol
	late.At = code.ExpiresAt
	if err := db.SetFirstKeys(ctx, keys, late); !tropa.IsCode(err, tropa.ECONFLICT) {
		t.Errorf("SetFirstKeys with an expired code: %v, want ECONFLICT", err)
	}
	if err := db.SetFirstKeys(ctx, keys, enrol); err != nil {
		t.Fatalf("SetFirstKeys: %v", err)
	}
	if err := db.SetFirstKeys(ctx, keys, enrol); !tropa.IsCode(err, tropa.ECONFLICT) {
		t.Errorf("SetFirstKeys for someone with keys: %v, want ECONFLICT", err)
	}

	mustUpdateCase(t, db, &tropa.CaseUpdate{RequestID: open.Request.ID, At: base.Add(2 * time.Hour),
		AddWraps: []tropa.KeyWrap{{RequestID: open.Request.ID, Holder: "alice", Reason: tropa.AccessOwner,
			Wrapped: []byte("wrapped to alice's new key"), To: keys.PublicKey}}})
	if list, err := db.Regrants(ctx, "alice"); err != nil || len(list) != 1 || list[0].Request.ID != closed.Request.ID {
		t.Errorf("Regrants after one was given back = %+v, %v; want the closed case", list, err)
	}
	if counts, err := db.RegrantCounts(ctx); err != nil || counts["alice"] != 1 {
		t.Errorf("RegrantCounts = %v, %v; want alice 1", counts, err)
	}
	mustApplyRetention(t, db, (tropa.Retention{ClosedAfter: 100}).Batch(base, 100))
	if found := rowsNaming(t, db, b.Name == "postgres", closed.Request.ID); len(found) > 0 {
		t.Errorf("the deleted case is still named in %v", found)
	}
	if list, err := db.Regrants(ctx, "alice"); err != nil || len(list) != 0 {
		t.Errorf("Regrants after retention = %+v, %v; want none", list, err)
	}
}
