package desk_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"tropa"
	"tropa/desk"
	"tropa/store/storetest"
)

// The adversary of these tests phished a staff member's password and holds
// a copy of the database from before it was changed (a backup, a disk
// image). From that copy and that password he opens the old private key;
// then he takes the database as it is after the change and tries that key
// on every case key and TOTP secret in it.

// readsAll fails the test unless s opens every one of cases.
func readsAll(t *testing.T, f *fixture, s *desk.Session, cases []string) {
	t.Helper()
	for _, id := range cases {
		if _, err := f.desk.OpenCase(context.Background(), s, id); err != nil {
			t.Fatalf("OpenCase(%s) with the new key: %v", id, err)
		}
	}
}

// rotationCase is one way a staff member's key pair is replaced: it
// returns a session of theirs afterwards and their password then.
type rotationCase struct {
	name   string
	rotate func(t *testing.T, f *fixture, olena *desk.Session) (*desk.Session, string)
}

var rotations = []rotationCase{
	{"password change", func(t *testing.T, f *fixture, olena *desk.Session) (*desk.Session, string) {
		next := "a brand new password nobody phished"
		if err := f.desk.ChangePassword(context.Background(), olena, password("olena"), next); err != nil {
			t.Fatalf("ChangePassword: %v", err)
		}
		return olena, next
	}},
	{"asked for", func(t *testing.T, f *fixture, olena *desk.Session) (*desk.Session, string) {
		if err := f.desk.RotateKeys(context.Background(), olena, password("olena")); err != nil {
			t.Fatalf("RotateKeys: %v", err)
		}
		return olena, password("olena")
	}},
	{"suspected compromise", func(t *testing.T, f *fixture, olena *desk.Session) (*desk.Session, string) {
		ctx := context.Background()
		f.addStaff(t, "marta", tropa.RoleCoordinator, false)
		marta := f.enroll(t, "marta")
		if err := f.desk.SuspectCompromise(ctx, marta, olena.Staff.ID); err != nil {
			t.Fatalf("SuspectCompromise: %v", err)
		}
		if _, err := f.desk.Session(ctx, olena.Token()); !tropa.IsCode(err, tropa.EUNAUTHORIZED) {
			t.Errorf("olena's session after the mark: %v, want it ended", err)
		}
		s, err := f.desk.Login(ctx, "olena", password("olena"), f.code(t, "olena"))
		if err != nil {
			t.Fatalf("Login after the mark: %v", err)
		}
		return s, password("olena")
	}},
	{"TOTP reset", func(t *testing.T, f *fixture, olena *desk.Session) (*desk.Session, string) {
		ctx := context.Background()
		f.addStaff(t, "admin", tropa.RoleAdmin, false)
		admin := f.enroll(t, "admin")
		code, err := f.desk.ResetTOTP(ctx, admin, olena.Staff.ID)
		if err != nil {
			t.Fatalf("ResetTOTP: %v", err)
		}
		f.enrolCodes["olena"] = code
		f.enroll(t, "olena")
		s, err := f.desk.Login(ctx, "olena", password("olena"), f.code(t, "olena"))
		if err != nil {
			t.Fatalf("Login with the TOTP enrolled after the reset: %v", err)
		}
		return s, password("olena")
	}},
}

func TestRotationLocksOutTheOldKey(t *testing.T) {
	t.Parallel()
	for _, rc := range rotations {
		t.Run(rc.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, b storetest.Backend) {
				t.Parallel()
				testRotationLocksOutTheOldKey(t, newFixtureAt(t, b.New(t)), rc)
			})
		})
	}
}

func testRotationLocksOutTheOldKey(t *testing.T, f *fixture, rc rotationCase) {
	ctx := context.Background()
	olena := f.caseworker(t, "olena")
	var cases []string
	for i := range 3 {
		_, id := f.submit(t, submission(fmt.Sprintf("@soldier_%d", i), "Помогите выйти"))
		cases = append(cases, id)
	}

	before := f.copyDB(t)
	oldKey := stealKey(t, before, olena.Staff.ID, password("olena"))
	if wraps, totp := opened(t, before, oldKey); wraps != len(cases) || totp != 1 {
		t.Fatalf("the stolen key opens %d case keys and %d TOTP secrets of the copy; the attack needs %d and 1",
			wraps, totp, len(cases))
	}

	s, newPassword := rc.rotate(t, f, olena)

	now := f.raw(t)
	if wraps, totp := opened(t, now, oldKey); wraps != 0 || totp != 0 {
		t.Errorf("after the rotation the old key still opens %d case keys and %d TOTP secrets", wraps, totp)
	}
	if pk := publicKey(t, now, olena.Staff.ID); pk == oldKey.Recipient() || pk != s.Staff.PublicKey {
		t.Errorf("public key after the rotation = %s; want a new one, the session's %s", pk, s.Staff.PublicKey)
	}
	var held int
	if err := now.QueryRow(`SELECT count(*) FROM key_wraps WHERE holder = $1`, olena.Staff.ID).Scan(&held); err != nil || held != len(cases) {
		t.Errorf("olena holds %d case keys (%v), want %d", held, err, len(cases))
	}
	// The new key opens her cases in the session the rotation left her,
	// as its row now holds it, and at her next login with the password she
	// has now.
	s, err := f.desk.Session(ctx, s.Token())
	if err != nil {
		t.Fatalf("the session after the rotation: %v", err)
	}
	readsAll(t, f, s, cases)
	again, err := f.desk.Login(ctx, "olena", newPassword, f.code(t, "olena"))
	if err != nil {
		t.Fatalf("Login after the rotation: %v", err)
	}
	readsAll(t, f, again, cases)
	if wraps, _ := opened(t, now, stealKey(t, now, olena.Staff.ID, newPassword)); wraps != len(cases) {
		t.Errorf("the new key opens %d case keys, want olena's %d", wraps, len(cases))
	}
	// A new request is wrapped to the new key.
	_, fresh := f.submit(t, submission("@later", "Ещё один"))
	readsAll(t, f, again, []string{fresh})
	if wraps, _ := opened(t, now, oldKey); wraps != 0 {
		t.Errorf("the old key opens %d case keys after a new request came in", wraps)
	}
}

