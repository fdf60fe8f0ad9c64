package store_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/store"
	"tropa/store/storetest"
)

func mustDump(tb testing.TB, db *store.DB) *memDump {
	tb.Helper()
	d := &memDump{}
	if err := db.Dump(context.Background(), d); err != nil {
		tb.Fatalf("Dump: %v", err)
	}
	return d
}

func mustOpenForLoad(tb testing.TB, where string) *store.DB {
	tb.Helper()
	db, err := store.OpenForLoad(context.Background(), where)
	if err != nil {
		tb.Fatalf("OpenForLoad: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// fill puts a row in every table: settings, staff, a session, requests with
// messages and an attachment, wraps, receipts, details, deadlines, history
// and a link, notice settings and marks, and the audit entries all that
// made. It returns the session's id.
func fill(tb testing.TB, s tropa.Store) (sessionID string) {
	tb.Helper()
	ctx := context.Background()
	alice := newStaff("alice", tropa.RoleCaseworker, true)
	mustCreateStaff(tb, s, alice)
	if err := s.SetSetting(ctx, "org_name", "Идите лесом"); err != nil {
		tb.Fatal(err)
	}
	a := newRequest(base, tropa.UrgencyHigh, alice.ID, tropa.HolderRecovery)
	a.First.Attachments = []tropa.AttachmentRecord{newAttachment(base, "sealed photo")}
	b := newRequest(base.Add(time.Minute), tropa.UrgencyNormal, alice.ID, tropa.HolderRecovery)
	mustCreateRequest(tb, s, a)
	mustCreateRequest(tb, s, b)
	at := base.Add(time.Hour)
	legalProcesses, legalSteps := legalRows(a.Request.ID, at)
	mustUpdateCase(tb, s, &tropa.CaseUpdate{RequestID: a.Request.ID, Version: 1, At: at,
		LegalProcesses: legalProcesses, LegalSteps: legalSteps,
		Stage: ptr(tropa.StageCounselling), OwnerID: ptr(alice.ID), SealedDetails: []byte("sealed details"),
		Deadlines: []tropa.DeadlineRecord{newDeadline(a.Request.ID, at.Add(48*time.Hour))},
		DueAt:     ptr(at.Add(48 * time.Hour)),
		Meetings: []tropa.MeetingRecord{{ID: tropa.NewID(), RequestID: a.Request.ID, State: tropa.MeetingConfirmed,
			Day: at.Add(48 * time.Hour), Responsible: alice.ID, Sealed: []byte("sealed meeting")}},
		Events: []tropa.CaseEventRecord{{ID: tropa.NewID(), At: at, Actor: alice.ID, Action: tropa.CaseStage}},
		Links:  []string{b.Request.ID},
		Audit:  []tropa.AuditEvent{{At: at, Actor: alice.ID, Action: tropa.ActionCaseChange, RequestID: a.Request.ID}},
		Calls:  []tropa.CallRecord{{ID: tropa.NewID(), StaffID: alice.ID, At: at, Returning: true, SealedAt: []byte("sealed time")}}})
	if err := s.AddMessage(ctx, &tropa.MessageRecord{ID: tropa.NewID(), RequestID: a.Request.ID, Author: tropa.AuthorStaff,
		StaffID: alice.ID, CreatedAt: at, SealedBody: []byte("sealed reply")}, nil); err != nil {
		tb.Fatal(err)
	}
	if err := s.SaveNoticePrefs(ctx, &tropa.NoticePrefs{StaffID: alice.ID, Channel: "mail", Address: "w7@example.org",
		Events: tropa.NoticeEvents, Digest: time.Hour, Lang: "uk"},
		[]tropa.NoticeMark{{RequestID: a.Request.ID, Reason: tropa.AccessOwner, Owner: alice.ID, Messages: 1}}); err != nil {
		tb.Fatal(err)
	}
	if err := s.PutSeries(ctx, courtSeries("Courts", 412, 0), false, seriesEvent(tropa.ActionSeriesImport, "Courts")); err != nil {
		tb.Fatal(err)
	}
	sh := mustCreateShelter(tb, s, 2, alice.ID)
	if err := book(s, newStay(sh.ID, a.Request.ID, 2, 5, 1)); err != nil {
		tb.Fatal(err)
	}
	sessionID = tropa.NewID()
	rec := &tropa.SessionRecord{ID: sessionID, StaffID: alice.ID, Stage: tropa.SessionFull,
		SealedIdentity: []byte("sealed identity"), CreatedAt: at, LastSeenAt: at}
	if err := s.CreateSession(ctx, rec, loginEvent(rec)); err != nil {
		tb.Fatal(err)
	}
	return sessionID
}

// TestDumpLoad dumps a database with a row in every table and loads it into
// an empty one of each kind: the two hold the same rows, except sessions.
func TestDumpLoad(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testDumpLoad)
}

func testDumpLoad(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	src := mustOpenStore(t, b)
	sessionID := fill(t, src)
	dump := mustDump(t, src)

	var names []string
	for _, tb := range dump.tables {
		names = append(names, tb.name)
	}
	for _, want := range []string{"settings", "staff", "requests", "messages", "key_wraps", "receipts", "audit_log",
		"audit_head", "deadlines", "case_events", "case_links", "attachments", "notice_prefs", "notice_marks", "calls", "call_hours",
		"shelters", "shelter_keys", "stays", "legal_processes", "legal_steps", "meetings", "series", "series_values"} {
		if tb := dump.table(want); tb == nil || len(tb.rows) == 0 {
			t.Errorf("the dump has no rows of %s: %v", want, names)
		}
	}
	for _, never := range []string{"sessions", "goose_db_version"} {
		if slices.Contains(names, never) {
			t.Errorf("the dump has the table %s", never)
		}
	}
	for _, fk := range [][2]string{{"staff", "messages"}, {"requests", "messages"}, {"requests", "key_wraps"},
		{"requests", "case_links"}, {"messages", "attachments"},
		{"legal_processes", "legal_steps"}, {"series", "series_values"}} {
		if slices.Index(names, fk[0]) > slices.Index(names, fk[1]) {
			t.Errorf("the dump has %s before %s, which refers to it: %v", fk[1], fk[0], names)
		}
	}

	for _, target := range []storetest.Backend{storetest.SQLite, storetest.Postgres} {
		t.Run("into "+target.Name, func(t *testing.T) {
			where := target.New(t)
			dst := mustOpenForLoad(t, where)
			if err := dst.Load(ctx, dump.reader()); err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got, want := mustDump(t, dst).canonical(), dump.canonical(); !reflect.DeepEqual(got, want) {
				t.Errorf("after Load the database holds\n%v\nwant\n%v", got, want)
			}
			// Opened as a server opens it, the store reads what it wrote.
			s := storetest.Open(t, where)
			if _, err := s.SessionByID(ctx, sessionID); !tropa.IsCode(err, tropa.ENOTFOUND) {
				t.Errorf("SessionByID after Load: %v, want ENOTFOUND: a session came back", err)
			}
			if rep, err := desk.VerifyAudit(ctx, s); err != nil || rep.Entries != auditLength(t, src) {
				t.Errorf("VerifyAudit after Load = %+v, %v; want %d entries", rep, err, auditLength(t, src))
			}
			queue, err := s.Queue(ctx, tropa.QueueFilter{})
			if err != nil || len(queue) != 2 {
				t.Fatalf("Queue after Load = %+v, %v; want both requests", queue, err)
			}
			if v, err := s.Setting(ctx, "org_name"); err != nil || v != "Идите лесом" {
				t.Errorf("setting after Load = %q, %v", v, err)
			}
		})
	}
}

// TestDumpWhileWriting holds a dump open in the middle of a table while the
// server's own connection writes: the writes go through at once, and the
// dump is of the moment it began. The dump runs on a handle opened for it,
// and on one opened as a server opens its database, whose SQLite
// transactions otherwise begin IMMEDIATE and would hold writers off.
func TestDumpWhileWriting(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		t.Parallel()
		for name, open := range map[string]func(context.Context, string) (*store.DB, error){
			"read-only handle": store.OpenReadOnly, "server's handle": store.Open} {
			t.Run(name, func(t *testing.T) { testDumpWhileWriting(t, b, open) })
		}
	})
}

