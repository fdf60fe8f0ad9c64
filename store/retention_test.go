package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"tropa"
	"tropa/store"
	"tropa/store/storetest"
)

const day = 24 * time.Hour

// aged describes a request for the retention tests: made at created and,
// when closed is set, triaged as disposition and closed then.
type aged struct {
	created, closed time.Time
	disposition     tropa.Disposition
	outcome         tropa.Outcome
	kind            tropa.Kind
	channel         tropa.Channel
	situation       tropa.Situation
}

// mustAge writes a request as a desk would have by then: its first message,
// a note, its key wrapped to alice and to recovery, a receipt, a deadline,
// a history entry and, when closed, its triage and closing.
func mustAge(tb testing.TB, s tropa.Store, a aged) *tropa.NewRequest {
	tb.Helper()
	n := newRequest(a.created, tropa.UrgencyNormal, "alice", tropa.HolderRecovery)
	if a.kind != "" {
		n.Request.Kind = a.kind
	}
	if a.channel != "" {
		n.Request.Channel = a.channel
	}
	if a.situation != "" {
		n.Request.Situation = a.situation
	}
	mustCreateRequest(tb, s, n)
	id := n.Request.ID
	if err := s.AddMessage(context.Background(), &tropa.MessageRecord{ID: tropa.NewID(), RequestID: id,
		Author: tropa.AuthorNote, StaffID: "alice", CreatedAt: a.created, SealedBody: []byte("sealed note of " + id)}, nil); err != nil {
		tb.Fatalf("AddMessage: %v", err)
	}
	u := &tropa.CaseUpdate{RequestID: id, At: a.created, Deadlines: []tropa.DeadlineRecord{newDeadline(id, a.created.Add(day))},
		DueAt: ptr(a.created.Add(day)),
		Events: []tropa.CaseEventRecord{{ID: tropa.NewID(), At: a.created, Actor: "alice", Action: tropa.CaseTriage,
			To: string(a.disposition), SealedNote: []byte("sealed reason of " + id)}}}
	if a.disposition != "" {
		u.Disposition = ptr(a.disposition)
	}
	if !a.closed.IsZero() {
		u.Stage, u.ClosedAt, u.Outcome = ptr(tropa.StageClosed), ptr(a.closed), ptr(a.outcome)
	}
	mustUpdateCase(tb, s, u)
	return n
}

func mustApplyRetention(tb testing.TB, s tropa.Store, b tropa.RetentionBatch) tropa.RetentionCounts {
	tb.Helper()
	b.Audit = tropa.AuditEvent{At: b.At, Actor: "retention", Action: tropa.ActionRetentionRun}
	c, err := s.ApplyRetention(context.Background(), &b)
	if err != nil {
		tb.Fatalf("ApplyRetention: %v", err)
	}
	return c
}

// rowsNaming lists, as table.column, every text field in the database but
// the audit log that holds id: after a request is deleted there is none,
// whatever tables are added later.
func rowsNaming(tb testing.TB, db *store.DB, postgres bool, id string) []string {
	tb.Helper()
	ctx := context.Background()
	query := `SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
		WHERE m.type = 'table' AND c.type = 'TEXT'`
	if postgres {
		query = `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND data_type = 'text'`
	}
	rows, err := store.Writer(db).QueryContext(ctx, query)
	if err != nil {
		tb.Fatalf("list columns: %v", err)
	}
	var columns [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			tb.Fatal(err)
		}
		columns = append(columns, c)
	}
	rows.Close()
	if len(columns) < 10 {
		tb.Fatalf("found %d text columns: the listing is broken", len(columns))
	}
	var found []string
	for _, c := range columns {
		if c[0] == "audit_log" {
			continue
		}
		var n int
		if err := store.Writer(db).QueryRowContext(ctx, `SELECT COUNT(*) FROM `+c[0]+` WHERE `+c[1]+` = $1`, id).Scan(&n); err != nil {
			tb.Fatalf("search %s.%s: %v", c[0], c[1], err)
		}
		if n > 0 {
			found = append(found, c[0]+"."+c[1])
		}
	}
	return found
}

func lastAudit(tb testing.TB, s tropa.Store) *tropa.AuditEntry {
	tb.Helper()
	var last *tropa.AuditEntry
	if err := s.AuditEntries(context.Background(), func(e *tropa.AuditEntry) error { last = e; return nil }); err != nil {
		tb.Fatalf("AuditEntries: %v", err)
	}
	return last
}

func TestApplyRetention(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testApplyRetention)
}

