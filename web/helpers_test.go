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
	"tropa/internal/smtptest"
	"tropa/locale"
	"tropa/mail"
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
	where     string // the data directory, or a PostgreSQL URL
	logs      *logBuffer
	tls       bool       // users reach it over HTTPS
	clock     *testClock // the web server's, for rate limits; it stands still
	deskClock *testClock // a millisecond later at every reading
	// cases are the requests newestCase has seen, and the last it gave.
	cases      map[string]bool
	lastCaseID string
	// enrolCodes are the enrolment codes staff were given, by name.
	enrolCodes *sync.Map
	// kdf is the desk's argon2id limiter; receiptParams, when set, the
	// receipts' argon2id cost of the desk open builds.
	kdf           *seal.KDF
	receiptParams seal.Params
	// mailbox receives the notices the desk sends by mail, chats those it
	// sends to Telegram chats.
	mailbox *smtptest.Server
	chats   *chatNotices
}

// added keeps the enrolment code of a staff member just added.
func (ts *testServer) added(a *desk.AddedStaff) { ts.enrolCodes.Store(a.Name, a.EnrolCode) }

// enrolCode is the enrolment code the staff member called name was given.
func (ts *testServer) enrolCode(name string) string {
	code, _ := ts.enrolCodes.Load(name)
	s, _ := code.(string)
	return s
}

func newTestServer(tb testing.TB, opts ...func(*web.Config)) *testServer {
	tb.Helper()
	return newTestServerAt(tb, tb.TempDir(), opts...)
}

// newTestServerAt is newTestServer on the empty database at where: a data
// directory or a PostgreSQL URL.
func newTestServerAt(tb testing.TB, where string, opts ...func(*web.Config)) *testServer {
	tb.Helper()
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ts := &testServer{where: where, logs: &logBuffer{}, clock: &testClock{now: start},
		deskClock: &testClock{now: start, step: time.Millisecond}, enrolCodes: &sync.Map{},
		mailbox: smtptest.Start(tb, smtptest.Plain), chats: &chatNotices{}}
	ts.open(tb, opts)
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
		a, err := ts.desk.AddStaff(ctx, st.s, st.password)
		if err != nil {
			tb.Fatalf("AddStaff(%q): %v", st.s.Name, err)
		}
		ts.added(a)
	}
	return ts
}

// node starts another node of ts's site: its own database connections,
// desk, web server and rate limits, on the same database, with a clock
// that agrees with ts's as synchronised servers' clocks do.
func (ts *testServer) node(tb testing.TB, opts ...func(*web.Config)) *testServer {
	tb.Helper()
	n := &testServer{where: ts.where, logs: &logBuffer{}, clock: ts.clock, deskClock: ts.deskClock, enrolCodes: ts.enrolCodes,
		mailbox: ts.mailbox, chats: ts.chats}
	n.open(tb, opts)
	return n
}

// open connects ts to the database at ts.where and builds its desk and site.
func (ts *testServer) open(tb testing.TB, opts []func(*web.Config)) {
	tb.Helper()
	db, err := store.Open(context.Background(), ts.where)
	if err != nil {
		tb.Fatalf("store.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	ts.store = db
	ts.kdf = seal.NewKDF(2)
	receiptParams := seal.TestParams
	if ts.receiptParams != (seal.Params{}) {
		receiptParams = ts.receiptParams
	}
	mc, err := mail.New(mail.Config{Host: "127.0.0.1", Port: ts.mailbox.Port(), Security: mail.Plain, From: "tropa@example.org"})
	if err != nil {
		tb.Fatalf("mail.New: %v", err)
	}
	noticeText, err := locale.NoticeText()
	if err != nil {
		tb.Fatalf("NoticeText: %v", err)
	}
	ts.desk = desk.New(desk.Config{Store: db, KDF: ts.kdf, ReceiptParams: receiptParams,
		PasswordParams: seal.TestParams, Now: ts.deskClock.Now, NoticeChannels: []desk.NoticeChannel{mc, ts.chats},
		NoticeText: noticeText, StaffURL: "https://staff.example.org/"})
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
