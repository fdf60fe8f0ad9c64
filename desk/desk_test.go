package desk_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	_ "modernc.org/sqlite"

	"tropa"
	"tropa/desk"
	"tropa/seal"
	"tropa/store"
)

// clock is the desk's clock in tests. Every reading is a millisecond later
// than the one before, so that what the desk writes orders as it was written;
// Advance moves it further.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Millisecond)
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is an initialised desk on a store in its own data directory.
type fixture struct {
	desk  *desk.Desk
	store *store.DB
	// where is the database: a data directory (dir) or a PostgreSQL URL.
	where    string
	dir      string
	clock    *clock
	recovery string // the recovery secret Init printed
	// totpSecrets holds each enrolled staff member's TOTP secret, by name,
	// as their authenticator app would.
	totpSecrets map[string]string
	// enrolCodes holds the enrolment code each staff member was given.
	enrolCodes map[string]string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureAt(t, t.TempDir())
}

// newFixtureAt is newFixture on the database where names, for store.Open.
func newFixtureAt(t testing.TB, where string) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, where)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	c := &clock{now: time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)}
	d := desk.New(desk.Config{Store: db, KDF: seal.NewKDF(2), ReceiptParams: seal.TestParams,
		PasswordParams: seal.TestParams, Now: c.Now})
	recovery, err := d.Init(ctx)
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	f := &fixture{desk: d, store: db, where: where, clock: c, recovery: recovery, totpSecrets: map[string]string{},
		enrolCodes: map[string]string{}}
	if !store.IsPostgresURL(where) {
		f.dir = where
	}
	return f
}

// password is the staff member's password in every test.
func password(name string) string { return name + " walks west at dawn" }

func (f *fixture) addStaff(t testing.TB, name string, role tropa.Role, intake bool) *tropa.Staff {
	t.Helper()
	s, err := f.desk.AddStaff(context.Background(), tropa.Staff{Name: name, Role: role, Intake: intake}, password(name))
	if err != nil {
		t.Fatalf("AddStaff(%q): %v", name, err)
	}
	f.enrolCodes[name] = s.EnrolCode
	return &s.Staff
}

// enroll logs a new staff member in for the first time, enrols their TOTP
// secret and returns the session, which may then do everything.
func (f *fixture) enroll(t testing.TB, name string) *desk.Session {
	t.Helper()
	ctx := context.Background()
	s, err := f.desk.Login(ctx, name, password(name), "")
	if err != nil {
		t.Fatalf("first Login(%q): %v", name, err)
	}
	if s.Stage != tropa.SessionEnroll {
		t.Fatalf("first Login(%q) stage = %q, want %q", name, s.Stage, tropa.SessionEnroll)
	}
	key, err := f.desk.PendingTOTP(ctx, s)
	if err != nil {
		t.Fatalf("PendingTOTP(%q): %v", name, err)
	}
	code, err := totp.GenerateCode(key.Secret(), f.clock.Now())
	if err != nil {
		t.Fatalf("GenerateCode: %v", err)
	}
	if err := f.desk.ConfirmTOTP(ctx, s, f.enrolCodes[name], code); err != nil {
		t.Fatalf("ConfirmTOTP(%q): %v", name, err)
	}
	f.totpSecrets[name] = key.Secret()
	return s
}

// caseworker adds an intake caseworker and enrols them.
func (f *fixture) caseworker(t testing.TB, name string) *desk.Session {
	t.Helper()
	f.addStaff(t, name, tropa.RoleCaseworker, true)
	return f.enroll(t, name)
}

// code waits for the next TOTP time step, as a person whose last code was
// just used must, and returns the code an enrolled staff member's app shows.
func (f *fixture) code(t *testing.T, name string) string {
	t.Helper()
	f.clock.Advance(30 * time.Second)
	code, err := totp.GenerateCode(f.totpSecrets[name], f.clock.Now())
	if err != nil {
		t.Fatalf("GenerateCode(%q): %v", name, err)
	}
	return code
}

func submission(contact, message string) tropa.Submission {
	return tropa.Submission{Kind: tropa.KindLeaveUnit, Situation: tropa.SituationFront, Channel: tropa.ChannelWeb,
		Contact: contact, Message: message}
}

// submit sends a request and returns its receipt and id.
func (f *fixture) submit(t testing.TB, sub tropa.Submission) (seal.Receipt, string) {
	t.Helper()
	ctx := context.Background()
	r, err := f.desk.Submit(ctx, sub)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	th, err := f.desk.ApplicantThread(ctx, r.String())
	if err != nil {
		t.Fatalf("ApplicantThread after Submit: %v", err)
	}
	return r, th.Request.ID
}

// rawDB opens a second handle on the database file, as someone holding the
// disk would.
func (f *fixture) rawDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(f.dir, store.DBFile)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatalf("open database file: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// exec runs one statement on the database file and fails the test unless it
// changed exactly one row.
func (f *fixture) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	res, err := f.rawDB(t).Exec(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("%s changed %d rows (%v), want 1", query, n, err)
	}
}

// wantError fails the test unless err is a *tropa.Error with code and
// messageID.
func wantError(t *testing.T, what string, err error, code, messageID string) {
	t.Helper()
	var e *tropa.Error
	if !errors.As(err, &e) || e.Code != code || e.MessageID != messageID {
		t.Errorf("%s: error = %v, want code %q message %q", what, err, code, messageID)
	}
}

// openThread opens a case for s and returns its thread.
func openThread(ctx context.Context, f *fixture, s *desk.Session, requestID string) (*tropa.Thread, error) {
	c, err := f.desk.OpenCase(ctx, s, requestID)
	if err != nil {
		return nil, err
	}
	return &c.Thread, nil
}