func testDumpWhileWriting(t *testing.T, b storetest.Backend, open func(context.Context, string) (*store.DB, error)) {
	t.Parallel()
	where := b.New(t)
	serving := storetest.Open(t, where)
	fill(t, serving)
	source, err := open(context.Background(), where)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer source.Close()

	inDump, resume := make(chan struct{}), make(chan struct{})
	var once sync.Once
	dump := &memDump{onRow: func(table string) {
		if table == "requests" {
			once.Do(func() {
				close(inDump)
				<-resume
			})
		}
	}}
	done := make(chan error, 1)
	go func() { done <- source.Dump(context.Background(), dump) }()
	select {
	case <-inDump:
	case err := <-done:
		t.Fatalf("Dump ended before its first request: %v", err)
	}

	// A writer waiting on the dump would still be waiting when this ends.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := serving.SetSetting(ctx, "written_during_dump", "yes"); err != nil {
		t.Errorf("SetSetting while a dump is open: %v", err)
	}
	alice, err := serving.StaffByName(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	late := newRequest(base.Add(time.Hour), tropa.UrgencyNormal, alice.ID)
	if err := serving.CreateRequest(ctx, late); err != nil {
		t.Errorf("CreateRequest while a dump is open: %v", err)
	}
	close(resume)
	if err := <-done; err != nil {
		t.Fatalf("Dump: %v", err)
	}
	for _, row := range dump.table("settings").rows {
		if slices.Contains(row, any("written_during_dump")) {
			t.Error("the dump has a setting written after it began")
		}
	}
	if n := len(dump.table("requests").rows); n != 2 {
		t.Errorf("the dump has %d requests, want the 2 there when it began", n)
	}
	if got, err := serving.Setting(context.Background(), "written_during_dump"); err != nil || got != "yes" {
		t.Errorf("setting written during the dump = %q, %v", got, err)
	}
}

func TestLoadRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testLoadRefused)
}

func testLoadRefused(t *testing.T, b storetest.Backend) {
	t.Parallel()
	good := mustDump(t, func() *store.DB { s := mustOpenStore(t, b); fill(t, s); return s }())
	tests := []struct {
		name   string
		change func(d *memDump)
		want   string
	}{
		{"newer schema", func(d *memDump) { d.version = 9999 }, "newer than this tropa"},
		{"no schema", func(d *memDump) { d.version = 0 }, "no schema"},
		{"table missing", func(d *memDump) { d.tables = slices.DeleteFunc(d.tables, isTable("case_links")) }, "lacks the table case_links"},
		{"unknown table", func(d *memDump) { d.tables = append(d.tables, &memTable{name: "evil", columns: []string{"id"}}) }, `table "evil"`},
		{"sessions", func(d *memDump) { d.tables = append(d.tables, &memTable{name: "sessions", columns: []string{"id"}}) }, `table "sessions"`},
		{"table twice", func(d *memDump) { d.tables = append(d.tables, d.table("settings")) }, "twice"},
		{"unknown column", func(d *memDump) { d.table("settings").columns[0] = `key"; DROP TABLE staff; --` }, "column"},
		{"column missing", func(d *memDump) {
			t := d.table("settings")
			t.columns = t.columns[:1]
			for i := range t.rows {
				t.rows[i] = t.rows[i][:1]
			}
		}, "lacks columns"},
		{"wrong type", func(d *memDump) { d.table("staff").rows[0][0] = int64(7) }, "int64"},
		{"row too short", func(d *memDump) { d.table("staff").rows[0] = d.table("staff").rows[0][1:] }, "values for"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := deepCopy(good)
			tt.change(d)
			dst := mustOpenForLoad(t, b.New(t))
			err := dst.Load(context.Background(), d.reader())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load = %v, want an error with %q", err, tt.want)
			}
		})
	}
	t.Run("not empty", func(t *testing.T) {
		where := b.New(t)
		storetest.Open(t, where)
		err := mustOpenForLoad(t, where).Load(context.Background(), good.reader())
		if !errors.Is(err, store.ErrNotEmpty) {
			t.Fatalf("Load into a database made by Open = %v, want ErrNotEmpty", err)
		}
	})
}

