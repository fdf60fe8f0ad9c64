package store_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"tropa"
	"tropa/store/storetest"
)

func TestRotation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testRotation)
}

func testRotation(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	f := newStaffFixture(t, s)
	keep := f.aliceSessions[1]
	r := &tropa.KeyRotation{StaffID: f.alice.ID, OldPublicKey: f.alice.PublicKey, PublicKey: "age1-alice-new",
		KDF: "argon2id$v=19$m=128,t=2,p=1", Salt: []byte("new salt"), SealedPrivate: []byte("new private key"),
		SealedPrivateOld: []byte("old private key"), SealedTOTP: []byte("totp to the new key"),
		KeepSession: keep.ID, SessionIdentity: []byte("new key, session"), SessionOldIdentity: []byte("old key, session")}
	ev := tropa.AuditEvent{At: base, Actor: f.alice.ID, Action: tropa.ActionPassword}
	auditBefore := auditLength(t, s)

	if err := s.StartRotation(ctx, r, ev); err != nil {
		t.Fatalf("StartRotation: %v", err)
	}
	st, err := s.StaffByID(ctx, f.alice.ID)
	if err != nil || st.PublicKey != r.PublicKey || st.KDF != r.KDF || !bytes.Equal(st.Salt, r.Salt) ||
		!bytes.Equal(st.SealedPrivate, r.SealedPrivate) || !bytes.Equal(st.SealedPrivateOld, r.SealedPrivateOld) ||
		!bytes.Equal(st.SealedTOTP, r.SealedTOTP) || st.RotateAtLogin {
		t.Errorf("alice after StartRotation = %+v, %v; want the new key pair beside the old", st, err)
	}
	list, err := s.StaffSessions(ctx, f.alice.ID)
	if err != nil || len(list) != 1 || list[0].ID != keep.ID || !bytes.Equal(list[0].SealedIdentity, r.SessionIdentity) ||
		!bytes.Equal(list[0].SealedOldIdentity, r.SessionOldIdentity) {
		t.Errorf("alice's sessions = %+v, %v; want only %s, holding both keys", list, err, keep.ID)
	}
	if rs, err := s.IntakeRecipients(ctx); err != nil || !slices.Contains(rs, tropa.Recipient{StaffID: f.alice.ID, PublicKey: r.PublicKey}) {
		t.Errorf("IntakeRecipients = %+v, %v; want alice's new key at once", rs, err)
	}
	if got := auditLength(t, s); got != auditBefore+1 {
		t.Errorf("audit log has %d entries, want %d", got, auditBefore+1)
	}
	// A second rotation from the same key, or before the first is done,
	// would lose the key that still opens her case keys.
	for _, old := range []string{f.alice.PublicKey, r.PublicKey} {
		again := *r
		again.OldPublicKey = old
		if err := s.StartRotation(ctx, &again, ev); !tropa.IsCode(err, tropa.ECONFLICT) {
			t.Errorf("StartRotation from %s during a rotation: error = %v, want ECONFLICT", old, err)
		}
	}

	// A key wrapped to alice's old public key before the rotation started,
	// written after, would open with the key the rotation replaces.
	stale := newRequest(base, tropa.UrgencyNormal, f.alice.ID, f.bob.ID)
	stale.Wraps[0].To, stale.Wraps[1].To = f.alice.PublicKey, f.bob.PublicKey
	if err := s.CreateRequest(ctx, stale); !tropa.IsCode(err, tropa.ECONFLICT) {
		t.Errorf("CreateRequest with a key wrapped to alice's old public key: error = %v, want ECONFLICT", err)
	}
	if _, err := s.RequestByID(ctx, stale.Request.ID); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("the refused request: %v, want ENOTFOUND", err)
	}
	stale.Wraps[0].To = r.PublicKey
	mustCreateRequest(t, s, stale)
	grant := &tropa.CaseUpdate{RequestID: f.bobsRequest.Request.ID, At: base, AddWraps: []tropa.KeyWrap{{
		RequestID: f.bobsRequest.Request.ID, Holder: f.alice.ID, Reason: tropa.AccessReferral,
		Wrapped: []byte("to the old key"), To: f.alice.PublicKey}}}
	if err := s.UpdateCase(ctx, grant); !tropa.IsCode(err, tropa.ECONFLICT) {
		t.Errorf("UpdateCase granting a key wrapped to alice's old public key: error = %v, want ECONFLICT", err)
	}
	if _, err := s.KeyWrap(ctx, f.bobsRequest.Request.ID, f.alice.ID); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("the refused grant: %v, want ENOTFOUND", err)
	}

	held, err := s.HeldWraps(ctx, f.alice.ID, "", 2)
	if err != nil || len(held) != 2 || held[0].RequestID >= held[1].RequestID || held[0].Holder != f.alice.ID {
		t.Fatalf("HeldWraps(first 2) = %+v, %v", held, err)
	}
	rest, err := s.HeldWraps(ctx, f.alice.ID, held[1].RequestID, 5)
	if err != nil || len(rest) != 2 || rest[0].RequestID <= held[1].RequestID {
		t.Fatalf("HeldWraps(after) = %+v, %v; want the other two", rest, err)
	}
	n, err := s.Rewrap(ctx, []tropa.Rewrap{
		{RequestID: held[0].RequestID, Holder: f.alice.ID, Old: held[0].Wrapped, New: []byte("rewrapped 0")},
		{RequestID: held[1].RequestID, Holder: f.alice.ID, Old: []byte("changed meanwhile"), New: []byte("rewrapped 1")},
		{RequestID: tropa.NewID(), Holder: f.alice.ID, Old: held[0].Wrapped, New: []byte("deleted meanwhile")},
	})
	if err != nil || n != 1 {
		t.Errorf("Rewrap = %d, %v; want 1, the one still as read", n, err)
	}
	for i, want := range [][]byte{[]byte("rewrapped 0"), held[1].Wrapped} {
		if w, err := s.KeyWrap(ctx, held[i].RequestID, f.alice.ID); err != nil || !bytes.Equal(w.Wrapped, want) {
			t.Errorf("alice's wrap %d after Rewrap = %q, %v; want %q", i, w.Wrapped, err, want)
		}
	}
	f.checkBobUntouched(t, s)

	done := tropa.AuditEvent{At: base, Actor: f.alice.ID, Action: tropa.ActionKeyRotated}
	if err := s.FinishRotation(ctx, f.alice.ID, f.alice.PublicKey, done); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("FinishRotation(old key): error = %v, want ENOTFOUND", err)
	}
	if err := s.FinishRotation(ctx, f.alice.ID, r.PublicKey, done); err != nil {
		t.Fatalf("FinishRotation: %v", err)
	}
	if st, err := s.StaffByID(ctx, f.alice.ID); err != nil || st.SealedPrivateOld != nil || st.PublicKey != r.PublicKey {
		t.Errorf("alice after FinishRotation = %+v, %v; want the old private key gone", st, err)
	}
	if rec, err := s.SessionByID(ctx, keep.ID); err != nil || rec.SealedOldIdentity != nil ||
		!bytes.Equal(rec.SealedIdentity, r.SessionIdentity) {
		t.Errorf("session after FinishRotation = %+v, %v; want the new key alone", rec, err)
	}
	if got := auditLength(t, s); got != auditBefore+2 {
		t.Errorf("audit log has %d entries, want %d", got, auditBefore+2)
	}

	suspect := tropa.AuditEvent{At: base, Actor: f.bob.ID, Action: tropa.ActionSuspect, Detail: f.alice.ID}
	if err := s.RequireRotation(ctx, f.alice.ID, suspect); err != nil {
		t.Fatalf("RequireRotation: %v", err)
	}
	if got := auditLength(t, s); got != auditBefore+3 {
		t.Errorf("audit log has %d entries after RequireRotation, want %d", got, auditBefore+3)
	}
	if st, err := s.StaffByID(ctx, f.alice.ID); err != nil || !st.RotateAtLogin {
		t.Errorf("alice after RequireRotation = %+v, %v; want a new key pair due", st, err)
	}
	if list, err := s.StaffSessions(ctx, f.alice.ID); err != nil || len(list) != 0 {
		t.Errorf("alice's sessions after RequireRotation = %+v, %v; want none", list, err)
	}
	if err := s.RequireRotation(ctx, tropa.NewID(), suspect); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("RequireRotation(unknown): error = %v, want ENOTFOUND", err)
	}
	next := *r
	next.OldPublicKey, next.PublicKey, next.KeepSession = r.PublicKey, "age1-alice-third", ""
	if err := s.StartRotation(ctx, &next, ev); err != nil {
		t.Errorf("StartRotation after the last finished: %v", err)
	}
	if st, err := s.StaffByID(ctx, f.alice.ID); err != nil || st.RotateAtLogin || st.PublicKey != next.PublicKey {
		t.Errorf("alice after the rotation asked for = %+v, %v; want it no longer due", st, err)
	}
	f.checkBobUntouched(t, s)
}