func testApplyRetention(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	policy := tropa.Retention{ClosedAfter: 100, SpamAfter: 10}
	open := mustAge(t, db, aged{created: base.Add(-400 * day), disposition: tropa.DispositionCase})
	closed := mustAge(t, db, aged{created: base.Add(-200 * day), closed: base.Add(-100 * day),
		disposition: tropa.DispositionCase, outcome: tropa.OutcomeLeftCountry})
	duplicate := mustAge(t, db, aged{created: base.Add(-100 * day), closed: base.Add(-100 * day),
		disposition: tropa.DispositionDuplicate})
	spam := mustAge(t, db, aged{created: base.Add(-10 * day), closed: base.Add(-10 * day), disposition: tropa.DispositionSpam})
	recent := mustAge(t, db, aged{created: base.Add(-50 * day), closed: base.Add(-99 * day).Add(time.Hour),
		disposition: tropa.DispositionCase, outcome: tropa.OutcomeSurrendered})
	mustUpdateCase(t, db, &tropa.CaseUpdate{RequestID: open.Request.ID, At: base, Links: []string{closed.Request.ID}})
	mustUpdateCase(t, db, &tropa.CaseUpdate{RequestID: closed.Request.ID, At: base, Calls: []tropa.CallRecord{
		{ID: tropa.NewID(), StaffID: "alice", At: base.Add(-150 * day), SealedAt: []byte("sealed time")}}})
	kept := []*tropa.NewRequest{open, recent}

	head := auditLength(t, db)
	if c := mustApplyRetention(t, db, policy.Batch(base.Add(-day), 100)); c.Total() != 0 {
		t.Errorf("a day early: %+v, want nothing done", c)
	}
	if got := auditLength(t, db); got != head {
		t.Errorf("a run that did nothing wrote %d audit entries, want none", got-head)
	}
	if c := mustApplyRetention(t, db, (tropa.Retention{}).Batch(base.Add(1000*day), 100)); c.Total() != 0 {
		t.Errorf("every rule off, long after: %+v, want nothing done", c)
	}

	// Spam has a rule of its own: deleting closed requests leaves it.
	if c := mustApplyRetention(t, db, (tropa.Retention{ClosedAfter: 100}).Batch(base, 100)); c != (tropa.RetentionCounts{DeletedClosed: 2}) {
		t.Errorf("on the day, closed cases only: %+v, want 2 deleted", c)
	}
	c := mustApplyRetention(t, db, policy.Batch(base, 100))
	if want := (tropa.RetentionCounts{DeletedSpam: 1}); c != want {
		t.Errorf("on the day: %+v, want %+v", c, want)
	}
	ev := lastAudit(t, db)
	if ev.Action != tropa.ActionRetentionRun || ev.RequestID != "" || ev.Detail != c.String() || !ev.At.Equal(us(base)) {
		t.Errorf("audit entry = %+v, want %s at %v with the counts and no request", ev, tropa.ActionRetentionRun, base)
	}
	for _, n := range []*tropa.NewRequest{closed, duplicate, spam} {
		id := n.Request.ID
		if found := rowsNaming(t, db, b.Name == "postgres", id); len(found) > 0 {
			t.Errorf("deleted request still named in %v", found)
		}
		if _, err := db.RequestByID(ctx, id); !tropa.IsCode(err, tropa.ENOTFOUND) {
			t.Errorf("RequestByID(deleted) error = %v, want ENOTFOUND", err)
		}
		if _, err := db.ReceiptByLookup(ctx, n.Receipt.Lookup); !tropa.IsCode(err, tropa.ENOTFOUND) {
			t.Errorf("ReceiptByLookup(deleted) error = %v, want ENOTFOUND", err)
		}
		for _, holder := range []string{"alice", tropa.HolderRecovery} {
			if _, err := db.KeyWrap(ctx, id, holder); !tropa.IsCode(err, tropa.ENOTFOUND) {
				t.Errorf("KeyWrap(deleted, %s) error = %v, want ENOTFOUND", holder, err)
			}
		}
	}
	for _, n := range kept {
		if found := rowsNaming(t, db, b.Name == "postgres", n.Request.ID); !slices.Contains(found, "key_wraps.request_id") ||
			!slices.Contains(found, "messages.request_id") || !slices.Contains(found, "receipts.request_id") {
			t.Errorf("kept request is named only in %v", found)
		}
	}
	if links, err := db.Links(ctx, open.Request.ID); err != nil || len(links) != 0 {
		t.Errorf("links of the open case = %v, %v; want none to the deleted one", links, err)
	}
	if c := mustApplyRetention(t, db, policy.Batch(base, 100)); c.Total() != 0 {
		t.Errorf("run again: %+v, want nothing left to do", c)
	}
}

// TestRetentionKeepsFigures deletes every closed request of a year of
// them: the figures of every month, of a few single days and of all time
// are what they were.
func TestRetentionKeepsFigures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testRetentionKeepsFigures)
}

