package store_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/store"
	"tropa/store/storetest"
)

// The tests in this package go through the tropa.Store interface wherever
// they can, and each runs on SQLite and on PostgreSQL (storetest.Each).

// mustOpenStore opens a fresh database of backend b and closes it when the
// test ends.
func mustOpenStore(tb testing.TB, b storetest.Backend) *store.DB {
	tb.Helper()
	return storetest.Open(tb, b.New(tb))
}

// base is the instant the fixtures are made at. It carries nanoseconds,
// which a store drops: it keeps microseconds.
var base = time.Date(2025, 6, 1, 10, 0, 0, 123456789, time.UTC)

// newStaff returns an active staff record whose sealed fields are stand-in
// bytes: a store never looks inside them.
func newStaff(name string, role tropa.Role, intake bool) *tropa.StaffRecord {
	return &tropa.StaffRecord{
		Staff: tropa.Staff{ID: tropa.NewID(), Name: name, Role: role, Intake: intake, Active: true,
			PublicKey: "age1-" + name, CreatedAt: base},
		KDF:           "argon2id$v=19$m=64,t=1,p=1",
		Salt:          []byte("salt of " + name),
		SealedPrivate: []byte("sealed private key of " + name),
		EnrolCode:     tropa.EnrolCode{Hash: enrolHash(name), ExpiresAt: base.Add(72 * time.Hour).Truncate(time.Microsecond)},
	}
}

// enrolHash stands for the hash of a staff member's enrolment code.
func enrolHash(name string) []byte { return []byte("enrol code hash of " + name) }

func mustCreateStaff(tb testing.TB, s tropa.Store, rec *tropa.StaffRecord) {
	tb.Helper()
	ev := tropa.AuditEvent{At: rec.CreatedAt, Actor: "cli", Action: tropa.ActionStaffAdd, Detail: string(rec.Role)}
	if err := s.CreateStaff(context.Background(), rec, ev); err != nil {
		tb.Fatalf("CreateStaff(%q): %v", rec.Name, err)
	}
}

// newRequest returns a request made at at, with its first message, its key
// wrapped to every holder, and a receipt.
func newRequest(at time.Time, urgency tropa.Urgency, holders ...string) *tropa.NewRequest {
	id := tropa.NewID()
	n := &tropa.NewRequest{
		Request: tropa.RequestRecord{
			Request: tropa.Request{ID: id, Ref: tropa.NewID(), Kind: tropa.KindLegal, Situation: tropa.SituationLeave,
				Channel: tropa.ChannelWeb, Stage: tropa.StageNew, Urgency: urgency, CreatedAt: at, LastApplicantAt: at},
			SealedContact: []byte("sealed contact of " + id),
		},
		First: tropa.MessageRecord{ID: tropa.NewID(), RequestID: id, Author: tropa.AuthorApplicant, CreatedAt: at,
			SealedBody: []byte("sealed first message of " + id)},
		Receipt: tropa.ReceiptRecord{Lookup: tropa.NewID(), RequestID: id, KDF: "argon2id$v=19$m=64,t=1,p=1",
			Salt: []byte("receipt salt"), Verifier: []byte("verifier of " + id), SealedKey: []byte("receipt wrap of " + id),
			CreatedAt: at},
	}
	for _, h := range holders {
		n.Wraps = append(n.Wraps, tropa.KeyWrap{RequestID: id, Holder: h, Wrapped: []byte("wrapped to " + h), CreatedAt: at})
	}
	return n
}

func mustCreateRequest(tb testing.TB, s tropa.Store, n *tropa.NewRequest) {
	tb.Helper()
	mustHaveHolders(tb, s, n.Wraps)
	if err := s.CreateRequest(context.Background(), n); err != nil {
		tb.Fatalf("CreateRequest: %v", err)
	}
}

// mustHaveHolders makes an active staff member, whose id is the holder's,
// for each holder of wraps that is not one yet: a store gives keys only to
// active staff and the recovery key.
func mustHaveHolders(tb testing.TB, s tropa.Store, wraps []tropa.KeyWrap) {
	tb.Helper()
	for _, w := range wraps {
		if w.Holder == tropa.HolderRecovery {
			continue
		}
		_, err := s.StaffByID(context.Background(), w.Holder)
		if tropa.IsCode(err, tropa.ENOTFOUND) {
			rec := newStaff("holder "+w.Holder, tropa.RoleCaseworker, false)
			rec.ID = w.Holder
			mustCreateStaff(tb, s, rec)
		} else if err != nil {
			tb.Fatalf("StaffByID(%q): %v", w.Holder, err)
		}
	}
}

