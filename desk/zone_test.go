package desk_test

import (
	"context"
	"testing"

	"tropa"
)

// A staff member reads times in their own zone, else the organization's,
// else UTC; an administrator sets the organization's and nobody else does.
func TestStaffLocation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	ivan := f.caseworker(t, "ivan")
	f.addStaff(t, "admin", tropa.RoleAdmin, false)
	admin := f.enroll(t, "admin")

	zone := func(s string) string {
		t.Helper()
		loc, err := f.desk.StaffLocation(ctx, s)
		if err != nil {
			t.Fatalf("StaffLocation: %v", err)
		}
		return loc.String()
	}
	if z := zone(olena.Staff.ID); z != "UTC" {
		t.Errorf("with no zone set anywhere, StaffLocation = %s, want UTC", z)
	}
	wantError(t, "a caseworker setting the organization's zone", f.desk.SetOrganizationZone(ctx, olena, "Europe/Kyiv"),
		tropa.EFORBIDDEN, "ErrRoleForbidden")
	wantError(t, "an unknown zone", f.desk.SetOrganizationZone(ctx, admin, "Europe/Atlantis"), tropa.EINVALID, "ErrZoneInvalid")
	if err := f.desk.SetOrganizationZone(ctx, admin, " Europe/Kyiv "); err != nil {
		t.Fatal(err)
	}
	if z := zone(olena.Staff.ID); z != "Europe/Kyiv" {
		t.Errorf("with the organization in Kyiv, StaffLocation = %s, want Europe/Kyiv", z)
	}
	if err := f.desk.SetOwnZone(ctx, ivan, "Europe/Berlin"); err != nil {
		t.Fatal(err)
	}
	wantError(t, "the server's own zone", f.desk.SetOwnZone(ctx, olena, "Local"), tropa.EINVALID, "ErrZoneInvalid")
	if z, o := zone(ivan.Staff.ID), zone(olena.Staff.ID); z != "Europe/Berlin" || o != "Europe/Kyiv" {
		t.Errorf("ivan in Berlin, olena with none: StaffLocation = %s and %s", z, o)
	}
	if own, err := f.desk.OwnZone(ctx, ivan); err != nil || own != "Europe/Berlin" {
		t.Errorf("OwnZone = %q, %v", own, err)
	}
	if err := f.desk.SetOwnZone(ctx, ivan, ""); err != nil {
		t.Fatal(err)
	}
	if z := zone(ivan.Staff.ID); z != "Europe/Kyiv" {
		t.Errorf("ivan back to none: StaffLocation = %s, want the organization's", z)
	}
	if err := f.desk.SetOrganizationZone(ctx, admin, ""); err != nil {
		t.Fatal(err)
	}
	if z := zone(ivan.Staff.ID); z != "UTC" {
		t.Errorf("the organization's zone cleared: StaffLocation = %s, want UTC", z)
	}
	if _, err := f.desk.StaffLocation(ctx, tropa.NewID()); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("StaffLocation(unknown) = %v, want ENOTFOUND", err)
	}
}