// failingStore fails every Rewrap after the first few, as a rotation cut
// short by a crash or a lost database would.
type failingStore struct {
	tropa.Store
	batches int
}

var errCutShort = errors.New("the server went down")

func (s *failingStore) Rewrap(ctx context.Context, wraps []tropa.Rewrap) (int64, error) {
	if s.batches == 0 {
		return 0, errCutShort
	}
	s.batches--
	return s.Store.Rewrap(ctx, wraps)
}

func TestRotationCutShortResumes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		t.Parallel()
		testRotationCutShortResumes(t, newFixtureAt(t, b.New(t)))
	})
}

func testRotationCutShortResumes(t *testing.T, f *fixture) {
	ctx := context.Background()
	olena := f.caseworker(t, "olena")
	// More cases than one batch re-wraps.
	const held = 300
	var cases []string
	for i := range held {
		_, id := f.submit(t, submission(fmt.Sprintf("@soldier_%d", i), "Помогите"))
		cases = append(cases, id)
	}
	oldKey := stealKey(t, f.copyDB(t), olena.Staff.ID, password("olena"))
	next := "a brand new password nobody phished"

	f.desk.SetStore(&failingStore{Store: f.store, batches: 1})
	if err := f.desk.ChangePassword(ctx, olena, password("olena"), next); !errors.Is(err, errCutShort) {
		t.Fatalf("ChangePassword cut short: %v, want it to fail", err)
	}
	f.desk.SetStore(f.store)

	// Cut short: some keys are wrapped to the new key pair, the rest still
	// to the old one, which the row and the session still hold.
	now := f.raw(t)
	if wraps, _ := opened(t, now, oldKey); wraps == 0 || wraps == held {
		t.Errorf("cut short after one batch, the old key opens %d of %d case keys; want some", wraps, held)
	}
	s, err := f.desk.Session(ctx, olena.Token())
	if err != nil {
		t.Fatalf("the session that changed the password, cut short: %v", err)
	}
	readsAll(t, f, s, cases)
	_, fresh := f.submit(t, submission("@during", "Пока ключи меняются"))
	readsAll(t, f, s, []string{fresh})
	if _, err := f.desk.Login(ctx, "olena", password("olena"), f.code(t, "olena")); err == nil {
		t.Error("the old password still logs in after a rotation cut short")
	}

	// The next login finishes the rotation before the session starts.
	again, err := f.desk.Login(ctx, "olena", next, f.code(t, "olena"))
	if err != nil {
		t.Fatalf("Login after the rotation was cut short: %v", err)
	}
	if wraps, totp := opened(t, now, oldKey); wraps != 0 || totp != 0 {
		t.Errorf("after the resumed rotation the old key opens %d case keys and %d TOTP secrets", wraps, totp)
	}
	var old int
	if err := now.QueryRow(`SELECT count(*) FROM staff WHERE sealed_private_old IS NOT NULL`).Scan(&old); err != nil || old != 0 {
		t.Errorf("%d staff rows (%v) still hold an old private key", old, err)
	}
	if err := now.QueryRow(`SELECT count(*) FROM sessions WHERE sealed_old_identity IS NOT NULL`).Scan(&old); err != nil || old != 0 {
		t.Errorf("%d sessions (%v) still hold an old private key", old, err)
	}
	readsAll(t, f, again, append(cases, fresh))
	readsAll(t, f, s, append(cases, fresh))
}

// rotatingStore replaces olena's keys just before the first request is
// written: after intake wrapped its key to her public key, before the
// wrap reaches the database, as happens when intake waits for argon2id
// under a flood while she changes her password.
type rotatingStore struct {
	tropa.Store
	rotate func() error
}

func (s *rotatingStore) CreateRequest(ctx context.Context, n *tropa.NewRequest) error {
	if rotate := s.rotate; rotate != nil {
		s.rotate = nil
		if err := rotate(); err != nil {
			return err
		}
	}
	return s.Store.CreateRequest(ctx, n)
}

func TestRotationRacesIntake(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		t.Parallel()
		ctx := context.Background()
		f := newFixtureAt(t, b.New(t))
		olena := f.caseworker(t, "olena")
		oldKey := stealKey(t, f.raw(t), olena.Staff.ID, password("olena"))
		f.desk.SetStore(&rotatingStore{Store: f.store, rotate: func() error {
			return f.desk.RotateKeys(ctx, olena, password("olena"))
		}})
		_, id := f.submit(t, submission("@in_flight", "Отправлено во время смены ключей"))
		f.desk.SetStore(f.store)
		if olena.Staff.PublicKey == oldKey.Recipient() {
			t.Fatal("the rotation did not run")
		}
		if wraps, _ := opened(t, f.raw(t), oldKey); wraps != 0 {
			t.Errorf("the old key opens %d case keys: a request in flight was wrapped to it", wraps)
		}
		readsAll(t, f, olena, []string{id})
	})
}
