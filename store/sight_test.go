package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"tropa"
	"tropa/store"
	"tropa/store/storetest"
)

func TestFlaggedAfterClosing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testFlaggedAfterClosing)
}

// testFlaggedAfterClosing: the applicant writes to a closed case; it is
// flagged to its holders until someone answers him, and retention keeps it
// meanwhile and counts from his message afterwards.
func testFlaggedAfterClosing(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	closed := mustAge(t, db, aged{created: base.Add(-40 * day), closed: base.Add(-10 * day),
		disposition: tropa.DispositionCase, outcome: tropa.OutcomeLeftCountry})
	other := newRequest(base, tropa.UrgencyNormal, "bob", tropa.HolderRecovery)
	mustCreateRequest(t, db, other)
	id := closed.Request.ID
	if rr := mustRequest(t, db, id); !rr.FlaggedAt.IsZero() {
		t.Fatalf("flagged at %v before he wrote", rr.FlaggedAt)
	}
	write := func(author tropa.Author, at time.Time) {
		t.Helper()
		m := &tropa.MessageRecord{ID: tropa.NewID(), RequestID: id, Author: author, CreatedAt: at, SealedBody: []byte("sealed")}
		if author != tropa.AuthorApplicant {
			m.StaffID = "alice"
		}
		if err := db.AddMessage(ctx, m, nil); err != nil {
			t.Fatalf("AddMessage(%s): %v", author, err)
		}
	}
	write(tropa.AuthorApplicant, base)
	if rr := mustRequest(t, db, id); !rr.FlaggedAt.Equal(tropa.Day(base)) {
		t.Errorf("flagged at %v, want his message's day %v", rr.FlaggedAt, tropa.Day(base))
	}
	flagged := func(holder string) []string {
		t.Helper()
		list, err := db.Queue(ctx, tropa.QueueFilter{Flagged: true, Holder: holder})
		if err != nil {
			t.Fatalf("Queue(flagged, %q): %v", holder, err)
		}
		return requestIDs(list)
	}
	if got := flagged("alice"); !slices.Equal(got, []string{id}) {
		t.Errorf("alice's flagged cases = %v, want the closed case", got)
	}
	if got := flagged("bob"); len(got) != 0 {
		t.Errorf("bob, who never held it, sees flagged cases %v", got)
	}
	if got := flagged(""); !slices.Equal(got, []string{id}) {
		t.Errorf("every flagged case = %v, want the closed case", got)
	}
	if list, err := db.Queue(ctx, tropa.QueueFilter{Holder: "alice"}); err != nil || len(list) != 0 {
		t.Errorf("alice's open queue = %v, %v: the closed case is not reopened by his message", requestIDs(list), err)
	}

	policy := tropa.Retention{ClosedAfter: 5, ContactAfter: 5}
	if c := mustApplyRetention(t, db, policy.Batch(base.Add(30*day), 100)); c.Total() != 0 {
		t.Errorf("retention of a flagged case: %+v, want it kept", c)
	}
	write(tropa.AuthorNote, base.Add(day))
	if rr := mustRequest(t, db, id); rr.FlaggedAt.IsZero() {
		t.Error("an internal note cleared the flag: the applicant has no answer")
	}
	write(tropa.AuthorStaff, base.Add(day))
	if rr := mustRequest(t, db, id); !rr.FlaggedAt.IsZero() {
		t.Errorf("flag kept after a staff answer: %v", rr.FlaggedAt)
	}
	if got := flagged(""); len(got) != 0 {
		t.Errorf("flagged after the answer: %v", got)
	}
	if c := mustApplyRetention(t, db, policy.Batch(base.Add(4*day), 100)); c.Total() != 0 {
		t.Errorf("retention 4 days after his message: %+v, want the case and his contact kept", c)
	}
	if c := mustApplyRetention(t, db, policy.Batch(base.Add(6*day), 100)); c.DeletedClosed != 1 {
		t.Errorf("retention 6 days after his message: %+v, want the case deleted", c)
	}

	// Unflag clears the flag of a case reopened or kept closed.
	again := mustAge(t, db, aged{created: base.Add(-40 * day), closed: base.Add(-10 * day),
		disposition: tropa.DispositionCase, outcome: tropa.OutcomeLeftCountry})
	id = again.Request.ID
	write(tropa.AuthorApplicant, base)
	mustUpdateCase(t, db, &tropa.CaseUpdate{RequestID: id, At: base, Unflag: true})
	if rr := mustRequest(t, db, id); !rr.FlaggedAt.IsZero() {
		t.Errorf("flag kept after Unflag: %v", rr.FlaggedAt)
	}
}

func TestUnownedCases(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testUnownedCases)
}

