package store_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

func TestStaff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testStaff)
}

func testStaff(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	bob := newStaff("bob", tropa.RoleAnalyst, false)
	alice := newStaff("alice", tropa.RoleCaseworker, true)
	mustCreateStaff(t, s, bob)
	mustCreateStaff(t, s, alice)

	if _, err := s.StaffByName(ctx, "carol"); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("StaffByName(unknown) error = %v, want ENOTFOUND", err)
	}
	if _, err := s.StaffByID(ctx, tropa.NewID()); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("StaffByID(unknown) error = %v, want ENOTFOUND", err)
	}
	for _, want := range []*tropa.StaffRecord{alice, bob} {
		byName, err := s.StaffByName(ctx, want.Name)
		if err != nil {
			t.Fatalf("StaffByName(%q): %v", want.Name, err)
		}
		checkStaffRecord(t, "StaffByName", byName, want)
		byID, err := s.StaffByID(ctx, want.ID)
		if err != nil {
			t.Fatalf("StaffByID(%q): %v", want.Name, err)
		}
		checkStaffRecord(t, "StaffByID", byID, want)
	}

	list, err := s.ListStaff(ctx)
	if err != nil {
		t.Fatalf("ListStaff: %v", err)
	}
	var names []string
	for _, st := range list {
		names = append(names, st.Name)
	}
	if want := []string{"alice", "bob"}; !reflect.DeepEqual(names, want) {
		t.Errorf("ListStaff names = %q, want %q (by name)", names, want)
	}
	if n := auditLength(t, s); n != 2 {
		t.Errorf("audit log has %d entries after adding two staff, want 2", n)
	}
}

// checkStaffRecord compares a stored staff record with the one created.
func checkStaffRecord(t *testing.T, how string, got, want *tropa.StaffRecord) {
	t.Helper()
	if !got.CreatedAt.Equal(want.CreatedAt.Truncate(time.Microsecond)) {
		t.Errorf("%s(%q).CreatedAt = %v, want %v", how, want.Name, got.CreatedAt, want.CreatedAt)
	}
	g, w := *got, *want
	g.CreatedAt = w.CreatedAt
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s(%q) = %+v, want %+v", how, want.Name, g, w)
	}
}

func TestCreateStaffDuplicateName(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testCreateStaffDuplicateName)
}

func testCreateStaffDuplicateName(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	first := newStaff("alice", tropa.RoleCaseworker, true)
	mustCreateStaff(t, s, first)

	again := newStaff("alice", tropa.RoleAdmin, false)
	err := s.CreateStaff(ctx, again, tropa.AuditEvent{At: base, Actor: "cli", Action: tropa.ActionStaffAdd})
	if !tropa.IsCode(err, tropa.ECONFLICT) {
		t.Fatalf("CreateStaff with a name in use: error = %v, want ECONFLICT", err)
	}
	// The driver's own error stays the cause, for the log.
	var e *tropa.Error
	if !errors.As(err, &e) || e.Err == nil || errors.Unwrap(e) != e.Err {
		t.Errorf("CreateStaff with a name in use: %v, want the driver's error as its cause", err)
	}
	if got, err := s.StaffByName(ctx, "alice"); err != nil || got.ID != first.ID || got.Role != tropa.RoleCaseworker {
		t.Errorf("StaffByName after the conflict = %+v, %v; want the first alice", got, err)
	}
	if _, err := s.StaffByID(ctx, again.ID); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("StaffByID(refused id) error = %v, want ENOTFOUND", err)
	}
	if n := auditLength(t, s); n != 1 {
		t.Errorf("audit log has %d entries, want 1: a refused CreateStaff audits nothing", n)
	}
}

func TestIntakeRecipients(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testIntakeRecipients)
}

func testIntakeRecipients(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	intake := newStaff("intake", tropa.RoleCaseworker, true)
	coordinator := newStaff("coordinator", tropa.RoleCoordinator, true)
	outside := newStaff("outside", tropa.RoleCaseworker, false)
	gone := newStaff("gone", tropa.RoleCaseworker, true)
	gone.Active = false
	admin := newStaff("admin", tropa.RoleAdmin, false)
	for _, rec := range []*tropa.StaffRecord{intake, coordinator, outside, gone, admin} {
		mustCreateStaff(t, s, rec)
	}

	got, err := s.IntakeRecipients(ctx)
	if err != nil {
		t.Fatalf("IntakeRecipients: %v", err)
	}
	want := map[string]string{intake.ID: intake.PublicKey, coordinator.ID: coordinator.PublicKey}
	gotMap := map[string]string{}
	for _, r := range got {
		gotMap[r.StaffID] = r.PublicKey
	}
	if len(got) != len(want) || !reflect.DeepEqual(gotMap, want) {
		t.Errorf("IntakeRecipients = %+v, want only the active intake staff %+v", got, want)
	}
}

