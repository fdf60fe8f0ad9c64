package store_test

import (
	"context"
	"testing"

	"tropa"
	"tropa/store/storetest"
)

func TestStaffZone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		t.Parallel()
		ctx := context.Background()
		s := mustOpenStore(t, b)
		olena, ivan := newStaff("olena", tropa.RoleCaseworker, true), newStaff("ivan", tropa.RoleOperator, false)
		mustCreateStaff(t, s, olena)
		mustCreateStaff(t, s, ivan)
		if z, err := s.StaffZone(ctx, olena.ID); err != nil || z != "" {
			t.Fatalf("StaffZone before any choice = %q, %v; want \"\"", z, err)
		}
		if err := s.SetStaffZone(ctx, olena.ID, "Europe/Kyiv"); err != nil {
			t.Fatal(err)
		}
		if z, err := s.StaffZone(ctx, olena.ID); err != nil || z != "Europe/Kyiv" {
			t.Errorf("StaffZone = %q, %v; want Europe/Kyiv", z, err)
		}
		if z, err := s.StaffZone(ctx, ivan.ID); err != nil || z != "" {
			t.Errorf("someone else's StaffZone = %q, %v; want \"\"", z, err)
		}
		if err := s.SetStaffZone(ctx, olena.ID, ""); err != nil {
			t.Fatal(err)
		}
		if z, err := s.StaffZone(ctx, olena.ID); err != nil || z != "" {
			t.Errorf("StaffZone after clearing = %q, %v; want \"\"", z, err)
		}
		if err := s.SetStaffZone(ctx, tropa.NewID(), "UTC"); !tropa.IsCode(err, tropa.ENOTFOUND) {
			t.Errorf("SetStaffZone(unknown) = %v, want ENOTFOUND", err)
		}
		if _, err := s.StaffZone(ctx, tropa.NewID()); !tropa.IsCode(err, tropa.ENOTFOUND) {
			t.Errorf("StaffZone(unknown) = %v, want ENOTFOUND", err)
		}
	})
}

// A staff member's zone is in the backup, and comes back with it.
func TestStaffZoneDumpLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := mustOpenStore(t, storetest.SQLite)
	olena := newStaff("olena", tropa.RoleCaseworker, true)
	mustCreateStaff(t, src, olena)
	if err := src.SetStaffZone(ctx, olena.ID, "Europe/Kyiv"); err != nil {
		t.Fatal(err)
	}
	dst := mustOpenForLoad(t, t.TempDir())
	if err := dst.Load(ctx, mustDump(t, src).reader()); err != nil {
		t.Fatalf("Load: %v", err)
	}
	if z, err := dst.StaffZone(ctx, olena.ID); err != nil || z != "Europe/Kyiv" {
		t.Errorf("StaffZone after Load = %q, %v; want Europe/Kyiv", z, err)
	}
}
