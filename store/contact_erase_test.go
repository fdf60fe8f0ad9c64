package store_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

func TestRetentionContacts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testRetentionContacts)
}

func testRetentionContacts(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	policy := tropa.Retention{ContactAfter: 30}
	open := mustAge(t, db, aged{created: base.Add(-400 * day), disposition: tropa.DispositionCase})
	closed := mustAge(t, db, aged{created: base.Add(-40 * day), closed: base.Add(-30 * day),
		disposition: tropa.DispositionCase, outcome: tropa.OutcomeLeftCountry})
	// Closed on the same day as closed, earlier: the day is all the store
	// keeps of when, and what the policy counts from.
	notOurs := mustAge(t, db, aged{created: base.Add(-40 * day), closed: base.Add(-30*day - 2*time.Hour),
		disposition: tropa.DispositionNotOurs})

	if c := mustApplyRetention(t, db, policy.Batch(base.Add(-day), 100)); c.Total() != 0 {
		t.Errorf("a day early: %+v, want nothing done", c)
	}
	if c := mustApplyRetention(t, db, policy.Batch(base, 100)); c != (tropa.RetentionCounts{ContactsErased: 2}) {
		t.Errorf("on the day: %+v, want 2 contacts erased", c)
	}
	for _, n := range []*tropa.NewRequest{closed, notOurs} {
		rr := mustRequest(t, db, n.Request.ID)
		if len(rr.SealedContact) != 0 || !rr.ContactErasedAt.Equal(tropa.Day(base)) {
			t.Errorf("erased request: contact %q erased at %v, want none, erased at %v", rr.SealedContact, rr.ContactErasedAt, base)
		}
		if msgs, err := db.Messages(ctx, n.Request.ID, true); err != nil || len(msgs) != 2 {
			t.Errorf("messages after erasing the contact = %d, %v; want both kept", len(msgs), err)
		}
	}
	if rr := mustRequest(t, db, open.Request.ID); !rr.ContactErasedAt.IsZero() || len(rr.SealedContact) == 0 {
		t.Errorf("open case: contact erased at %v, want kept", rr.ContactErasedAt)
	}
	head := auditLength(t, db)
	if c := mustApplyRetention(t, db, policy.Batch(base.Add(day), 100)); c.Total() != 0 {
		t.Errorf("run again: %+v, want nothing left to do", c)
	}
	if got := auditLength(t, db); got != head {
		t.Errorf("a run that did nothing wrote %d audit entries", got-head)
	}
}

func TestEraseContact(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testEraseContact)
}

func testEraseContact(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	n := mustAge(t, db, aged{created: base, disposition: tropa.DispositionCase})
	id := n.Request.ID
	erase := func(at time.Time) error {
		return db.EraseContact(ctx, &tropa.ContactErasure{RequestID: id, At: at,
			Event: tropa.CaseEventRecord{ID: tropa.NewID(), At: at, Actor: "applicant", Action: tropa.CaseEraseContact},
			Audit: tropa.AuditEvent{At: at, Actor: "applicant", Action: tropa.ActionContactErase, RequestID: id}})
	}
	if err := erase(base.Add(time.Hour)); err != nil {
		t.Fatalf("EraseContact: %v", err)
	}
	rr := mustRequest(t, db, id)
	if len(rr.SealedContact) != 0 || !rr.ContactErasedAt.Equal(tropa.Day(base.Add(time.Hour))) || rr.Version != 2 {
		t.Errorf("after EraseContact: contact %q erased at %v version %d; want none, erased then, version unchanged",
			rr.SealedContact, rr.ContactErasedAt, rr.Version)
	}
	events, err := db.CaseEvents(ctx, id)
	if err != nil || len(events) != 2 || events[1].Action != tropa.CaseEraseContact || events[1].Actor != "applicant" {
		t.Errorf("history = %+v, %v; want the erasure last", events, err)
	}
	if ev := lastAudit(t, db); ev.Action != tropa.ActionContactErase || ev.RequestID != id {
		t.Errorf("audit = %+v, want the erasure", ev)
	}

	head := auditLength(t, db)
	if err := erase(base.Add(2 * time.Hour)); err != nil {
		t.Errorf("EraseContact again: %v, want nil", err)
	}
	if rr := mustRequest(t, db, id); !rr.ContactErasedAt.Equal(tropa.Day(base.Add(time.Hour))) {
		t.Errorf("erased again: erased at %v, want the first time", rr.ContactErasedAt)
	}
	if events, _ := db.CaseEvents(ctx, id); len(events) != 2 || auditLength(t, db) != head {
		t.Errorf("erasing again recorded it again: %d history entries, %d new audit entries", len(events), auditLength(t, db)-head)
	}
	id = tropa.NewID()
	if err := erase(base); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("EraseContact(unknown) error = %v, want ENOTFOUND", err)
	}
}