func TestUseTOTPStep(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testUseTOTPStep)
}

func testUseTOTPStep(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	alice := newStaff("alice", tropa.RoleCaseworker, true)
	mustCreateStaff(t, s, alice)

	steps := []struct {
		name string
		step int64
		ok   bool
	}{
		{"first", 1000, true},
		{"same again", 1000, false},
		{"earlier", 999, false},
		{"next", 1001, true},
		{"skip ahead", 1005, true},
		{"back inside the gap", 1003, false},
	}
	for _, st := range steps {
		err := s.UseTOTPStep(ctx, alice.ID, st.step)
		switch {
		case st.ok && err != nil:
			t.Errorf("%s: UseTOTPStep(%d): %v", st.name, st.step, err)
		case !st.ok && !tropa.IsCode(err, tropa.ECONFLICT):
			t.Errorf("%s: UseTOTPStep(%d) error = %v, want ECONFLICT", st.name, st.step, err)
		}
	}
	if got, err := s.StaffByID(ctx, alice.ID); err != nil || got.TOTPLastStep != 1005 {
		t.Errorf("TOTPLastStep = %+v, %v; want 1005", got, err)
	}
}

// staffFixture is alice with two sessions and three case keys, and bob with
// one of each, so that changes to alice can be seen not to touch bob.
type staffFixture struct {
	alice, bob    *tropa.StaffRecord
	aliceSessions []*tropa.SessionRecord
	bobSession    *tropa.SessionRecord
	requests      []*tropa.NewRequest
	bobsRequest   *tropa.NewRequest
	auditBefore   int64
}

func newStaffFixture(t *testing.T, s tropa.Store) *staffFixture {
	t.Helper()
	f := &staffFixture{alice: newStaff("alice", tropa.RoleCaseworker, true), bob: newStaff("bob", tropa.RoleCaseworker, true)}
	f.alice.SealedTOTP, f.alice.TOTPEnrolled, f.alice.TOTPLastStep = []byte("alice's totp"), true, 7
	mustCreateStaff(t, s, f.alice)
	mustCreateStaff(t, s, f.bob)
	for i := range 2 {
		rec := newSession(f.alice.ID, tropa.SessionFull, base.Add(time.Duration(i)*time.Minute))
		mustCreateSession(t, s, rec)
		f.aliceSessions = append(f.aliceSessions, rec)
	}
	f.bobSession = newSession(f.bob.ID, tropa.SessionFull, base)
	mustCreateSession(t, s, f.bobSession)
	for range 3 {
		n := newRequest(base, tropa.UrgencyNormal, f.alice.ID, f.bob.ID, tropa.HolderRecovery)
		mustCreateRequest(t, s, n)
		f.requests = append(f.requests, n)
	}
	f.bobsRequest = newRequest(base, tropa.UrgencyNormal, f.bob.ID)
	mustCreateRequest(t, s, f.bobsRequest)
	f.auditBefore = auditLength(t, s)
	return f
}

// checkBobUntouched checks that bob keeps his session and keys.
func (f *staffFixture) checkBobUntouched(t *testing.T, s tropa.Store) {
	t.Helper()
	ctx := context.Background()
	if list, err := s.StaffSessions(ctx, f.bob.ID); err != nil || len(list) != 1 || list[0].ID != f.bobSession.ID {
		t.Errorf("bob's sessions = %+v, %v; want his one session", list, err)
	}
	for _, n := range append(f.requests, f.bobsRequest) {
		if _, err := s.KeyWrap(ctx, n.Request.ID, f.bob.ID); err != nil {
			t.Errorf("bob's key of %s: %v", n.Request.ID, err)
		}
	}
	if st, err := s.StaffByID(ctx, f.bob.ID); err != nil || !st.Active || !st.Intake {
		t.Errorf("bob = %+v, %v; want active on intake", st, err)
	}
}

func TestDeactivateStaff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testDeactivateStaff)
}