// auditLength is the number of entries the audit head records.
func auditLength(tb testing.TB, s tropa.Store) int64 {
	tb.Helper()
	seq, _, err := s.AuditHead(context.Background())
	if err != nil {
		tb.Fatalf("AuditHead: %v", err)
	}
	return seq
}

func TestSettings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testSettings)
}

func testSettings(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)

	if v, err := s.Setting(ctx, "org_name"); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Fatalf("Setting of an unset key = %q, %v; want ENOTFOUND", v, err)
	}
	for _, want := range []string{"first", "replaced", ""} {
		if err := s.SetSetting(ctx, "org_name", want); err != nil {
			t.Fatalf("SetSetting(%q): %v", want, err)
		}
		if got, err := s.Setting(ctx, "org_name"); err != nil || got != want {
			t.Fatalf("Setting after SetSetting(%q) = %q, %v", want, got, err)
		}
	}
	if v, err := s.Setting(ctx, "other"); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Fatalf("Setting of another key = %q, %v; want ENOTFOUND", v, err)
	}
}

// TestReopen opens the same data directory again and again: the data stays,
// and migrating a database already up to date changes nothing.
func TestReopen(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testReopen)
}

func testReopen(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	dir := b.New(t)
	alice := newStaff("alice", tropa.RoleCaseworker, true)
	n := newRequest(base, tropa.UrgencyHigh, alice.ID)

	db, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	mustCreateStaff(t, db, alice)
	mustCreateRequest(t, db, n)
	if err := db.SetSetting(ctx, "org_name", "Idite Lesom"); err != nil {
		t.Fatalf("SetSetting: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	for i := range 2 {
		db, err := store.Open(ctx, dir)
		if err != nil {
			t.Fatalf("reopen %d: %v", i+1, err)
		}
		if v, err := db.Setting(ctx, "org_name"); err != nil || v != "Idite Lesom" {
			t.Errorf("reopen %d: setting = %q, %v", i+1, v, err)
		}
		if got, err := db.StaffByName(ctx, "alice"); err != nil || got.ID != alice.ID {
			t.Errorf("reopen %d: StaffByName = %+v, %v", i+1, got, err)
		}
		if queue, err := db.Queue(ctx, tropa.QueueFilter{Holder: alice.ID}); err != nil || len(queue) != 1 {
			t.Errorf("reopen %d: Queue = %+v, %v; want the request", i+1, queue, err)
		}
		if _, err := desk.VerifyAudit(ctx, db); err != nil {
			t.Errorf("reopen %d: VerifyAudit: %v", i+1, err)
		}
		if err := db.Close(); err != nil {
			t.Fatalf("reopen %d: Close: %v", i+1, err)
		}
	}
}

// TestTimesRoundTrip stores instants with nanoseconds, in another zone and
// before 1970: each comes back as the same instant cut to its grain: staff
// times to the microsecond, the times that describe a request to the UTC
// day, and the times a case is due to the hour.
func TestTimesRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testTimesRoundTrip)
}