// TestLoadOlderSchema loads a dump made at schema version 1, before
// casework: the schema is built as it was, then migrated, and the rows get
// what the later migrations give rows that were there.
func TestLoadOlderSchema(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testLoadOlderSchema)
}

func testLoadOlderSchema(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	at := base.Truncate(time.Microsecond).UnixMicro()
	v1 := &memDump{version: 1, tables: []*memTable{
		{"settings", []string{"key", "value"}, [][]any{{"recovery_recipient", "age1-recovery"}}},
		{"staff", []string{"id", "name", "role", "intake", "active", "public_key", "kdf", "salt", "sealed_private",
			"sealed_totp", "totp_last_step", "created_at"}, [][]any{
			{"s1", "alice", "caseworker", true, true, "age1-alice", "argon2id$v=19$m=64,t=1,p=1", []byte("salt"),
				[]byte("sealed"), nil, int64(0), at}}},
		{"requests", []string{"id", "ref", "kind", "situation", "channel", "stage", "urgency", "created_at",
			"last_applicant_at", "last_staff_at", "sealed_contact"}, [][]any{
			{"r1", "ABC234", "legal", "leave", "web", "new", int64(1), at, at, int64(0), []byte("sealed contact")}}},
		{"messages", []string{"id", "request_id", "author", "staff_id", "created_at", "sealed_body"}, [][]any{
			{"m1", "r1", "applicant", nil, at, []byte("sealed body")}}},
		{"key_wraps", []string{"request_id", "holder", "wrapped", "created_at"}, [][]any{
			{"r1", "s1", []byte("wrapped"), at}}},
		{"receipts", []string{"lookup", "request_id", "kdf", "salt", "verifier", "sealed_key", "created_at"}, [][]any{
			{"L1", "r1", "argon2id$v=19$m=64,t=1,p=1", []byte("salt"), []byte("verifier"), []byte("key"), at}}},
		{"audit_log", []string{"seq", "at", "actor", "action", "request_id", "detail", "prev_hash", "hash"}, nil},
		{"audit_head", []string{"id", "seq", "hash"}, [][]any{{int64(1), int64(0), []byte{}}}},
	}}
	where := b.New(t)
	if err := mustOpenForLoad(t, where).Load(ctx, v1.reader()); err != nil {
		t.Fatalf("Load of a version 1 dump: %v", err)
	}
	s := storetest.Open(t, where)
	r, err := s.RequestByID(ctx, "r1")
	if err != nil {
		t.Fatalf("RequestByID: %v", err)
	}
	if r.Version != 1 || r.OwnerID != "" || !r.DueAt.IsZero() || !r.Open() || r.Ref != "ABC234" {
		t.Errorf("request after migrating = %+v; want version 1, no owner, no deadline, open", r)
	}
	if w, err := s.KeyWrap(ctx, "r1", "s1"); err != nil || w.Reason != tropa.AccessIntake {
		t.Errorf("KeyWrap after migrating = %+v, %v; want the reason intake", w, err)
	}
	if ms, err := s.Messages(ctx, "r1", true); err != nil || len(ms) != 1 || string(ms[0].SealedBody) != "sealed body" {
		t.Errorf("Messages after migrating = %+v, %v", ms, err)
	}
}

// A backup made by an older tropa of a database a newer one migrated could
// copy a table it knows nothing of, so it is refused.
func TestDumpRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		t.Parallel()
		where := b.New(t)
		db := storetest.Open(t, where)
		if _, err := store.Writer(db).Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, true)`); err != nil {
			t.Fatal(err)
		}
		source, err := store.OpenReadOnly(context.Background(), where)
		if err != nil {
			t.Fatalf("OpenReadOnly: %v", err)
		}
		defer source.Close()
		if err := source.Dump(context.Background(), &memDump{}); err == nil || !strings.Contains(err.Error(), "newer") {
			t.Errorf("Dump of a database at version 9999 = %v, want a refusal", err)
		}
	})
}
