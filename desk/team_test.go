package desk_test

import (
	"context"
	"slices"
	"testing"

	"github.com/pquerna/otp/totp"

	"tropa"
	"tropa/desk"
	"tropa/store/storetest"
)

// enrolFirst is a staff member's first login with an enrolment code: they
// choose password, then enrol TOTP in the same session without typing the
// code again. It returns the session, which may then do everything.
func (f *fixture) enrolFirst(t *testing.T, name, code, password string) *desk.Session {
	t.Helper()
	ctx := context.Background()
	s, err := f.desk.Enrol(ctx, name, code, password)
	if err != nil {
		t.Fatalf("Enrol(%q): %v", name, err)
	}
	if s.Stage != tropa.SessionEnroll || !s.EnrolCodeGiven() {
		t.Fatalf("Enrol(%q) stage %q, code given %v; want a session enrolling TOTP with the code", name, s.Stage, s.EnrolCodeGiven())
	}
	key, err := f.desk.PendingTOTP(ctx, s)
	if err != nil {
		t.Fatalf("PendingTOTP: %v", err)
	}
	totpCode, err := totp.GenerateCode(key.Secret(), f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.desk.ConfirmTOTP(ctx, s, "", totpCode); err != nil {
		t.Fatalf("ConfirmTOTP after Enrol(%q): %v", name, err)
	}
	f.totpSecrets[name] = key.Secret()
	return s
}

// An administrator adds someone without knowing their password: until the
// person chooses one with the enrolment code, no password logs in and no
// request is wrapped to them; the code works once, and not once expired.
func TestAddPersonChoosesOwnPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.addStaff(t, "admin", tropa.RoleAdmin, false)
	admin := f.enroll(t, "admin")
	olena := f.caseworker(t, "olena")
	if _, err := f.desk.AddPerson(ctx, olena, tropa.Staff{Name: "petro", Role: tropa.RoleCaseworker}); !tropa.IsCode(err, tropa.EFORBIDDEN) {
		t.Errorf("a caseworker adds someone: %v, want EFORBIDDEN", err)
	}
	added, err := f.desk.AddPerson(ctx, admin, tropa.Staff{Name: "petro", Role: tropa.RoleCaseworker, Intake: true})
	if err != nil {
		t.Fatalf("AddPerson: %v", err)
	}
	if added.Keyed() {
		t.Errorf("a person added on the web has a key pair before choosing a password")
	}
	if _, err := f.desk.Login(ctx, "petro", password("petro"), ""); !tropa.IsCode(err, tropa.EUNAUTHORIZED) {
		t.Errorf("Login before enrolling: %v, want EUNAUTHORIZED", err)
	}
	_, id := f.submit(t, submission("@before", "Пока его нет"))
	if _, err := f.store.KeyWrap(ctx, id, added.ID); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("a request was wrapped to someone without keys: %v", err)
	}
	wantError(t, "Enrol with a wrong code", enrolErr(f, "petro", "AAAA-BBBB-CCCC-DDDD"), tropa.EINVALID, "ErrEnrolCodeWrong")
	petro := f.enrolFirst(t, "petro", added.EnrolCode, password("petro"))
	wantError(t, "Enrol again with the used code", enrolErr(f, "petro", added.EnrolCode), tropa.EINVALID, "ErrEnrolCodeWrong")
	if _, err := f.desk.Login(ctx, "petro", password("petro"), f.code(t, "petro")); err != nil {
		t.Errorf("Login with the password petro chose: %v", err)
	}
	_, after := f.submit(t, submission("@after", "Теперь он есть"))
	if _, err := f.desk.OpenCase(ctx, petro, after); err != nil {
		t.Errorf("petro opens a request that came after he enrolled: %v", err)
	}

	late, err := f.desk.AddPerson(ctx, admin, tropa.Staff{Name: "late", Role: tropa.RoleOperator})
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(desk.EnrolCodeLifetime)
	wantError(t, "Enrol with an expired code", enrolErr(f, "late", late.EnrolCode), tropa.EINVALID, "ErrEnrolCodeWrong")
}

func enrolErr(f *fixture, name, code string) error {
	_, err := f.desk.Enrol(context.Background(), name, code, password(name)+" again")
	return err
}

// The adversary of this test holds a copy of the database from before a
// staff member's password was reset, with her old password and TOTP
// secret. After the reset he can open nothing in the database as it is;
// she, with a new password, opens what a coordinator re-granted her, and
// the case nobody present held is said to be so.
func TestPasswordResetLocksOutTheOldPassword(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		t.Parallel()
		testPasswordReset(t, newFixtureAt(t, b.New(t)))
	})
}