func testRetentionKeepsFigures(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	dispositions := []tropa.Disposition{tropa.DispositionCase, tropa.DispositionCase, tropa.DispositionSpam,
		tropa.DispositionDuplicate, tropa.DispositionNotOurs, ""}
	outcomes := []tropa.Outcome{tropa.OutcomeLeftCountry, tropa.OutcomeSurrendered, tropa.OutcomeDetained}
	channels := []tropa.Channel{tropa.ChannelWeb, tropa.ChannelHotline, tropa.ChannelAPI}
	closedOnes := 0
	for i := range 60 {
		created := start.Add(time.Duration(i*6)*day + time.Duration(i*7)*time.Hour)
		a := aged{created: created, kind: tropa.Kinds[i%len(tropa.Kinds)], channel: channels[i%len(channels)],
			situation: tropa.Situations[i%len(tropa.Situations)], disposition: dispositions[i%len(dispositions)]}
		// Most are closed, some weeks later; one in six is never triaged,
		// and one case in four still open.
		if a.disposition != "" && (a.disposition != tropa.DispositionCase || i%4 != 1) {
			a.closed = created.Add(time.Duration(i%40)*day + 5*time.Hour)
			if a.disposition == tropa.DispositionCase {
				a.outcome = outcomes[i%len(outcomes)]
			}
			closedOnes++
		}
		mustAge(t, db, a)
	}
	var periods [][2]time.Time
	for m := range 14 {
		periods = append(periods, [2]time.Time{start.AddDate(0, m, 0), start.AddDate(0, m+1, 0)})
	}
	for _, d := range []int{0, 6, 37, 100, 200} {
		periods = append(periods, [2]time.Time{start.AddDate(0, 0, d), start.AddDate(0, 0, d+1)})
	}
	periods = append(periods, [2]time.Time{})
	figures := func() []*tropa.Counts {
		var list []*tropa.Counts
		for _, p := range periods {
			c, err := db.Counts(ctx, p[0], p[1])
			if err != nil {
				t.Fatalf("Counts: %v", err)
			}
			list = append(list, c)
		}
		return list
	}
	before := figures()
	b1 := (tropa.Retention{ClosedAfter: 1, SpamAfter: 1}).Batch(start.AddDate(2, 0, 0), 7)
	var done tropa.RetentionCounts
	for {
		c := mustApplyRetention(t, db, b1)
		if c.Total() == 0 {
			break
		}
		done.Add(c)
	}
	if done.DeletedClosed+done.DeletedSpam != closedOnes {
		t.Fatalf("deleted %+v, want all %d closed requests", done, closedOnes)
	}
	after := figures()
	for i, p := range periods {
		if !reflect.DeepEqual(before[i], after[i]) {
			t.Errorf("figures from %v to %v:\nbefore %+v\nafter  %+v", p[0], p[1], before[i], after[i])
		}
	}
}

// TestRetentionConcurrent runs the retention policy from two handles at
// once, as two nodes would: each request is deleted and counted once.
func TestRetentionConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testRetentionConcurrent)
}

func testRetentionConcurrent(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	where := b.New(t)
	nodes := []*store.DB{storetest.Open(t, where), storetest.Open(t, where)}
	const due = 40
	for i := range due {
		mustAge(t, nodes[0], aged{created: base.Add(-time.Duration(i) * time.Hour), closed: base,
			disposition: tropa.DispositionCase, outcome: tropa.OutcomeWithdrew})
	}
	before, err := nodes[0].Counts(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	batch := (tropa.Retention{ClosedAfter: 1}).Batch(base.Add(2*day), 3)
	var mu sync.Mutex
	var total tropa.RetentionCounts
	var wg sync.WaitGroup
	for _, node := range nodes {
		wg.Go(func() {
			for {
				b := batch
				b.Audit = tropa.AuditEvent{At: b.At, Actor: "retention", Action: tropa.ActionRetentionRun}
				c, err := node.ApplyRetention(ctx, &b)
				if err != nil {
					t.Errorf("ApplyRetention: %v", err)
					return
				}
				mu.Lock()
				total.Add(c)
				mu.Unlock()
				if c.Total() == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	if total != (tropa.RetentionCounts{DeletedClosed: due}) {
		t.Errorf("two nodes did %+v, want %d deleted in all", total, due)
	}
	after, err := nodes[1].Counts(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("figures before %+v\nafter %+v", before, after)
	}
	entries := 0
	err = nodes[0].AuditEntries(ctx, func(e *tropa.AuditEntry) error {
		if e.Action == tropa.ActionRetentionRun {
			entries++
		}
		return nil
	})
	if err != nil || entries < due/3 || entries > due {
		t.Errorf("%d retention entries (%v), want one per batch that did something", entries, err)
	}
	if got := fmt.Sprint(rowsNaming(t, nodes[1], b.Name == "postgres", "alice")); got != "[staff.id]" {
		t.Errorf("alice is named in %s after every case went, want only her staff row", got)
	}
}
