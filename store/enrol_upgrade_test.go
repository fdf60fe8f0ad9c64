package store_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/store"
	"tropa/store/storetest"
)

func TestUpgradeToEnrolCodes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testUpgradeToEnrolCodes)
}

// A staff member who had not enrolled TOTP before enrolment codes existed
// has none after the upgrade, so the password alone enrols nothing; a
// reset gives one. Those enrolled keep their TOTP.
func testUpgradeToEnrolCodes(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	where := b.New(t)
	old, err := store.OpenForLoad(ctx, where)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.MigrateTo(ctx, old, 7); err != nil {
		t.Fatalf("migrate to 7: %v", err)
	}
	for _, st := range []struct {
		id, name string
		totp     []byte
	}{{"id-olena", "olena", nil}, {"id-ivan", "ivan", []byte("ivan's sealed TOTP")}} {
		if _, err := store.Writer(old).ExecContext(ctx, `INSERT INTO staff (id, name, role, intake, active, public_key,
			kdf, salt, sealed_private, sealed_totp, totp_last_step, created_at)
			VALUES ($1, $2, 'caseworker', TRUE, TRUE, 'age1-key', 'argon2id', $3, $4, $5, 0, 1)`,
			st.id, st.name, []byte("salt"), []byte("sealed private"), st.totp); err != nil {
			t.Fatalf("insert %s at version 7: %v", st.name, err)
		}
	}
	if _, err := store.Writer(old).ExecContext(ctx, `INSERT INTO sessions (id, staff_id, stage, sealed_identity,
		created_at, last_seen_at) VALUES ('s1', 'id-olena', 'enroll', $1, 1, 1)`, []byte("sealed identity")); err != nil {
		t.Fatal(err)
	}
	old.Close()

	s := storetest.Open(t, where)
	olena, err := s.StaffByName(ctx, "olena")
	if err != nil || olena.EnrolCode.Hash != nil || !olena.EnrolCode.ExpiresAt.IsZero() || olena.TOTPEnrolled {
		t.Fatalf("olena after the upgrade = %+v, %v; want no code, not enrolled", olena, err)
	}
	if ivan, err := s.StaffByName(ctx, "ivan"); err != nil || !ivan.TOTPEnrolled {
		t.Errorf("ivan after the upgrade = %+v, %v; want still enrolled", ivan, err)
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ev := tropa.AuditEvent{At: at, Actor: "id-olena", Action: tropa.ActionTOTPEnroll}
	for _, hash := range [][]byte{nil, {}} {
		if err := s.CompleteEnrollment(ctx, &tropa.Enrollment{SessionID: "s1", SealedTOTP: []byte("x"), CodeHash: hash}, ev); !tropa.IsCode(err, tropa.ECONFLICT) {
			t.Errorf("enrolment of olena with code hash %q after the upgrade: %v, want ECONFLICT", hash, err)
		}
	}
	code := tropa.EnrolCode{Hash: []byte("new code's hash"), ExpiresAt: at.Add(time.Hour)}
	if err := s.ResetTOTP(ctx, "id-olena", code, tropa.AuditEvent{At: at, Actor: "cli", Action: tropa.ActionTOTPReset}); err != nil {
		t.Fatalf("ResetTOTP: %v", err)
	}
	rec := newSession("id-olena", tropa.SessionEnroll, at)
	mustCreateSession(t, s, rec)
	if err := s.CompleteEnrollment(ctx, &tropa.Enrollment{SessionID: rec.ID, SealedTOTP: []byte("x"), CodeHash: code.Hash}, ev); err != nil {
		t.Errorf("enrolment of olena with the code a reset gave: %v", err)
	}
}