func testDeactivateStaff(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	f := newStaffFixture(t, s)
	ev := tropa.AuditEvent{At: base, Actor: f.bob.ID, Action: tropa.ActionStaffDisable, Detail: f.alice.ID}

	n, err := s.DeactivateStaff(ctx, f.alice.ID, ev)
	if err != nil || n != 3 {
		t.Fatalf("DeactivateStaff = %d, %v; want 3 keys deleted", n, err)
	}
	st, err := s.StaffByID(ctx, f.alice.ID)
	if err != nil || st.Active || st.Intake {
		t.Errorf("alice after DeactivateStaff = %+v, %v; want inactive, off intake", st, err)
	}
	if list, err := s.StaffSessions(ctx, f.alice.ID); err != nil || len(list) != 0 {
		t.Errorf("alice's sessions = %+v, %v; want none", list, err)
	}
	for _, rec := range f.aliceSessions {
		if _, err := s.SessionByID(ctx, rec.ID); !tropa.IsCode(err, tropa.ENOTFOUND) {
			t.Errorf("SessionByID(alice's): error = %v, want ENOTFOUND", err)
		}
	}
	for _, r := range f.requests {
		if _, err := s.KeyWrap(ctx, r.Request.ID, f.alice.ID); !tropa.IsCode(err, tropa.ENOTFOUND) {
			t.Errorf("alice's key of %s: error = %v, want ENOTFOUND", r.Request.ID, err)
		}
		if _, err := s.KeyWrap(ctx, r.Request.ID, tropa.HolderRecovery); err != nil {
			t.Errorf("recovery key of %s: %v", r.Request.ID, err)
		}
	}
	if rs, err := s.IntakeRecipients(ctx); err != nil || len(rs) != 1 || rs[0].StaffID != f.bob.ID {
		t.Errorf("IntakeRecipients = %+v, %v; want only bob", rs, err)
	}
	if got := auditLength(t, s); got != f.auditBefore+1 {
		t.Errorf("audit log has %d entries, want %d", got, f.auditBefore+1)
	}
	f.checkBobUntouched(t, s)

	if n, err := s.DeactivateStaff(ctx, f.alice.ID, ev); err != nil || n != 0 {
		t.Errorf("DeactivateStaff again = %d, %v; want 0", n, err)
	}
	before := auditLength(t, s)
	if n, err := s.DeactivateStaff(ctx, tropa.NewID(), ev); !tropa.IsCode(err, tropa.ENOTFOUND) || n != 0 {
		t.Errorf("DeactivateStaff(unknown) = %d, %v; want ENOTFOUND", n, err)
	}
	if got := auditLength(t, s); got != before {
		t.Errorf("audit log has %d entries after a refused DeactivateStaff, want %d", got, before)
	}
}

func TestResetTOTP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testResetTOTP)
}

func testResetTOTP(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	f := newStaffFixture(t, s)
	ev := tropa.AuditEvent{At: base, Actor: f.bob.ID, Action: tropa.ActionTOTPReset, Detail: f.alice.ID}

	code := tropa.EnrolCode{Hash: []byte("a new code's hash"), ExpiresAt: base.Add(time.Hour).Truncate(time.Microsecond)}
	if err := s.ResetTOTP(ctx, f.alice.ID, code, ev); err != nil {
		t.Fatalf("ResetTOTP: %v", err)
	}
	st, err := s.StaffByID(ctx, f.alice.ID)
	if err != nil || st.TOTPEnrolled || st.SealedTOTP != nil || st.TOTPLastStep != 0 || !st.Active || !st.RotateAtLogin {
		t.Errorf("alice after ResetTOTP = %+v, %v; want no TOTP, step 0, still active, a new key pair due", st, err)
	}
	if err == nil && (!bytes.Equal(st.EnrolCode.Hash, code.Hash) || !st.EnrolCode.ExpiresAt.Equal(code.ExpiresAt)) {
		t.Errorf("alice's enrolment code after ResetTOTP = %+v, want %+v", st.EnrolCode, code)
	}
	if list, err := s.StaffSessions(ctx, f.alice.ID); err != nil || len(list) != 0 {
		t.Errorf("alice's sessions = %+v, %v; want none", list, err)
	}
	if _, err := s.KeyWrap(ctx, f.requests[0].Request.ID, f.alice.ID); err != nil {
		t.Errorf("alice's key after ResetTOTP: %v; want kept", err)
	}
	if got := auditLength(t, s); got != f.auditBefore+1 {
		t.Errorf("audit log has %d entries, want %d", got, f.auditBefore+1)
	}
	f.checkBobUntouched(t, s)
	if bob, err := s.StaffByID(ctx, f.bob.ID); err != nil || !bytes.Equal(bob.SealedTOTP, f.bob.SealedTOTP) {
		t.Errorf("bob's TOTP = %+v, %v; want unchanged", bob, err)
	}

	if err := s.ResetTOTP(ctx, tropa.NewID(), code, ev); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("ResetTOTP(unknown): error = %v, want ENOTFOUND", err)
	}
	if got := auditLength(t, s); got != f.auditBefore+1 {
		t.Errorf("audit log has %d entries after a refused ResetTOTP, want %d", got, f.auditBefore+1)
	}
}
