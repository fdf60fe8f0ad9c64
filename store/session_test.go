package store_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

func newSession(staffID string, stage tropa.SessionStage, at time.Time) *tropa.SessionRecord {
	rec := &tropa.SessionRecord{ID: tropa.NewID(), StaffID: staffID, Stage: stage,
		SealedIdentity: []byte("identity under the cookie's key"), CreatedAt: at, LastSeenAt: at}
	if stage == tropa.SessionEnroll {
		rec.SealedPendingTOTP = []byte("pending totp under the cookie's key")
	}
	return rec
}

// loginEvent is the audit entry of the login that started rec.
func loginEvent(rec *tropa.SessionRecord) tropa.AuditEvent {
	return tropa.AuditEvent{At: rec.CreatedAt, Actor: rec.StaffID, Action: tropa.ActionLogin}
}

func mustCreateSession(tb testing.TB, s tropa.Store, rec *tropa.SessionRecord) {
	tb.Helper()
	if err := s.CreateSession(context.Background(), rec, loginEvent(rec)); err != nil {
		tb.Fatalf("CreateSession: %v", err)
	}
}

func TestSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testSessions)
}

func testSessions(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	alice := newStaff("alice", tropa.RoleCaseworker, true)
	mustCreateStaff(t, s, alice)
	want := newSession(alice.ID, tropa.SessionEnroll, base)
	mustCreateSession(t, s, want)

	got, err := s.SessionByID(ctx, want.ID)
	if err != nil {
		t.Fatalf("SessionByID: %v", err)
	}
	if got.ID != want.ID || got.StaffID != alice.ID || got.Stage != tropa.SessionEnroll ||
		!bytes.Equal(got.SealedIdentity, want.SealedIdentity) || !bytes.Equal(got.SealedPendingTOTP, want.SealedPendingTOTP) ||
		!got.CreatedAt.Equal(base.Truncate(time.Microsecond)) || !got.LastSeenAt.Equal(got.CreatedAt) {
		t.Errorf("SessionByID = %+v, want %+v", got, want)
	}

	later := base.Add(5 * time.Minute)
	if err := s.TouchSession(ctx, want.ID, later); err != nil {
		t.Fatalf("TouchSession: %v", err)
	}
	if got, err := s.SessionByID(ctx, want.ID); err != nil || !got.LastSeenAt.Equal(later.Truncate(time.Microsecond)) ||
		!got.CreatedAt.Equal(base.Truncate(time.Microsecond)) {
		t.Errorf("after TouchSession: %+v, %v; want last seen %v, created unchanged", got, err, later)
	}

	if err := s.DeleteSession(ctx, want.ID); err != nil {
		t.Fatalf("DeleteSession: %v", err)
	}
	if _, err := s.SessionByID(ctx, want.ID); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("SessionByID after DeleteSession: error = %v, want ENOTFOUND", err)
	}
	if _, err := s.SessionByID(ctx, tropa.NewID()); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("SessionByID(unknown): error = %v, want ENOTFOUND", err)
	}
}

func TestDeleteSessionsBefore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testDeleteSessionsBefore)
}

func testDeleteSessionsBefore(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	alice := newStaff("alice", tropa.RoleCaseworker, true)
	mustCreateStaff(t, s, alice)
	idle := newSession(alice.ID, tropa.SessionFull, base)
	touched := newSession(alice.ID, tropa.SessionFull, base)
	fresh := newSession(alice.ID, tropa.SessionFull, base.Add(time.Hour))
	for _, rec := range []*tropa.SessionRecord{idle, touched, fresh} {
		mustCreateSession(t, s, rec)
	}
	if err := s.TouchSession(ctx, touched.ID, base.Add(time.Hour)); err != nil {
		t.Fatalf("TouchSession: %v", err)
	}

	n, err := s.DeleteSessionsBefore(ctx, base.Add(30*time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("DeleteSessionsBefore = %d, %v; want 1 (only the idle session)", n, err)
	}
	if _, err := s.SessionByID(ctx, idle.ID); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("idle session: error = %v, want ENOTFOUND", err)
	}
	for name, rec := range map[string]*tropa.SessionRecord{"touched": touched, "fresh": fresh} {
		if _, err := s.SessionByID(ctx, rec.ID); err != nil {
			t.Errorf("%s session: %v; want it kept", name, err)
		}
	}
	if n, err := s.DeleteSessionsBefore(ctx, base.Add(30*time.Minute)); err != nil || n != 0 {
		t.Errorf("DeleteSessionsBefore again = %d, %v; want 0", n, err)
	}
}

func TestCompleteEnrollment(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testCompleteEnrollment)
}