func testTimesRoundTrip(t *testing.T, b storetest.Backend) {
	t.Parallel()
	tests := []struct {
		name string
		at   time.Time
	}{
		{"nanoseconds", base},
		{"other zone", time.Date(2025, 6, 1, 13, 0, 0, 999, time.FixedZone("MSK", 3*3600))},
		{"before 1970", time.Date(1969, 12, 31, 23, 59, 59, 500000000, time.UTC)},
		{"far future", time.Date(2400, 2, 29, 0, 0, 0, 1000, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var s tropa.Store = mustOpenStore(t, b)
			want := tt.at.Truncate(time.Microsecond)

			alice := newStaff("alice", tropa.RoleCaseworker, true)
			alice.CreatedAt = tt.at
			mustCreateStaff(t, s, alice)
			n := newRequest(tt.at, tropa.UrgencyNormal, alice.ID)
			mustCreateRequest(t, s, n)
			sessionID := tropa.NewID()
			rec := &tropa.SessionRecord{ID: sessionID, StaffID: alice.ID, Stage: tropa.SessionFull,
				SealedIdentity: []byte("x"), CreatedAt: tt.at, LastSeenAt: tt.at}
			if err := s.CreateSession(ctx, rec, loginEvent(rec)); err != nil {
				t.Fatalf("CreateSession: %v", err)
			}

			at := tt.at
			if err := s.UpdateCase(ctx, &tropa.CaseUpdate{RequestID: n.Request.ID, At: tt.at, ClosedAt: &at, DueAt: &at,
				Deadlines: []tropa.DeadlineRecord{{ID: tropa.NewID(), Kind: tropa.DeadlineTask, StartsAt: tt.at, DueAt: tt.at,
					SealedLabel: []byte("label"), CreatedBy: alice.ID, CreatedAt: tt.at}},
				Events: []tropa.CaseEventRecord{{ID: tropa.NewID(), At: tt.at, Actor: alice.ID, Action: tropa.CaseOutcome}},
			}); err != nil {
				t.Fatalf("UpdateCase: %v", err)
			}

			times := map[string]time.Time{}
			if st, err := s.StaffByID(ctx, alice.ID); err != nil {
				t.Fatalf("StaffByID: %v", err)
			} else {
				times["staff created"] = st.CreatedAt
			}
			if rr, err := s.RequestByID(ctx, n.Request.ID); err != nil {
				t.Fatalf("RequestByID: %v", err)
			} else {
				times["request created"], times["last applicant"] = rr.CreatedAt, rr.LastApplicantAt
				times["request updated"], times["request due"], times["request closed"] = rr.UpdatedAt, rr.DueAt, rr.ClosedAt
			}
			if ds, err := s.Deadlines(ctx, n.Request.ID); err != nil || len(ds) != 1 {
				t.Fatalf("Deadlines = %+v, %v", ds, err)
			} else {
				times["deadline starts"], times["deadline due"], times["deadline created"] = ds[0].StartsAt, ds[0].DueAt, ds[0].CreatedAt
			}
			if es, err := s.CaseEvents(ctx, n.Request.ID); err != nil || len(es) != 1 {
				t.Fatalf("CaseEvents = %+v, %v", es, err)
			} else {
				times["case event"] = es[0].At
			}
			if ms, err := s.Messages(ctx, n.Request.ID, true); err != nil || len(ms) != 1 {
				t.Fatalf("Messages = %d, %v", len(ms), err)
			} else {
				times["message"] = ms[0].CreatedAt
			}
			if rc, err := s.ReceiptByLookup(ctx, n.Receipt.Lookup); err != nil {
				t.Fatalf("ReceiptByLookup: %v", err)
			} else {
				times["receipt"] = rc.CreatedAt
			}
			if sr, err := s.SessionByID(ctx, sessionID); err != nil {
				t.Fatalf("SessionByID: %v", err)
			} else {
				times["session created"], times["session seen"] = sr.CreatedAt, sr.LastSeenAt
			}
			if w, err := s.KeyWrap(ctx, n.Request.ID, alice.ID); err != nil {
				t.Fatalf("KeyWrap: %v", err)
			} else {
				times["key wrap"] = w.CreatedAt
			}
			if err := s.AuditEntries(ctx, func(e *tropa.AuditEntry) error {
				times["audit"] = e.At
				return nil
			}); err != nil {
				t.Fatalf("AuditEntries: %v", err)
			}
			grain := map[string]time.Time{"staff created": want, "session created": want, "session seen": want,
				"audit": want, "request due": tropa.DueHour(want), "deadline starts": tropa.DueHour(want),
				"deadline due": tropa.DueHour(want)}
			for what, got := range times {
				w, ok := grain[what]
				if !ok {
					w = tropa.Day(want)
				}
				if !got.Equal(w) {
					t.Errorf("%s at %v, want %v", what, got, w)
				}
			}
			if _, err := desk.VerifyAudit(ctx, s); err != nil {
				t.Errorf("VerifyAudit: %v", err)
			}
		})
	}
}

func TestSwapSetting(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testSwapSetting)
}

func testSwapSetting(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	s := mustOpenStore(t, b)
	if err := s.SwapSetting(ctx, "k", "", "one"); err != nil {
		t.Fatalf("first SwapSetting: %v", err)
	}
	if err := s.SwapSetting(ctx, "k", "", "other"); !tropa.IsCode(err, tropa.ECONFLICT) {
		t.Errorf("creating a setting that exists: %v, want ECONFLICT", err)
	}
	if err := s.SwapSetting(ctx, "k", "stale", "two"); !tropa.IsCode(err, tropa.ECONFLICT) {
		t.Errorf("swapping from a stale value: %v, want ECONFLICT", err)
	}
	if err := s.SwapSetting(ctx, "k", "one", "two"); err != nil {
		t.Errorf("swapping from the current value: %v", err)
	}
	if v, err := s.Setting(ctx, "k"); err != nil || v != "two" {
		t.Errorf("Setting = %q, %v; want two", v, err)
	}
}
