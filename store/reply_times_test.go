package store_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"tropa"
	"tropa/store"
	"tropa/store/storetest"
)

func TestReplyTimes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testReplyTimes)
}

// testReplyTimes: days to first reply and to outcome, counted by hand,
// are the same before and after retention deletes the requests; internal
// notes, later replies, spam closings and imported history do not count.
func testReplyTimes(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	s := mustOpenStore(t, b)
	alice := newStaff("alice", tropa.RoleCaseworker, true)
	mustCreateStaff(t, s, alice)
	d := func(n int) time.Time { return tropa.Day(base).AddDate(0, 0, n).Add(7 * time.Hour) }
	write := func(id string, author tropa.Author, at time.Time) {
		t.Helper()
		m := &tropa.MessageRecord{ID: tropa.NewID(), RequestID: id, Author: author, CreatedAt: at, SealedBody: []byte("sealed")}
		if author != tropa.AuthorApplicant {
			m.StaffID = alice.ID
		}
		if err := s.AddMessage(ctx, m, nil); err != nil {
			t.Fatalf("AddMessage: %v", err)
		}
	}
	request := func(created time.Time) string {
		n := newRequest(created, tropa.UrgencyNormal, alice.ID)
		mustCreateRequest(t, s, n)
		return n.Request.ID
	}
	closeAs := func(id string, at time.Time, disposition tropa.Disposition, outcome tropa.Outcome) {
		mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: id, At: at, Disposition: ptr(disposition), Outcome: ptr(outcome),
			Stage: ptr(tropa.StageClosed), ClosedAt: ptr(at)})
	}

	// Answered the same day, closed with an outcome 3 days on.
	a := request(d(0))
	write(a, tropa.AuthorStaff, d(0).Add(5*time.Hour))
	closeAs(a, d(3), tropa.DispositionCase, tropa.OutcomeSurrendered)
	// A note and the applicant's message first, then answered 2 days on,
	// and again later, which is no first reply.
	b2 := request(d(0))
	write(b2, tropa.AuthorNote, d(1))
	write(b2, tropa.AuthorApplicant, d(1))
	write(b2, tropa.AuthorStaff, d(2))
	write(b2, tropa.AuthorStaff, d(5))
	// Came before the period, answered 4 days on, within it.
	c := request(d(-3))
	write(c, tropa.AuthorStaff, d(1))
	closeAs(c, d(40), tropa.DispositionCase, tropa.OutcomeLeftCountry)
	// Spam, answered a day on: its closing is no outcome.
	spam := request(d(0))
	write(spam, tropa.AuthorStaff, d(1))
	closeAs(spam, d(1), tropa.DispositionSpam, "")
	// A call, taken 2 days after the request came by the web form: the
	// call answers him, and a message after it is no first reply.
	call := request(d(-2))
	if err := s.UpdateCase(ctx, &tropa.CaseUpdate{RequestID: call, At: d(0),
		Calls: []tropa.CallRecord{{ID: tropa.NewID(), RequestID: call, StaffID: alice.ID, At: d(0), Returning: true,
			SealedAt: []byte("sealed")}}}); err != nil {
		t.Fatal(err)
	}
	write(call, tropa.AuthorStaff, d(3))
	// Imported history: closed on its day, and answered, it counts for
	// nothing.
	ir := imported("IMP001", d(0), true)
	if _, err := s.ImportRequests(ctx, &tropa.ImportBatch{
		Requests: func(yield func(*tropa.ImportedRequest, error) bool) { yield(ir, nil) },
		NewRef:   func() string { return "IMP002" },
		Audit:    tropa.AuditEvent{At: base, Actor: "cli", Action: tropa.ActionImport},
	}); err != nil {
		t.Fatal(err)
	}
	write(ir.Request.ID, tropa.AuthorStaff, d(2))

	// Closed with an outcome, then reopened: it has none yet.
	reopened := request(d(0))
	closeAs(reopened, d(2), tropa.DispositionCase, tropa.OutcomeSurrendered)
	mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: reopened, At: d(4), ClosedAt: &time.Time{}, Stage: ptr(tropa.StageExitPlan)})

	want := tropa.ReplyTimes{FirstReply: map[int]int{0: 1, 2: 2, 4: 1, 1: 1}, Outcome: map[int]int{3: 1}}
	check := func(when string) {
		t.Helper()
		got, err := s.ReplyTimes(ctx, tropa.Day(d(0)), tropa.Day(d(10)))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: ReplyTimes = %+v, want %+v", when, got, want)
		}
		none, err := s.ReplyTimes(ctx, tropa.Day(d(10)), tropa.Day(d(30)))
		if err != nil || len(none.FirstReply)+len(none.Outcome) != 0 {
			t.Errorf("%s: ReplyTimes of days with no reply or closing = %+v, %v", when, none, err)
		}
	}
	check("kept")
	c2 := mustApplyRetention(t, s, tropa.RetentionBatch{ClosedBefore: d(20), SpamBefore: d(20), At: d(21), Limit: 100})
	if c2.DeletedClosed != 2 || c2.DeletedSpam != 1 {
		t.Fatalf("retention deleted %+v, want a, the imported case and the spam", c2)
	}
	check("after retention")
	c3 := mustApplyRetention(t, s, tropa.RetentionBatch{ClosedBefore: d(60), SpamBefore: d(60), At: d(61), Limit: 100})
	if c3.DeletedClosed != 1 {
		t.Fatalf("retention deleted %+v, want c", c3)
	}
	check("after retention of all but one")
	closed, err := s.ReplyTimes(ctx, tropa.Day(d(40)), tropa.Day(d(41)))
	if err != nil || !reflect.DeepEqual(closed, tropa.ReplyTimes{FirstReply: map[int]int{}, Outcome: map[int]int{43: 1}}) {
		t.Errorf("the outcome 43 days on, kept by retention: %+v, %v", closed, err)
	}
	// A backup carries the waits with the other day counts: five of
	// first replies (each a day and a wait of its own) and two of
	// outcomes.
	waits := 0
	for _, row := range mustDump(t, s).table("day_counts").rows {
		if slices.Contains(row, any("reply_wait")) || slices.Contains(row, any("outcome_wait")) {
			waits++
		}
	}
	if waits != 7 {
		t.Errorf("the dump's day_counts hold %d waits, want 7", waits)
	}
}

