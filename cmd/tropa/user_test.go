package main

import (
	"strings"
	"testing"

	"tropa"
	"tropa/desk"
)

// The last administrator forgot the password: on the server, tropa user
// reset-password destroys the keys and prints a new enrolment code, with
// which a new password is chosen; the old one opens nothing.
func TestUserResetPassword(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustRun(t, "", "init", "--data", dir)
	const old = "anna's first password"
	mustRun(t, old+"\n", "user", "add", "--data", dir, "--name", "anna", "--role", "admin", "--password-stdin")
	out := mustRun(t, "", "user", "reset-password", "--data", dir, "--name", "anna")
	if !strings.Contains(out, "Cases to re-grant to them: 0") {
		t.Errorf("reset-password printed:\n%s\nwant the number of cases to re-grant", out)
	}
	code := enrolCodeIn(t, out)
	noURL := ""
	d, db, err := openDesk(t.Context(), database{dir: &dir, url: &noURL}, 1, desk.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := d.Login(t.Context(), "anna", old, ""); !tropa.IsCode(err, tropa.EUNAUTHORIZED) {
		t.Errorf("Login with the old password after the reset: %v, want EUNAUTHORIZED", err)
	}
	s, err := d.Enrol(t.Context(), "anna", code, "anna's second password")
	if err != nil || !s.EnrolCodeGiven() {
		t.Errorf("Enrol with the printed code: %v", err)
	}
	if _, err := d.ResetPasswordByName(t.Context(), "nobody"); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("reset-password for no one: %v, want ENOTFOUND", err)
	}
}
