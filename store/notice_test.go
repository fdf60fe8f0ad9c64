package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

// TestNotices keeps a person's notice settings, lists the cases that may
// need them, and claims their notices for one node at a time.
func TestNotices(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testNotices)
}

func testNotices(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	alice := newStaff("alice", tropa.RoleCoordinator, true)
	gone := newStaff("gone", tropa.RoleCaseworker, false)
	mustCreateStaff(t, db, alice)
	mustCreateStaff(t, db, gone)
	if _, err := db.NoticeRecord(ctx, alice.ID); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Fatalf("NoticeRecord before any = %v, want ENOTFOUND", err)
	}
	held := newRequest(base, tropa.UrgencyHigh, alice.ID, tropa.HolderRecovery)
	orphan := newRequest(base, tropa.UrgencyNormal, gone.ID, tropa.HolderRecovery)
	mustCreateRequest(t, db, held)
	mustCreateRequest(t, db, orphan)
	due := base.Add(30 * time.Hour)
	mustUpdateCase(t, db, &tropa.CaseUpdate{RequestID: held.Request.ID, At: base, DueAt: &due,
		Deadlines: []tropa.DeadlineRecord{newDeadline(held.Request.ID, due)}})
	mustUpdateCase(t, db, &tropa.CaseUpdate{RequestID: orphan.Request.ID, At: base,
		Disposition: ptr(tropa.DispositionCase), OwnerID: ptr(gone.ID)})
	if _, err := db.DeactivateStaff(ctx, gone.ID, tropa.AuditEvent{At: base, Actor: alice.ID, Action: tropa.ActionStaffDisable}); err != nil {
		t.Fatal(err)
	}

	p := &tropa.NoticePrefs{StaffID: alice.ID, Channel: "mail", Address: "w7@example.org",
		Events: []tropa.NoticeEvent{tropa.NoticeNew, tropa.NoticeUnowned}, Digest: 2 * time.Hour, Lead: time.Hour,
		QuietStart: 22 * 60, QuietEnd: 6 * 60, Lang: "uk"}
	if err := db.SaveNoticePrefs(ctx, p, []tropa.NoticeMark{{RequestID: orphan.Request.ID, Owner: gone.ID, Messages: 1,
		Unowned: true}}); err != nil {
		t.Fatalf("SaveNoticePrefs: %v", err)
	}
	recs, err := db.NoticeRecords(ctx)
	if err != nil || len(recs) != 1 || recs[0].Address != "w7@example.org" || recs[0].Digest != 2*time.Hour ||
		recs[0].QuietEnd != 6*60 || !recs[0].Wants(tropa.NoticeUnowned) || recs[0].Wants(tropa.NoticeDue) {
		t.Fatalf("NoticeRecords = %+v, %v", recs, err)
	}

	cases, err := db.NoticeCases(ctx, alice.ID, false, base)
	if err != nil || len(cases) != 1 || cases[0].Now.RequestID != held.Request.ID || cases[0].Told != nil ||
		cases[0].Now.Messages != 1 || !cases[0].CaseDueAt.Equal(tropa.DueHour(due)) || cases[0].Urgency != tropa.UrgencyHigh {
		t.Fatalf("NoticeCases(held only) = %+v, %v", cases, err)
	}
	cases, err = db.NoticeCases(ctx, alice.ID, true, base)
	if err != nil || len(cases) != 2 {
		t.Fatalf("NoticeCases(with unowned) = %+v, %v; want 2", cases, err)
	}
	for _, c := range cases {
		if c.Now.RequestID == orphan.Request.ID && (c.Now.Owner != "" || c.Told == nil || !c.Told.Unowned ||
			c.Now.Reason != "") {
			t.Errorf("the orphan = %+v, told %+v; want no owner and the mark kept", c, c.Told)
		}
	}

	// One node at a time holds a person's notices.
	now := base.Add(90 * time.Minute)
	r, err := db.ClaimNotices(ctx, alice.ID, now, now.Add(time.Minute))
	if err != nil || r.Lang != "uk" {
		t.Fatalf("ClaimNotices = %+v, %v", r, err)
	}
	if _, err := db.ClaimNotices(ctx, alice.ID, now, now.Add(time.Minute)); !tropa.IsCode(err, tropa.ECONFLICT) {
		t.Fatalf("second ClaimNotices = %v, want ECONFLICT", err)
	}
	state := tropa.NoticeState{DigestAfter: now.Add(2 * time.Hour), LastSentAt: now}
	if err := db.FinishNotices(ctx, &tropa.NoticeDone{StaffID: alice.ID, State: state,
		Marks: []tropa.NoticeMark{{RequestID: held.Request.ID, Reason: tropa.AccessIntake, Messages: 1, DueAt: due}}}); err != nil {
		t.Fatalf("FinishNotices: %v", err)
	}
	// Its times are kept to the hour: a digest not early, the last notice
	// cut down.
	got, err := db.NoticeRecord(ctx, alice.ID)
	if err != nil || !got.DigestAfter.Equal(base.Truncate(time.Hour).Add(4*time.Hour)) ||
		!got.LastSentAt.Equal(tropa.DueHour(now)) {
		t.Errorf("after FinishNotices = %+v, %v", got, err)
	}
	// Told of, the case is news again only once it moves on.
	if cases, err = db.NoticeCases(ctx, alice.ID, false, due); err != nil || len(cases) != 0 {
		t.Errorf("NoticeCases once told = %+v, %v; want none", cases, err)
	}
	if err := db.AddMessage(ctx, &tropa.MessageRecord{ID: tropa.NewID(), RequestID: held.Request.ID,
		Author: tropa.AuthorApplicant, CreatedAt: now, SealedBody: []byte("sealed reply")}, nil); err != nil {
		t.Fatal(err)
	}
	cases, err = db.NoticeCases(ctx, alice.ID, false, base)
	if err != nil || len(cases) != 1 || cases[0].Told == nil || !cases[0].Told.DueAt.Equal(tropa.DueHour(due)) ||
		cases[0].Now.Messages != 2 || cases[0].Told.Messages != 1 {
		t.Errorf("NoticeCases after a message = %+v, %v; want the case, with its mark", cases, err)
	}
	// A failing send waits for its retry time.
	if _, err := db.ClaimNotices(ctx, alice.ID, now, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	failing := tropa.NoticeState{Failures: 1, RetryAt: now.Add(time.Minute), FailingSince: now, LastError: "auth"}
	if err := db.FinishNotices(ctx, &tropa.NoticeDone{StaffID: alice.ID, State: failing}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimNotices(ctx, alice.ID, now.Add(30*time.Second), now.Add(time.Minute)); !tropa.IsCode(err, tropa.ECONFLICT) {
		t.Errorf("ClaimNotices before the retry = %v, want ECONFLICT", err)
	}
	if r, err := db.ClaimNotices(ctx, alice.ID, now.Add(time.Minute), now.Add(2*time.Minute)); err != nil ||
		r.Failures != 1 || r.LastError != "auth" {
		t.Errorf("ClaimNotices at the retry = %+v, %v", r, err)
	}
}

// TestNoticeMarksGoWithCase deletes what staff were told of a case with
// the case.
func TestNoticeMarksGoWithCase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testNoticeMarksGoWithCase)
}

func testNoticeMarksGoWithCase(t *testing.T, b storetest.Backend) {
	t.Parallel()
	db := mustOpenStore(t, b)
	n := mustAge(t, db, aged{created: base.Add(-200 * day), closed: base.Add(-100 * day),
		disposition: tropa.DispositionCase, outcome: tropa.OutcomeLeftCountry})
	id := n.Request.ID
	if err := db.SaveNoticePrefs(context.Background(), &tropa.NoticePrefs{StaffID: "alice", Lang: "en"},
		[]tropa.NoticeMark{{RequestID: id, Reason: tropa.AccessIntake, Messages: 1}}); err != nil {
		t.Fatalf("SaveNoticePrefs: %v", err)
	}
	if found := rowsNaming(t, db, b.Name == "postgres", id); !slices.Contains(found, "notice_marks.request_id") {
		t.Fatalf("the mark is not there to delete: %v", found)
	}
	mustApplyRetention(t, db, tropa.Retention{ClosedAfter: 100}.Batch(base, 100))
	if found := rowsNaming(t, db, b.Name == "postgres", id); len(found) > 0 {
		t.Errorf("deleted request still named in %v", found)
	}
}