func TestUpgradeLeavesOlderRequestsUntimed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testUpgradeLeavesOlderRequestsUntimed)
}

// testUpgradeLeavesOlderRequestsUntimed: a request from before first
// replies were noted counts for no time, whether answered or closed after
// the upgrade, since its first reply may have been long before.
func testUpgradeLeavesOlderRequestsUntimed(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	where := b.New(t)
	old, err := store.OpenAt(ctx, where, 18)
	if err != nil {
		t.Fatal(err)
	}
	n := newRequest(base, tropa.UrgencyNormal, "alice")
	oldRequest{"legal", "leave", "web", "", "", base.UnixMicro(), 0}.insert(t, store.Writer(old), n.Request.ID)
	old.Close()

	s := storetest.Open(t, where)
	if err := s.AddMessage(ctx, &tropa.MessageRecord{ID: tropa.NewID(), RequestID: n.Request.ID, Author: tropa.AuthorStaff,
		CreatedAt: base.AddDate(0, 0, 1), SealedBody: []byte("sealed")}, nil); err != nil {
		t.Fatal(err)
	}
	mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: n.Request.ID, At: base, Disposition: ptr(tropa.DispositionCase),
		Outcome: ptr(tropa.OutcomeSurrendered), Stage: ptr(tropa.StageClosed), ClosedAt: ptr(base.AddDate(0, 0, 2))})
	got, err := s.ReplyTimes(ctx, tropa.Day(base), tropa.Day(base).AddDate(0, 1, 0))
	if err != nil || len(got.FirstReply)+len(got.Outcome) != 0 {
		t.Errorf("ReplyTimes of a request from before the upgrade = %+v, %v; want none", got, err)
	}
	fresh := newRequest(base, tropa.UrgencyNormal, "alice")
	mustCreateRequest(t, s, fresh)
	if err := s.AddMessage(ctx, &tropa.MessageRecord{ID: tropa.NewID(), RequestID: fresh.Request.ID, Author: tropa.AuthorStaff,
		CreatedAt: base.AddDate(0, 0, 1), SealedBody: []byte("sealed")}, nil); err != nil {
		t.Fatal(err)
	}
	got, err = s.ReplyTimes(ctx, tropa.Day(base), tropa.Day(base).AddDate(0, 1, 0))
	if err != nil || !reflect.DeepEqual(got.FirstReply, map[int]int{1: 1}) {
		t.Errorf("ReplyTimes after the upgrade = %+v, %v; want the new request's day", got, err)
	}
}

func TestUpgradeCountsWaitsByDay(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testUpgradeCountsWaitsByDay)
}

// testUpgradeCountsWaitsByDay: the waits that retention kept, and those
// of the requests still there, read the same after the upgrade that
// counts them by day as they are written.
func testUpgradeCountsWaitsByDay(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	where := b.New(t)
	old, err := store.OpenAt(ctx, where, 23)
	if err != nil {
		t.Fatal(err)
	}
	day := func(n int) int64 { return tropa.Day(base).AddDate(0, 0, n).UnixMicro() }
	w := store.Writer(old)
	answered, untimed := tropa.NewID(), tropa.NewID()
	oldRequest{"legal", "leave", "web", "case", "surrendered", day(0), day(5)}.insert(t, w, answered)
	oldRequest{"legal", "leave", "web", "case", "surrendered", day(0), day(5)}.insert(t, w, untimed)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE requests SET first_reply_at = $1 WHERE id = $2`, []any{day(1), answered}},
		{`UPDATE requests SET first_reply_at = $1, timed = FALSE WHERE id = $2`, []any{day(1), untimed}},
		{`INSERT INTO reply_times (day, what, days, n) VALUES ($1, 'reply', 1, 2), ($2, 'outcome', 5, 3)`, []any{day(1), day(5)}},
	} {
		if _, err := w.ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	old.Close()

	s := storetest.Open(t, where)
	got, err := s.ReplyTimes(ctx, tropa.Day(base), tropa.Day(base).AddDate(0, 0, 10))
	want := tropa.ReplyTimes{FirstReply: map[int]int{1: 3}, Outcome: map[int]int{5: 4}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ReplyTimes after the upgrade = %+v, %v; want %+v", got, err, want)
	}
}