// testUnownedCases: an open case is unowned when it has no owner and is
// past intake, or when no staff member holds its key at all;
// deactivating an owner makes their cases so.
func testUnownedCases(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	mk := func(owner string, disposition tropa.Disposition, holders ...string) string {
		t.Helper()
		n := newRequest(base, tropa.UrgencyNormal, holders...)
		mustCreateRequest(t, db, n)
		mustUpdateCase(t, db, &tropa.CaseUpdate{RequestID: n.Request.ID, At: base, OwnerID: ptr(owner), Disposition: ptr(disposition)})
		return n.Request.ID
	}
	owned := mk("alice", tropa.DispositionCase, "alice", tropa.HolderRecovery)
	referred := mk("alice", tropa.DispositionCase, "alice", "bob", tropa.HolderRecovery)
	intake := mk("", tropa.DispositionUntriaged, "bob", "carol", tropa.HolderRecovery)
	triaged := mk("", tropa.DispositionCase, "bob", "carol", tropa.HolderRecovery)
	nobody := mk("", tropa.DispositionUntriaged, tropa.HolderRecovery)
	closedNobody := mk("", tropa.DispositionCase, tropa.HolderRecovery)
	carolsAlone := mk("", tropa.DispositionUntriaged, "carol", tropa.HolderRecovery)
	mustUpdateCase(t, db, &tropa.CaseUpdate{RequestID: closedNobody, At: base, Stage: ptr(tropa.StageClosed),
		ClosedAt: ptr(base), Outcome: ptr(tropa.OutcomeLostContact)})

	unowned := func() []string {
		t.Helper()
		list, err := db.Queue(ctx, tropa.QueueFilter{Unowned: true})
		if err != nil {
			t.Fatalf("Queue(unowned): %v", err)
		}
		got := requestIDs(list)
		slices.Sort(got)
		return got
	}
	sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
	if got, want := unowned(), sorted(triaged, nobody); !slices.Equal(got, want) {
		t.Errorf("unowned = %v, want the triaged case without an owner and the one no one holds %v (not %s, %s, %s, %s)",
			got, want, owned, referred, intake, carolsAlone)
	}
	if _, err := db.DeactivateStaff(ctx, "alice", tropa.AuditEvent{At: base, Actor: "cli", Action: tropa.ActionStaffDisable}); err != nil {
		t.Fatal(err)
	}
	if got, want := unowned(), sorted(owned, referred, triaged, nobody); !slices.Equal(got, want) {
		t.Errorf("unowned after deactivating the owner = %v, want %v", got, want)
	}
	code := tropa.EnrolCode{Hash: enrolHash("carol again"), ExpiresAt: base.Add(72 * time.Hour)}
	if _, err := db.ResetKeys(ctx, "carol", code, tropa.AuditEvent{At: base, Actor: "admin", Action: tropa.ActionPasswordReset}); err != nil {
		t.Fatal(err)
	}
	if got, want := unowned(), sorted(owned, referred, triaged, nobody, carolsAlone); !slices.Equal(got, want) {
		t.Errorf("unowned after resetting the password of the only holder of %s = %v, want %v", carolsAlone, got, want)
	}
}

func TestAuditLogFilter(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testAuditLogFilter)
}

