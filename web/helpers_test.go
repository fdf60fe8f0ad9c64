package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/seal"
	"tropa/store"
	"tropa/web"
)

// Staff every test server has: an intake caseworker, who receives every
// request, and an analyst, who never reads one.
const (
	caseworkerName     = "Olena"
	caseworkerPassword = "olena walks west at dawn"
	analystName        = "Ivan"
	analystPassword    = "ivan counts the rows twice"
)

// Remote addresses. Loopback is never limited per network (behind Tor every
// applicant arrives from there); the others are.
const (
	loopback    = "127.0.0.1:40000"
	remoteAddr  = "203.0.113.7:1234"
	otherRemote = "198.51.100.9:1"
)

// testClock is a clock tests control. Every reading is step later than the
// one before; Advance moves it further.
type testClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.step)
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// logBuffer collects what the server logs.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testServer is the whole site on an initialised desk in its own data
// directory, with a caseworker and an analyst.
type testServer struct {
	handler   http.Handler
	server    *web.Server
	desk      *desk.Desk
	store     *store.DB
	dir       string // the data directory
	logs      *logBuffer
	tls       bool       // users reach it over HTTPS
	clock     *testClock // the web server's, for rate limits; it stands still
	deskClock *testClock // a millisecond later at every reading
}

func newTestServer(tb testing.TB, opts ...func(*web.Config)) *testServer {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	db, err := store.OpenSQLite(ctx, dir)
	if err != nil {
		tb.Fatalf("OpenSQLite: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ts := &testServer{store: db, dir: dir, logs: &logBuffer{},
		clock: &testClock{now: start}, deskClock: &testClock{now: start, step: time.Millisecond}}
	ts.desk = desk.New(desk.Config{Store: db, KDF: seal.NewKDF(2), ReceiptParams: seal.TestParams,
		PasswordParams: seal.TestParams, Now: ts.deskClock.Now})
	if _, err := ts.desk.Init(ctx); err != nil {
		tb.Fatalf("Init: %v", err)
	}
	staff := []struct {
		s        tropa.Staff
		password string
	}{
		{tropa.Staff{Name: caseworkerName, Role: tropa.RoleCaseworker, Intake: true}, caseworkerPassword},
		{tropa.Staff{Name: analystName, Role: tropa.RoleAnalyst}, analystPassword},
	}
	for _, st := range staff {
		if _, err := ts.desk.AddStaff(ctx, st.s, st.password); err != nil {
			tb.Fatalf("AddStaff(%q): %v", st.s.Name, err)
		}
	}
	cfg := web.Config{Desk: ts.desk, Logger: slog.New(slog.NewJSONHandler(ts.logs, nil)), Now: ts.clock.Now}
	for _, o := range opts {
		o(&cfg)
	}
	ts.tls = cfg.TLS
	ts.server, err = web.New(cfg)
	if err != nil {
		tb.Fatalf("web.New: %v", err)
	}
	ts.handler = ts.server.Handler()
	return ts
}

func withTLS(c *web.Config) { c.TLS = true }

// storedRequests lists every request in the store: each is wrapped to the
// organization's recovery key.
func (ts *testServer) storedRequests(tb testing.TB) []tropa.Request {
	tb.Helper()
	list, err := ts.store.Queue(context.Background(), tropa.QueueFilter{Holder: tropa.HolderRecovery, Limit: 1000})
	if err != nil {
		tb.Fatalf("Queue(recovery): %v", err)
	}
	return list
}

// staffID is the id of the staff member called name.
func (ts *testServer) staffID(tb testing.TB, name string) string {
	tb.Helper()
	s, err := ts.store.StaffByName(context.Background(), name)
	if err != nil {
		tb.Fatalf("StaffByName(%q): %v", name, err)
	}
	return s.ID
}