func testPasswordReset(t *testing.T, f *fixture) {
	ctx := context.Background()
	olena := f.caseworker(t, "olena")
	_, alone := f.submit(t, submission("@alone", "Только Олена"))
	f.addStaff(t, "marta", tropa.RoleCoordinator, true)
	marta := f.enroll(t, "marta")
	f.addStaff(t, "admin", tropa.RoleAdmin, false)
	admin := f.enroll(t, "admin")
	_, shared1 := f.submit(t, submission("@shared1", "Первый"))
	_, shared2 := f.submit(t, submission("@shared2", "Второй"))

	before := f.copyDB(t)
	oldKey := stealKey(t, before, olena.Staff.ID, password("olena"))
	if wraps, totp := opened(t, before, oldKey); wraps != 3 || totp != 1 {
		t.Fatalf("the stolen key opens %d case keys and %d TOTP secrets of the copy; the attack needs 3 and 1", wraps, totp)
	}

	wantError(t, "a caseworker resets a password", resetErr(f, olena, marta.Staff.ID), tropa.EFORBIDDEN, "ErrRoleForbidden")
	reset, err := f.desk.ResetPassword(ctx, admin, olena.Staff.ID)
	if err != nil {
		t.Fatalf("ResetPassword: %v", err)
	}
	if reset.Cases != 3 {
		t.Errorf("ResetPassword listed %d cases to re-grant, want 3", reset.Cases)
	}
	if _, err := f.desk.Session(ctx, olena.Token()); !tropa.IsCode(err, tropa.EUNAUTHORIZED) {
		t.Errorf("olena's session after the reset: %v, want it ended", err)
	}
	after := f.copyDB(t)
	if wraps, totp := opened(t, after, oldKey); wraps != 0 || totp != 0 {
		t.Errorf("after the reset the old key opens %d case keys and %d TOTP secrets", wraps, totp)
	}
	var sealed []byte
	if err := after.QueryRow(`SELECT sealed_private FROM staff WHERE id = $1`, olena.Staff.ID).Scan(&sealed); err != nil || len(sealed) != 0 {
		t.Errorf("olena's sealed private key after the reset: %d bytes (%v), want none", len(sealed), err)
	}
	if _, err := f.desk.Login(ctx, "olena", password("olena"), f.code(t, "olena")); !tropa.IsCode(err, tropa.EUNAUTHORIZED) {
		t.Errorf("Login with the old password and TOTP: %v, want EUNAUTHORIZED", err)
	}

	list, err := f.desk.Regrants(ctx, marta, olena.Staff.ID)
	if err != nil {
		t.Fatalf("Regrants: %v", err)
	}
	got := map[string]desk.RegrantItem{}
	for _, it := range list.Items {
		got[it.Request.ID] = it
	}
	if len(got) != 3 || got[alone].CanOpen || !got[alone].NoOne || !got[shared1].CanOpen || got[shared1].NoOne || !got[shared2].CanOpen {
		t.Errorf("the list to re-grant = %+v; want the case olena alone held as no one's, the two shared ones as marta's", list.Items)
	}
	wantError(t, "re-grant before she has keys", regrantErr(f, marta, olena.Staff.ID, alone, shared1, shared2),
		tropa.ECONFLICT, "ErrStaffNoKeys")

	const newPassword = "a new password after the old one was forgotten"
	f.enrolFirst(t, "olena", reset.EnrolCode, newPassword)
	n, err := f.desk.Regrant(ctx, marta, olena.Staff.ID, []string{alone, shared1, shared2})
	if err != nil || n != 2 {
		t.Fatalf("Regrant = %d, %v; want the 2 cases marta can open", n, err)
	}
	again, err := f.desk.Login(ctx, "olena", newPassword, f.code(t, "olena"))
	if err != nil {
		t.Fatalf("Login with the new password: %v", err)
	}
	readsAll(t, f, again, []string{shared1, shared2})
	if _, err := f.desk.OpenCase(ctx, again, alone); !tropa.IsCode(err, tropa.EFORBIDDEN) {
		t.Errorf("olena opens the case no one could re-grant: %v, want EFORBIDDEN", err)
	}
	if list, err := f.desk.Regrants(ctx, marta, olena.Staff.ID); err != nil || len(list.Items) != 1 || list.Items[0].Request.ID != alone {
		t.Errorf("left to re-grant: %+v, %v; want only the case no one holds", list, err)
	}
	if wraps, totp := opened(t, f.copyDB(t), oldKey); wraps != 0 || totp != 0 {
		t.Errorf("after the re-grant the old key opens %d case keys and %d TOTP secrets", wraps, totp)
	}
	var history []tropa.CaseAction
	c, err := f.desk.OpenCase(ctx, marta, shared1)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range c.History {
		history = append(history, ev.Action)
	}
	if !slices.Contains(history, tropa.CaseRemove) || !slices.Contains(history, tropa.CaseRegrant) {
		t.Errorf("the case's history = %v; want the loss and the re-grant", history)
	}
}

func resetErr(f *fixture, s *desk.Session, id string) error {
	_, err := f.desk.ResetPassword(context.Background(), s, id)
	return err
}

func regrantErr(f *fixture, s *desk.Session, id string, cases ...string) error {
	_, err := f.desk.Regrant(context.Background(), s, id, cases)
	return err
}