// testAuditLogFilter reads the audit log newest first, by person, case,
// dates and pages, with the references of the cases that still exist, and
// who opened a case.
func testAuditLogFilter(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	n := newRequest(base, tropa.UrgencyNormal, "alice", tropa.HolderRecovery)
	mustCreateRequest(t, db, n)
	id := n.Request.ID
	gone := tropa.NewID()
	evs := []tropa.AuditEvent{
		{At: base, Actor: "alice", Action: tropa.ActionRequestOpen, RequestID: id},
		{At: base.Add(time.Hour), Actor: "bob", Action: tropa.ActionRequestRefused, RequestID: id, Detail: "asked=queue reason=no_key"},
		{At: base.Add(day), Actor: "alice", Action: tropa.ActionRequestOpen, RequestID: id},
		{At: base.Add(day + time.Hour), Actor: "alice", Action: tropa.ActionRequestOpen, RequestID: gone},
		{At: base.Add(2 * day), Actor: "bob", Action: tropa.ActionRequestOpen, RequestID: id},
		{At: base.Add(3 * day), Actor: "bob", Action: tropa.ActionLogin},
	}
	if err := db.Audit(ctx, evs...); err != nil {
		t.Fatal(err)
	}
	start := auditLength(t, db) - int64(len(evs))
	seqs := func(f tropa.AuditFilter) []int64 {
		t.Helper()
		lines, err := db.AuditLog(ctx, f)
		if err != nil {
			t.Fatalf("AuditLog(%+v): %v", f, err)
		}
		var got []int64
		for _, l := range lines {
			if l.Seq > start {
				got = append(got, l.Seq-start)
			}
		}
		return got
	}
	for _, c := range []struct {
		name string
		f    tropa.AuditFilter
		want []int64
	}{
		{"all", tropa.AuditFilter{}, []int64{6, 5, 4, 3, 2, 1}},
		{"person", tropa.AuditFilter{Actor: "alice"}, []int64{4, 3, 1}},
		{"case", tropa.AuditFilter{RequestID: id}, []int64{5, 3, 2, 1}},
		{"person and case", tropa.AuditFilter{Actor: "bob", RequestID: id}, []int64{5, 2}},
		{"dates", tropa.AuditFilter{From: base.Add(day), To: base.Add(2 * day)}, []int64{4, 3}},
		{"page", tropa.AuditFilter{Before: start + 5, Limit: 2}, []int64{4, 3}},
		{"action", tropa.AuditFilter{Action: tropa.ActionLogin, Actor: "bob"}, []int64{6}},
	} {
		if got := seqs(c.f); !slices.Equal(got, c.want) {
			t.Errorf("%s: entries %v, want %v", c.name, got, c.want)
		}
	}
	lines, err := db.AuditLog(ctx, tropa.AuditFilter{Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		want := ""
		if l.RequestID == id {
			want = n.Request.Ref
		}
		if l.Ref != want {
			t.Errorf("entry %d of request %s has ref %q, want %q", l.Seq, l.RequestID, l.Ref, want)
		}
	}

	opened, err := db.CaseOpenings(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := []tropa.Opening{
		{Actor: "bob", Count: 1, First: us(base.Add(2 * day)), Last: us(base.Add(2 * day))},
		{Actor: "alice", Count: 2, First: us(base), Last: us(base.Add(day))},
	}
	if !slices.EqualFunc(opened, want, func(a, b tropa.Opening) bool {
		return a.Actor == b.Actor && a.Count == b.Count && a.First.Equal(b.First) && a.Last.Equal(b.Last)
	}) {
		t.Errorf("openings = %+v, want %+v", opened, want)
	}
}

func TestUpgradePausesClosedDeadlines(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testUpgradePausesClosedDeadlines)
}

// testUpgradePausesClosedDeadlines: a case closed before deadlines paused
// kept its due time; the upgrade clears it, and leaves an open case's. It
// also finds the requests already unowned.
func testUpgradePausesClosedDeadlines(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	where := b.New(t)
	old, err := store.OpenAt(ctx, where, 9)
	if err != nil {
		t.Fatal(err)
	}
	due := base.Add(day).Truncate(time.Hour).UnixMicro()
	rows := []struct {
		id                 string
		closed             int64
		disposition, owner string
		holders            []string
	}{
		{tropa.NewID(), base.UnixMicro(), "case", "", []string{tropa.HolderRecovery}},
		{tropa.NewID(), 0, "case", "alice", []string{"alice", tropa.HolderRecovery}},
		{tropa.NewID(), 0, "", "", []string{tropa.HolderRecovery}},
		{tropa.NewID(), 0, "", "", []string{"alice", tropa.HolderRecovery}},
	}
	w := store.Writer(old)
	for _, r := range rows {
		if _, err := w.ExecContext(ctx, `INSERT INTO requests (id, ref, kind, situation, channel, stage, urgency, created_at,
			sealed_contact, disposition, owner_id, due_at, closed_at) VALUES ($1, $1, 'legal', 'front', 'web', 'new', 0, 1,
			$2, $3, $4, $5, $6)`, r.id, []byte("sealed"), r.disposition, r.owner, due, r.closed); err != nil {
			t.Fatalf("insert at version 9: %v", err)
		}
		for _, h := range r.holders {
			if _, err := w.ExecContext(ctx, `INSERT INTO key_wraps (request_id, holder, wrapped, created_at) VALUES ($1, $2, $3, 1)`,
				r.id, h, []byte("wrapped")); err != nil {
				t.Fatal(err)
			}
		}
	}
	old.Close()

	s := storetest.Open(t, where)
	if r := mustRequest(t, s, rows[0].id); !r.DueAt.IsZero() {
		t.Errorf("closed case due at %v after the upgrade, want paused", r.DueAt)
	}
	if r := mustRequest(t, s, rows[1].id); !r.DueAt.Equal(fromMicros(due)) {
		t.Errorf("open case due at %v after the upgrade, want %v", r.DueAt, fromMicros(due))
	}
	list, err := s.Queue(ctx, tropa.QueueFilter{Unowned: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := requestIDs(list); !slices.Equal(got, []string{rows[2].id}) {
		t.Errorf("unowned after the upgrade = %v, want only the request no one holds %s", got, rows[2].id)
	}
}

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