func testCompleteEnrollment(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	alice := newStaff("alice", tropa.RoleCaseworker, true)
	mustCreateStaff(t, s, alice)
	if err := s.UseTOTPStep(ctx, alice.ID, 7); err != nil {
		t.Fatalf("UseTOTPStep: %v", err)
	}
	rec := newSession(alice.ID, tropa.SessionEnroll, base)
	mustCreateSession(t, s, rec)
	before := auditLength(t, s)

	sealed := []byte("totp secret encrypted to alice")
	ev := tropa.AuditEvent{At: base, Actor: alice.ID, Action: tropa.ActionTOTPEnroll}
	// The password alone opened the session; without the enrolment code,
	// or with it too late, it enrols nothing.
	refused := []struct {
		name string
		hash []byte
		at   time.Time
	}{
		{"no code", nil, base},
		{"another's code", enrolHash("bob"), base},
		{"an expired code", enrolHash("alice"), base.Add(72 * time.Hour)},
	}
	for _, r := range refused {
		e := &tropa.Enrollment{SessionID: rec.ID, SealedTOTP: []byte("the attacker's TOTP"), CodeHash: r.hash}
		refusedEv := ev
		refusedEv.At = r.at
		if err := s.CompleteEnrollment(ctx, e, refusedEv); !tropa.IsCode(err, tropa.ECONFLICT) {
			t.Errorf("CompleteEnrollment with %s: error = %v, want ECONFLICT", r.name, err)
		}
	}
	if st, err := s.StaffByID(ctx, alice.ID); err != nil || st.TOTPEnrolled {
		t.Fatalf("alice after refused enrolments = %+v, %v; want not enrolled", st, err)
	}
	if err := s.CompleteEnrollment(ctx, &tropa.Enrollment{SessionID: rec.ID, SealedTOTP: sealed, CodeHash: enrolHash("alice")}, ev); err != nil {
		t.Fatalf("CompleteEnrollment: %v", err)
	}
	got, err := s.SessionByID(ctx, rec.ID)
	if err != nil || got.Stage != tropa.SessionFull || len(got.SealedPendingTOTP) != 0 {
		t.Errorf("session after CompleteEnrollment = %+v, %v; want stage full, no pending TOTP", got, err)
	}
	st, err := s.StaffByID(ctx, alice.ID)
	if err != nil || !st.TOTPEnrolled || !bytes.Equal(st.SealedTOTP, sealed) || st.EnrolCode.Hash != nil ||
		!st.EnrolCode.ExpiresAt.IsZero() {
		t.Errorf("staff after CompleteEnrollment = %+v, %v; want the TOTP secret stored and the code gone", st, err)
	}
	if n := auditLength(t, s); n != before+1 {
		t.Errorf("audit log has %d entries, want %d", n, before+1)
	}

	// Another staff member's session cannot be completed in alice's name.
	bob := newStaff("bob", tropa.RoleCaseworker, true)
	mustCreateStaff(t, s, bob)
	bobs := newSession(bob.ID, tropa.SessionEnroll, base)
	mustCreateSession(t, s, bobs)
	if err := s.CompleteEnrollment(ctx, &tropa.Enrollment{SessionID: bobs.ID, SealedTOTP: []byte("other"),
		CodeHash: enrolHash("alice")}, ev); err == nil {
		t.Errorf("CompleteEnrollment of bob's session as alice succeeded")
	}
	if st, err := s.StaffByID(ctx, alice.ID); err != nil || !bytes.Equal(st.SealedTOTP, sealed) {
		t.Errorf("alice's TOTP secret after the refused enrolment = %q, %v; want unchanged", st.SealedTOTP, err)
	}
	if got, err := s.SessionByID(ctx, bobs.ID); err != nil || got.Stage != tropa.SessionEnroll {
		t.Errorf("bob's session after the refused enrolment = %+v, %v; want still enroll", got, err)
	}
}

func TestStaffSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testStaffSessions)
}

func testStaffSessions(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	alice := newStaff("alice", tropa.RoleCaseworker, true)
	bob := newStaff("bob", tropa.RoleCaseworker, true)
	mustCreateStaff(t, s, alice)
	mustCreateStaff(t, s, bob)
	middle := newSession(alice.ID, tropa.SessionFull, base.Add(time.Hour))
	oldest := newSession(alice.ID, tropa.SessionFull, base)
	newest := newSession(alice.ID, tropa.SessionEnroll, base.Add(2*time.Hour))
	bobs := newSession(bob.ID, tropa.SessionFull, base.Add(3*time.Hour))
	for _, rec := range []*tropa.SessionRecord{middle, bobs, oldest, newest} {
		mustCreateSession(t, s, rec)
	}

	list, err := s.StaffSessions(ctx, alice.ID)
	if err != nil {
		t.Fatalf("StaffSessions: %v", err)
	}
	if got, want := sessionIDs(list), wantSessionIDs(newest, middle, oldest); !slices.Equal(got, want) {
		t.Errorf("StaffSessions = %q, want %q, newest first", got, want)
	}
	if got := list[0]; got.Stage != tropa.SessionEnroll || !bytes.Equal(got.SealedPendingTOTP, newest.SealedPendingTOTP) ||
		!got.CreatedAt.Equal(newest.CreatedAt.Truncate(time.Microsecond)) {
		t.Errorf("StaffSessions[0] = %+v, want %+v", got, newest)
	}

	if n, err := s.DeleteStaffSessions(ctx, alice.ID, middle.ID); err != nil || n != 2 {
		t.Errorf("DeleteStaffSessions(but middle) = %d, %v; want 2", n, err)
	}
	if list, err := s.StaffSessions(ctx, alice.ID); err != nil || !slices.Equal(sessionIDs(list), wantSessionIDs(middle)) {
		t.Errorf("StaffSessions after DeleteStaffSessions = %q, %v; want only %s", sessionIDs(list), err, middle.ID)
	}
	if list, err := s.StaffSessions(ctx, bob.ID); err != nil || !slices.Equal(sessionIDs(list), wantSessionIDs(bobs)) {
		t.Errorf("bob's sessions = %q, %v; want his one kept", sessionIDs(list), err)
	}
	if n, err := s.DeleteStaffSessions(ctx, alice.ID, ""); err != nil || n != 1 {
		t.Errorf("DeleteStaffSessions(all) = %d, %v; want 1", n, err)
	}
	if list, err := s.StaffSessions(ctx, alice.ID); err != nil || len(list) != 0 {
		t.Errorf("StaffSessions after deleting all = %q, %v; want none", sessionIDs(list), err)
	}
}

func sessionIDs(list []tropa.SessionRecord) []string {
	ids := []string{}
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	return ids
}

func wantSessionIDs(list ...*tropa.SessionRecord) []string {
	ids := []string{}
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	return ids
}
