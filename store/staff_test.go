package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"tropa"
)

func TestStaff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t)
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
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t)
	first := newStaff("alice", tropa.RoleCaseworker, true)
	mustCreateStaff(t, s, first)

	again := newStaff("alice", tropa.RoleAdmin, false)
	err := s.CreateStaff(ctx, again, tropa.AuditEvent{At: base, Actor: "cli", Action: tropa.ActionStaffAdd})
	if !tropa.IsCode(err, tropa.ECONFLICT) {
		t.Fatalf("CreateStaff with a name in use: error = %v, want ECONFLICT", err)
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
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t)
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
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t)
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
