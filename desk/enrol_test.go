package desk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"tropa"
	"tropa/desk"
)

// failedLogins lists the audited failed logins as actor and detail.
func (f *fixture) failedLogins(t *testing.T) []string {
	t.Helper()
	var got []string
	if err := f.store.AuditEntries(context.Background(), func(e *tropa.AuditEntry) error {
		if e.Action == tropa.ActionLoginFailed {
			got = append(got, e.Actor+" "+e.Detail)
		}
		return nil
	}); err != nil {
		t.Fatalf("AuditEntries: %v", err)
	}
	return got
}

// enrolWith logs name in with the password and tries to enrol a TOTP key
// of the caller's own with enrolCode, as whoever has the password would.
func (f *fixture) enrolWith(t *testing.T, name, enrolCode string) error {
	t.Helper()
	ctx := context.Background()
	s, err := f.desk.Login(ctx, name, password(name), "")
	if err != nil {
		t.Fatalf("Login(%q): %v", name, err)
	}
	key, err := f.desk.PendingTOTP(ctx, s)
	if err != nil {
		t.Fatalf("PendingTOTP: %v", err)
	}
	code, err := totp.GenerateCode(key.Secret(), f.clock.Now())
	if err != nil {
		t.Fatalf("GenerateCode: %v", err)
	}
	return f.desk.ConfirmTOTP(ctx, s, enrolCode, code)
}

// Whoever learnt a new staff member's password cannot enrol his own
// authenticator with it: the enrolment code given to the staff member must
// come too, before it expires, and it works once. An admin's reset gives a
// new one and the old one stops working.
func TestEnrolNeedsTheEnrolmentCode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.addStaff(t, "ivan", tropa.RoleCaseworker, true)
	code := f.enrolCodes["ivan"]
	if len(strings.ReplaceAll(code, "-", "")) != 16 {
		t.Fatalf("enrolment code %q, want 16 letters and digits in groups", code)
	}
	for _, guess := range []string{"", "AAAA-BBBB-CCCC-DDDD", code[:len(code)-1]} {
		wantError(t, "enrol with "+guess, f.enrolWith(t, "ivan", guess), tropa.EINVALID, "ErrEnrolCodeWrong")
	}
	// Read out over the phone and typed in lower case without dashes.
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	if err := f.enrolWith(t, "ivan", typed); err != nil {
		t.Fatalf("enrol with the code as typed %q: %v", typed, err)
	}
	if got := f.failedLogins(t); len(got) != 3 {
		t.Errorf("failed logins audited = %q, want the 3 wrong enrolment codes", got)
	}

	f.addStaff(t, "admin", tropa.RoleAdmin, false)
	admin := f.enroll(t, "admin")
	ivan, err := f.store.StaffByName(ctx, "ivan")
	if err != nil {
		t.Fatal(err)
	}
	next, err := f.desk.ResetTOTP(ctx, admin, ivan.ID)
	if err != nil {
		t.Fatalf("ResetTOTP: %v", err)
	}
	wantError(t, "enrol with the used code", f.enrolWith(t, "ivan", code), tropa.EINVALID, "ErrEnrolCodeWrong")
	f.clock.Advance(desk.EnrolCodeLifetime)
	wantError(t, "enrol with an expired code", f.enrolWith(t, "ivan", next), tropa.EINVALID, "ErrEnrolCodeWrong")

	last, err := f.desk.ResetTOTPByName(ctx, "ivan")
	if err != nil {
		t.Fatalf("ResetTOTPByName: %v", err)
	}
	if err := f.enrolWith(t, "ivan", last); err != nil {
		t.Fatalf("enrol with the code the command line made: %v", err)
	}
	if st, err := f.store.StaffByName(ctx, "ivan"); err != nil || st.EnrolCode.Hash != nil {
		t.Errorf("ivan's enrolment code after use = %+v, %v; want none kept", st.EnrolCode, err)
	}
}

// Every failed login is in the audit log: by the staff member whose name
// was given, and for a name no one has by no one, without the name. No
// password, name or code typed is in it.
func TestFailedLoginsAudited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.addStaff(t, "ivan", tropa.RoleCaseworker, true)
	ivan := f.enroll(t, "ivan")
	const guess = "is-it-sunflower-1991"
	tries := []struct{ name, password, code string }{
		{"ivan", guess, ""},
		{"ivan", password("ivan"), "000000"},
		{"petro-the-unknown", guess, ""},
	}
	for _, tt := range tries {
		if _, err := f.desk.Login(ctx, tt.name, tt.password, tt.code); !tropa.IsCode(err, tropa.EUNAUTHORIZED) {
			t.Fatalf("Login(%q, %q): %v, want EUNAUTHORIZED", tt.name, tt.password, err)
		}
	}
	want := []string{ivan.Staff.ID + " password", ivan.Staff.ID + " totp", desk.ActorUnknown + " name"}
	if got := f.failedLogins(t); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("failed logins audited = %q, want %q", got, want)
	}
	if err := f.store.AuditEntries(ctx, func(e *tropa.AuditEntry) error {
		all := e.Actor + e.Detail + e.RequestID
		for _, typed := range []string{guess, "petro", password("ivan")} {
			if strings.Contains(all, typed) {
				t.Errorf("audit entry %d %s holds %q, which was typed", e.Seq, e.Action, typed)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	if _, err := f.desk.Login(ctx, "ivan", password("ivan"), f.code(t, "ivan")); err != nil {
		t.Errorf("ivan's own login after the failures: %v", err)
	}
}
