package desk_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"tropa"
	"tropa/seal"
)

func TestFirstLoginEnrolsTOTP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.addStaff(t, "ivan", tropa.RoleCaseworker, true)
	_, requestID := f.submit(t, submission("contact", "message"))

	s, err := f.desk.Login(ctx, "ivan", password("ivan"), "")
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if s.Stage != tropa.SessionEnroll {
		t.Fatalf("stage = %q, want %q", s.Stage, tropa.SessionEnroll)
	}
	_, err = f.desk.Queue(ctx, s, tropa.QueueFilter{})
	wantError(t, "Inbox before enrolling", err, tropa.EFORBIDDEN, "ErrRoleForbidden")
	_, err = openThread(ctx, f, s, requestID)
	wantError(t, "OpenRequest before enrolling", err, tropa.EFORBIDDEN, "ErrRoleForbidden")

	key, err := f.desk.PendingTOTP(ctx, s)
	if err != nil {
		t.Fatalf("PendingTOTP: %v", err)
	}
	if key.Issuer() != "tropa" || key.AccountName() != "ivan" {
		t.Errorf("authenticator shows %q / %q, want tropa / ivan", key.Issuer(), key.AccountName())
	}
	code, err := totp.GenerateCode(key.Secret(), f.clock.Now())
	if err != nil {
		t.Fatalf("GenerateCode: %v", err)
	}
	wrong := otherDigit(code)
	wantError(t, "ConfirmTOTP with a wrong code", f.desk.ConfirmTOTP(ctx, s, f.enrolCodes["ivan"], wrong), tropa.EINVALID, "ErrTOTPWrong")
	if err := f.desk.ConfirmTOTP(ctx, s, f.enrolCodes["ivan"], code); err != nil {
		t.Fatalf("ConfirmTOTP: %v", err)
	}
	if s.Stage != tropa.SessionFull {
		t.Errorf("stage after ConfirmTOTP = %q, want %q", s.Stage, tropa.SessionFull)
	}
	again, err := f.desk.Session(ctx, s.Token())
	if err != nil || again.Stage != tropa.SessionFull {
		t.Fatalf("Session after enrolling = %+v, %v; want stage full", again, err)
	}
	if list, err := f.desk.Queue(ctx, again, tropa.QueueFilter{}); err != nil || len(list) != 1 || list[0].ID != requestID {
		t.Errorf("Inbox after enrolling = %+v, %v; want the request", list, err)
	}
}

func TestLoginFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.caseworker(t, "ivan")
	f.caseworker(t, "olga")
	f.exec(t, `UPDATE staff SET active = $1 WHERE name = $2`, false, "olga")

	tests := []struct {
		name string
		// login tries to log in and returns the error of the attempt that
		// must fail.
		login func(t *testing.T) error
	}{
		{"wrong password", func(t *testing.T) error {
			_, err := f.desk.Login(ctx, "ivan", password("olga"), f.code(t, "ivan"))
			return err
		}},
		{"unknown name", func(t *testing.T) error {
			_, err := f.desk.Login(ctx, "mallory", password("mallory"), f.code(t, "ivan"))
			return err
		}},
		{"no TOTP code", func(t *testing.T) error {
			_, err := f.desk.Login(ctx, "ivan", password("ivan"), "")
			return err
		}},
		{"wrong TOTP code", func(t *testing.T) error {
			_, err := f.desk.Login(ctx, "ivan", password("ivan"), otherDigit(f.code(t, "ivan")))
			return err
		}},
		{"replayed TOTP code", func(t *testing.T) error {
			code := f.code(t, "ivan")
			if _, err := f.desk.Login(ctx, "ivan", password("ivan"), code); err != nil {
				t.Fatalf("first Login with the code: %v", err)
			}
			_, err := f.desk.Login(ctx, "ivan", password("ivan"), code)
			return err
		}},
		{"deactivated", func(t *testing.T) error {
			_, err := f.desk.Login(ctx, "olga", password("olga"), f.code(t, "olga"))
			return err
		}},
	}
	// Every failure reads the same, so that none tells what was wrong.
	texts := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.login(t)
			wantError(t, "Login", err, tropa.EUNAUTHORIZED, "ErrLoginFailed")
			if err != nil {
				texts[err.Error()] = true
			}
		})
	}
	if len(texts) > 1 {
		t.Errorf("login failures differ: %v", texts)
	}

	s, err := f.desk.Login(ctx, "ivan", password("ivan"), f.code(t, "ivan"))
	if err != nil || s.Stage != tropa.SessionFull {
		t.Errorf("Login with everything right = %+v, %v; want a full session", s, err)
	}
}

func TestSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name string
		// use does what the user does after logging in and returns the
		// token the browser then sends.
		use    func(t *testing.T, f *fixture, token string) string
		wantOK bool
	}{
		{"fresh", func(t *testing.T, f *fixture, token string) string { return token }, true},
		{"used within the idle timeout", func(t *testing.T, f *fixture, token string) string {
			for range 3 {
				f.clock.Advance(f.desk.Config().IdleTimeout - time.Minute)
				if _, err := f.desk.Session(ctx, token); err != nil {
					t.Fatalf("Session before the idle timeout: %v", err)
				}
			}
			f.clock.Advance(f.desk.Config().IdleTimeout - time.Minute)
			return token
		}, true},
		{"idle too long", func(t *testing.T, f *fixture, token string) string {
			f.clock.Advance(f.desk.Config().IdleTimeout + time.Second)
			return token
		}, false},
		{"older than the maximum age", func(t *testing.T, f *fixture, token string) string {
			step := f.desk.Config().IdleTimeout / 2
			for range f.desk.Config().MaxSessionAge/step - 1 {
				f.clock.Advance(step)
				if _, err := f.desk.Session(ctx, token); err != nil {
					t.Fatalf("Session within the maximum age: %v", err)
				}
			}
			f.clock.Advance(step + time.Minute)
			return token
		}, false},
		{"key changed", func(t *testing.T, f *fixture, token string) string {
			id, _, _ := strings.Cut(token, ".")
			k := seal.NewKey()
			return id + "." + base64.RawURLEncoding.EncodeToString(k[:])
		}, false},
		{"id changed", func(t *testing.T, f *fixture, token string) string {
			_, key, _ := strings.Cut(token, ".")
			return tropa.NewID() + "." + key
		}, false},
		{"not a token", func(t *testing.T, f *fixture, token string) string { return "not-a-token" }, false},
		{"logged out", func(t *testing.T, f *fixture, token string) string {
			s, err := f.desk.Session(ctx, token)
			if err != nil {
				t.Fatalf("Session: %v", err)
			}
			if err := f.desk.Logout(ctx, s); err != nil {
				t.Fatalf("Logout: %v", err)
			}
			return token
		}, false},
		{"staff deactivated", func(t *testing.T, f *fixture, token string) string {
			f.exec(t, `UPDATE staff SET active = $1 WHERE name = $2`, false, "ivan")
			return token
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			token := f.caseworker(t, "ivan").Token()
			s, err := f.desk.Session(ctx, tt.use(t, f, token))
			if tt.wantOK {
				if err != nil || s.Staff.Name != "ivan" || s.Stage != tropa.SessionFull {
					t.Fatalf("Session = %+v, %v; want ivan's full session", s, err)
				}
				if _, err := f.desk.Queue(ctx, s, tropa.QueueFilter{}); err != nil {
					t.Errorf("Inbox with the session: %v", err)
				}
				return
			}
			if !tropa.IsCode(err, tropa.EUNAUTHORIZED) {
				t.Fatalf("Session = %+v, %v; want EUNAUTHORIZED", s, err)
			}
		})
	}
}

// TestTamperedTokenLeavesSession checks that sending a session's id with a
// wrong key neither opens the session nor ends it for its owner.
func TestTamperedTokenLeavesSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	token := f.caseworker(t, "ivan").Token()
	id, _, _ := strings.Cut(token, ".")
	k := seal.NewKey()
	if _, err := f.desk.Session(ctx, id+"."+base64.RawURLEncoding.EncodeToString(k[:])); !tropa.IsCode(err, tropa.EUNAUTHORIZED) {
		t.Fatalf("Session with a wrong key: error = %v, want EUNAUTHORIZED", err)
	}
	if _, err := f.desk.Session(ctx, token); err != nil {
		t.Errorf("Session with the right token after a wrong one: %v", err)
	}
}

// TestStaleEnrolSessionCannotReplaceTOTP logs in with the password alone
// before the staff member enrols, as someone who learnt the password could,
// and keeps that session: once the staff member has enrolled, it must not
// be able to enrol a TOTP secret of its own.
func TestStaleEnrolSessionCannotReplaceTOTP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.addStaff(t, "ivan", tropa.RoleCaseworker, true)
	stale, err := f.desk.Login(ctx, "ivan", password("ivan"), "")
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	f.enroll(t, "ivan")

	// Refusing already at PendingTOTP is as good as at ConfirmTOTP.
	if key, err := f.desk.PendingTOTP(ctx, stale); err == nil {
		code, err := totp.GenerateCode(key.Secret(), f.clock.Now())
		if err != nil {
			t.Fatalf("GenerateCode: %v", err)
		}
		if err := f.desk.ConfirmTOTP(ctx, stale, f.enrolCodes["ivan"], code); err == nil {
			t.Fatalf("BUG: an enrol session opened before ivan enrolled replaced his TOTP secret afterwards and became "+
				"a full session (stage %q) without his second factor; ConfirmTOTP / store.CompleteEnrollment must refuse "+
				"once the staff member is enrolled", stale.Stage)
		}
	}
	if _, err := f.desk.Login(ctx, "ivan", password("ivan"), f.code(t, "ivan")); err != nil {
		t.Errorf("ivan cannot log in with his own authenticator after the refused enrolment: %v", err)
	}
}
