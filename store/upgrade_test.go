package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"tropa"
	"tropa/desk"
	"tropa/seal"
	"tropa/store"
	"tropa/store/storetest"
)

// TestUpgradeCoarsensTimes builds a database as tropa left it before times
// were coarsened (schema version 4), with the exact times it then stored,
// and opens it with this tropa: every time that describes a request is cut
// to its day, the queue's due time to the hour, the exact values are gone
// from the files, and the desk works on what it finds: the queue in order,
// the case opened with its messages, deadlines and history in order.
func TestUpgradeCoarsensTimes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testUpgradeCoarsensTimes)
}

// upgradeClock is a desk clock that moves a millisecond at every reading.
type upgradeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *upgradeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Millisecond)
	return c.now
}

func testUpgradeCoarsensTimes(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	where := b.New(t)
	old, err := store.OpenAt(ctx, where, 4)
	if err != nil {
		t.Fatalf("OpenAt(4): %v", err)
	}
	clock := &upgradeClock{now: time.Date(2026, 12, 5, 11, 0, 0, 0, time.UTC)}
	newDesk := func(db tropa.Store) *desk.Desk {
		return desk.New(desk.Config{Store: db, KDF: seal.NewKDF(2), ReceiptParams: seal.TestParams,
			PasswordParams: seal.TestParams, Now: clock.Now})
	}
	// The staff member and the organization's keys are made by this tropa
	// in a database of its own and copied into the old one, column by
	// column as the old schema has them: what this tropa writes at login
	// needs tables the old schema does not have yet.
	setup := storetest.Open(t, b.New(t))
	d := newDesk(setup)
	if _, err := d.Init(ctx); err != nil {
		t.Fatalf("Init: %v", err)
	}
	const name, password = "olena", "olena walks west at dawn"
	olena, err := d.AddStaff(ctx, tropa.Staff{Name: name, Role: tropa.RoleCaseworker, Intake: true}, password)
	if err != nil {
		t.Fatalf("AddStaff: %v", err)
	}
	s, err := d.Login(ctx, name, password, "")
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	otpKey, err := d.PendingTOTP(ctx, s)
	if err != nil {
		t.Fatalf("PendingTOTP: %v", err)
	}
	code, _ := totp.GenerateCode(otpKey.Secret(), clock.Now())
	if err := d.ConfirmTOTP(ctx, s, olena.EnrolCode, code); err != nil {
		t.Fatalf("ConfirmTOTP: %v", err)
	}
	copyRows(t, store.Writer(setup), store.Writer(old), `settings`, `key, value`)
	copyRows(t, store.Writer(setup), store.Writer(old), `staff`, `id, name, role, intake, active, public_key, kdf,
		salt, sealed_private, sealed_totp, totp_last_step, created_at`)

	// Exact times as the old schema stored them.
	at := func(day, hour, min, sec, us int) time.Time {
		return time.Date(2026, 12, day, hour, min, sec, us*1000, time.UTC)
	}
	exact := map[string]time.Time{
		"arrived":       at(4, 21, 3, 17, 482913),
		"left unit":     at(4, 22, 15, 37, 123456),
		"wanted":        at(6, 22, 15, 37, 123456),
		"meeting":       at(6, 13, 45, 12, 345678),
		"staff reply":   at(5, 9, 41, 8, 250117),
		"follow-up":     at(5, 10, 27, 44, 907531),
		"erased":        at(5, 10, 30, 1, 765432),
		"other arrived": at(4, 8, 0, 0, 500001),
		"other due":     at(6, 13, 5, 0, 1),
		"first arrived": at(3, 19, 22, 33, 444555),
		"first due":     at(6, 12, 59, 59, 999999),
	}
	w := store.Writer(old)
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := w.ExecContext(ctx, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	us := func(name string) int64 { return exact[name].UnixMicro() }
	key := seal.NewKey()
	ids := map[string]string{}
	for _, r := range []struct {
		name, arrived, due string
		urgency            tropa.Urgency
	}{
		{"man", "arrived", "meeting", tropa.UrgencyHigh},
		{"other", "other arrived", "other due", tropa.UrgencyNormal},
		{"first", "first arrived", "first due", tropa.UrgencyNormal},
	} {
		id := tropa.NewID()
		ids[r.name] = id
		lastApplicant, lastStaff := us(r.arrived), int64(0)
		if r.name == "man" {
			lastApplicant, lastStaff = us("follow-up"), us("staff reply")
		}
		exec(`INSERT INTO requests (id, ref, kind, situation, channel, stage, urgency, created_at, last_applicant_at,
			last_staff_at, sealed_contact, disposition, owner_id, due_at, updated_at, version)
			VALUES ($1, $2, 'leave_unit', 'absent', 'web', 'new', $3, $4, $5, $6, $7, 'case', '', $8, $9, 1)`,
			id, r.name, int(r.urgency), us(r.arrived), lastApplicant, lastStaff,
			seal.SealString(&key, "signal: @"+r.name, seal.AAD{Table: "requests", Row: id, Field: "contact"}),
			us(r.due), us(r.arrived))
		for _, holder := range []struct{ id, public string }{{olena.ID, olena.PublicKey}} {
			wrapped, err := seal.WrapKey(holder.public, &key)
			if err != nil {
				t.Fatal(err)
			}
			exec(`INSERT INTO key_wraps (request_id, holder, wrapped, created_at, reason) VALUES ($1, $2, $3, $4, 'intake')`,
				id, holder.id, wrapped, us(r.arrived))
		}
		exec(`INSERT INTO receipts (lookup, request_id, kdf, salt, verifier, sealed_key, created_at)
			VALUES ($1, $2, 'x', $3, $3, $3, $4)`, r.name, id, []byte("x"), us(r.arrived))
		exec(`INSERT INTO deadlines (id, request_id, kind, starts_at, due_at, sealed_label, created_by, created_at)
			VALUES ($1, $2, 'meeting', 0, $3, $4, $5, $6)`, r.name+"-d", id, us(r.due),
			seal.SealString(&key, "у моста "+r.name, seal.AAD{Table: "deadlines", Row: r.name + "-d", Field: "label"}),
			olena.ID, us("staff reply"))
	}
	man := ids["man"]
	exec(`INSERT INTO deadlines (id, request_id, kind, starts_at, due_at, sealed_label, created_by, created_at)
		VALUES ('wanted', $1, 'wanted', $2, $3, $4, $5, $6)`, man, us("left unit"), us("wanted"),
		seal.SealString(&key, "", seal.AAD{Table: "deadlines", Row: "wanted", Field: "label"}), olena.ID, us("staff reply"))
	// The follow-up and the reply come on one day: only their order
	// tells who wrote last.
	for i, m := range []struct{ author, at, body string }{
		{"applicant", "arrived", "Ушёл из части"}, {"staff", "staff reply", "Ждём вас"}, {"applicant", "follow-up", "Я на месте"},
	} {
		id := "m" + string(rune('0'+i))
		var staffID any
		if m.author == "staff" {
			staffID = olena.ID
		}
		exec(`INSERT INTO messages (id, request_id, author, staff_id, created_at, sealed_body) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, man, m.author, staffID, us(m.at),
			seal.SealString(&key, m.body, seal.AAD{Table: "messages", Row: id, Field: "body/" + m.author}))
	}
	for i, to := range []string{"triage", "counselling"} {
		exec(`INSERT INTO case_events (id, request_id, at, actor, action, from_value, to_value) VALUES ($1, $2, $3, $4, 'stage', '', $5)`,
			"e"+to, man, us("staff reply")+int64(i), olena.ID, to)
	}
	exec(`INSERT INTO case_links (request_id, linked_id, created_at) VALUES ($1, $2, $3), ($2, $1, $3)`,
		man, ids["other"], us("staff reply"))
	appendAuditAt(t, w, tropa.AuditEvent{At: exact["erased"], Actor: tropa.ActorApplicant,
		Action: tropa.ActionContactErase, RequestID: man})
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	db := storetest.Open(t, where)
	if b.Name == storetest.SQLite.Name {
		searchExact(t, where, exact)
	}
	r := mustRequest(t, db, man)
	if !r.CreatedAt.Equal(tropa.Day(exact["arrived"])) || !r.LastApplicantAt.Equal(tropa.Day(exact["follow-up"])) ||
		!r.LastStaffAt.Equal(tropa.Day(exact["staff reply"])) || !r.AwaitingReply() ||
		!r.DueAt.Equal(tropa.DueHour(exact["meeting"])) || !r.UpdatedAt.Equal(tropa.Day(exact["arrived"])) {
		t.Errorf("request after upgrading = %+v; want its times to the day, due to the hour, awaiting a reply", r)
	}
	list, err := db.Queue(ctx, tropa.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// first is due an hour earlier; man and other in one hour, the urgent first.
	if got, want := requestIDs(list), []string{ids["first"], man, ids["other"]}; !slices.Equal(got, want) {
		t.Errorf("queue after upgrading = %q, want %q", got, want)
	}
	if err := db.AuditEntries(ctx, func(e *tropa.AuditEntry) error {
		if e.Actor == tropa.ActorApplicant && !e.At.Equal(tropa.Day(exact["erased"])) {
			t.Errorf("the applicant's audit entry at %v, want %v", e.At, tropa.Day(exact["erased"]))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := desk.VerifyAudit(ctx, db); err != nil {
		t.Errorf("audit log after upgrading: %v", err)
	}

	d = newDesk(db)
	clock.mu.Lock()
	clock.now = clock.now.Add(time.Minute)
	clock.mu.Unlock()
	code, _ = totp.GenerateCode(otpKey.Secret(), clock.Now())
	if s, err = d.Login(ctx, name, password, code); err != nil {
		t.Fatalf("Login after upgrading: %v", err)
	}
	c, err := d.OpenCase(ctx, s, man)
	if err != nil {
		t.Fatalf("OpenCase after upgrading: %v", err)
	}
	var bodies []string
	for _, m := range c.Messages {
		bodies = append(bodies, m.Body)
	}
	if want := []string{"Ушёл из части", "Ждём вас", "Я на месте"}; !slices.Equal(bodies, want) ||
		!c.Messages[2].CreatedAt.Equal(tropa.Day(exact["follow-up"])) {
		t.Errorf("messages after upgrading = %q, the last at %v; want %q in order, at their day", bodies, c.Messages[2].CreatedAt, want)
	}
	if len(c.History) != 2 || c.History[0].To != "triage" || c.History[1].To != "counselling" {
		t.Errorf("history after upgrading = %+v, want triage then counselling", c.History)
	}
	if len(c.Deadlines) != 2 || !c.Deadlines[0].DueAt.Equal(tropa.DueHour(exact["meeting"])) ||
		!c.Deadlines[1].StartsAt.Equal(tropa.DueHour(exact["left unit"])) || c.Deadlines[0].Label != "у моста man" {
		t.Errorf("deadlines after upgrading = %+v; want the meeting, then leaving the unit, to the hour", c.Deadlines)
	}
	meeting := exact["meeting"].Add(-3 * time.Hour)
	if err := d.AddDeadline(ctx, s, man, tropa.DeadlineMeeting, meeting, "у вокзала"); err != nil {
		t.Fatalf("AddDeadline after upgrading: %v", err)
	}
	if r := mustRequest(t, db, man); !r.DueAt.Equal(tropa.DueHour(meeting)) {
		t.Errorf("due after a new, earlier meeting = %v, want %v", r.DueAt, tropa.DueHour(meeting))
	}
}

// copyRows copies the columns named of every row of table from one
// database to another.
func copyRows(t *testing.T, from, to *sql.DB, table, columns string) {
	t.Helper()
	rows, err := from.Query(`SELECT ` + columns + ` FROM ` + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	marks := make([]string, len(names))
	for i := range marks {
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	for rows.Next() {
		values := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		if _, err := to.Exec(`INSERT INTO `+table+` (`+columns+`) VALUES (`+strings.Join(marks, ", ")+`)`, values...); err != nil {
			t.Fatalf("copy %s: %v", table, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// appendAuditAt appends ev to the audit log as the old schema did, with its
// time exact.
func appendAuditAt(t *testing.T, w *sql.DB, ev tropa.AuditEvent) {
	t.Helper()
	var seq int64
	var prev []byte
	if err := w.QueryRow(`SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &prev); err != nil {
		t.Fatal(err)
	}
	seq++
	hash := tropa.ChainHash(prev, seq, ev)
	if _, err := w.Exec(`INSERT INTO audit_log (seq, at, actor, action, request_id, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, seq, ev.At.UnixMicro(), ev.Actor, ev.Action, ev.RequestID, ev.Detail,
		prev, hash); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Exec(`UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, seq, hash); err != nil {
		t.Fatal(err)
	}
}

// searchExact fails the test if a file of the data directory dir holds one
// of the exact times as SQLite stores it.
func searchExact(t *testing.T, dir string, exact map[string]time.Time) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("data directory: %v, %d files", err, len(entries))
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for name, at := range exact {
			var v [8]byte
			binary.BigEndian.PutUint64(v[:], uint64(at.UnixMicro()))
			if bytes.Contains(b, v[:]) {
				t.Errorf("%s still holds the exact %s time after upgrading", e.Name(), name)
			}
		}
	}
}
