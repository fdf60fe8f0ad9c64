package store_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

func ptr[T any](v T) *T { return &v }

// us is t as a store keeps it.
func us(t time.Time) time.Time { return t.Truncate(time.Microsecond) }

func mustUpdateCase(tb testing.TB, s tropa.Store, u *tropa.CaseUpdate) {
	tb.Helper()
	mustHaveHolders(tb, s, u.AddWraps)
	if err := s.UpdateCase(context.Background(), u); err != nil {
		tb.Fatalf("UpdateCase(%s): %v", u.RequestID, err)
	}
}

// newDeadline returns an open deadline of a request due at due.
func newDeadline(requestID string, due time.Time) tropa.DeadlineRecord {
	return tropa.DeadlineRecord{ID: tropa.NewID(), RequestID: requestID, Kind: tropa.DeadlineTask, StartsAt: base,
		DueAt: due, SealedLabel: []byte("sealed label"), CreatedBy: "alice", CreatedAt: base}
}

func requestIDs(list []tropa.Request) []string {
	ids := []string{}
	for _, r := range list {
		ids = append(ids, r.ID)
	}
	return ids
}

func newRequestIDs(list ...*tropa.NewRequest) []string {
	ids := []string{}
	for _, n := range list {
		ids = append(ids, n.Request.ID)
	}
	return ids
}

func TestRequestByRef(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testRequestByRef)
}

func testRequestByRef(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	n := newRequest(base, tropa.UrgencyHigh, "alice")
	other := newRequest(base, tropa.UrgencyHigh, "alice")
	mustCreateRequest(t, s, n)
	mustCreateRequest(t, s, other)
	r, err := s.RequestByRef(ctx, n.Request.Ref)
	if err != nil || r.ID != n.Request.ID || r.Ref != n.Request.Ref || r.Urgency != tropa.UrgencyHigh || r.Version != 1 {
		t.Errorf("RequestByRef = %+v, %v; want %+v", r, err, n.Request.Request)
	}
	if r, err := s.RequestByRef(ctx, n.Request.ID); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("RequestByRef(an id) = %+v, %v; want ENOTFOUND", r, err)
	}
}

func TestUpdateCase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testUpdateCase)
}

func testUpdateCase(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	n := newRequest(base, tropa.UrgencyNormal, "alice", tropa.HolderRecovery)
	mustCreateRequest(t, s, n)
	mustHaveHolders(t, s, []tropa.KeyWrap{{Holder: "bob"}})
	id := n.Request.ID
	auditBefore := auditLength(t, s)

	at := base.Add(time.Hour)
	closed := base.Add(2 * time.Hour)
	event := tropa.CaseEventRecord{ID: tropa.NewID(), At: at, Actor: "alice", Action: tropa.CaseStage,
		From: string(tropa.StageNew), To: string(tropa.StageCounselling)}
	noted := tropa.CaseEventRecord{ID: tropa.NewID(), RequestID: id, At: at, Actor: "alice", Action: tropa.CaseOutcome,
		To: string(tropa.OutcomeLeftCountry), SealedNote: []byte("sealed reason")}
	u := &tropa.CaseUpdate{RequestID: id, Version: 1, At: at,
		Stage: ptr(tropa.StageCounselling), Urgency: ptr(tropa.UrgencyHigh), Disposition: ptr(tropa.DispositionCase),
		Outcome: ptr(tropa.OutcomeLeftCountry), OwnerID: ptr("bob"), ClosedAt: &closed,
		SealedDetails: []byte("sealed details"),
		AddWraps:      []tropa.KeyWrap{{Holder: "bob", Reason: tropa.AccessOwner, Wrapped: []byte("wrapped to bob")}},
		Events:        []tropa.CaseEventRecord{event, noted},
		Audit: []tropa.AuditEvent{{At: at, Actor: "alice", Action: tropa.ActionCaseChange, RequestID: id},
			{At: at, Actor: "alice", Action: tropa.ActionCaseGrant, RequestID: id, Detail: "bob"}},
	}
	mustUpdateCase(t, s, u)

	r := mustRequest(t, s, id)
	if r.Stage != tropa.StageCounselling || r.Urgency != tropa.UrgencyHigh || r.Disposition != tropa.DispositionCase ||
		r.Outcome != tropa.OutcomeLeftCountry || r.OwnerID != "bob" || !r.ClosedAt.Equal(tropa.Day(closed)) || r.Open() ||
		!r.UpdatedAt.Equal(tropa.Day(at)) || r.Version != 2 || !bytes.Equal(r.SealedDetails, u.SealedDetails) {
		t.Errorf("after UpdateCase: %+v; want every field set and version 2", r)
	}
	if r.Kind != n.Request.Kind || r.Ref != n.Request.Ref || !bytes.Equal(r.SealedContact, n.Request.SealedContact) {
		t.Errorf("after UpdateCase: %+v; want kind, ref and contact unchanged", r)
	}
	w, err := s.KeyWrap(ctx, id, "bob")
	if err != nil || w.Reason != tropa.AccessOwner || !bytes.Equal(w.Wrapped, []byte("wrapped to bob")) || !w.CreatedAt.Equal(tropa.Day(at)) {
		t.Errorf("KeyWrap(bob) = %+v, %v; want the owner's wrap made at %v", w, err, tropa.Day(at))
	}
	events, err := s.CaseEvents(ctx, id)
	if err != nil || len(events) != 2 {
		t.Fatalf("CaseEvents = %+v, %v; want 2", events, err)
	}
	for i, want := range []tropa.CaseEventRecord{event, noted} {
		got := events[slices.IndexFunc(events, func(e tropa.CaseEventRecord) bool { return e.ID == want.ID })]
		if got.RequestID != id || !got.At.Equal(tropa.Day(want.At)) || got.Actor != want.Actor || got.Action != want.Action ||
			got.From != want.From || got.To != want.To || !bytes.Equal(got.SealedNote, want.SealedNote) {
			t.Errorf("event %d = %+v, want %+v", i, got, want)
		}
	}
	if events[0].SealedNote != nil && events[1].SealedNote != nil {
		t.Errorf("events = %+v; want one without a note", events)
	}
	if got := auditLength(t, s); got != auditBefore+2 {
		t.Errorf("audit log has %d entries, want %d", got, auditBefore+2)
	}

	// Without a version the update is not checked; nil fields stay.
	reopened := base.Add(3 * time.Hour)
	mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: id, At: reopened, ClosedAt: &time.Time{}, Stage: ptr(tropa.StageExitPlan)})
	r = mustRequest(t, s, id)
	if r.Stage != tropa.StageExitPlan || !r.Open() || r.Version != 3 || !r.UpdatedAt.Equal(tropa.Day(reopened)) ||
		r.Urgency != tropa.UrgencyHigh || r.OwnerID != "bob" || r.Outcome != tropa.OutcomeLeftCountry ||
		!bytes.Equal(r.SealedDetails, u.SealedDetails) {
		t.Errorf("after reopening: %+v; want stage exit_plan, open, version 3, other fields kept", r)
	}
	mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: id, Version: 3, At: reopened, OwnerID: ptr("")})
	if r = mustRequest(t, s, id); r.OwnerID != "" || r.Version != 4 {
		t.Errorf("after releasing: owner %q, version %d; want none, 4", r.OwnerID, r.Version)
	}
}

// TestUpdateCaseRefused checks updates that must change nothing at all: not
// the request, its keys, deadlines, links or history, nor the audit log.
func TestUpdateCaseRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testUpdateCaseRefused)
}

func testUpdateCaseRefused(t *testing.T, b storetest.Backend) {
	t.Parallel()
	tests := []struct {
		name   string
		code   string
		change func(u *tropa.CaseUpdate, other string)
	}{
		{"stale version", tropa.ECONFLICT, func(u *tropa.CaseUpdate, other string) { u.Version = 1 }},
		{"future version", tropa.ECONFLICT, func(u *tropa.CaseUpdate, other string) { u.Version = 3 }},
		{"unknown request", tropa.ENOTFOUND, func(u *tropa.CaseUpdate, other string) { u.RequestID = tropa.NewID() }},
		{"unknown request with a version", tropa.ENOTFOUND, func(u *tropa.CaseUpdate, other string) {
			u.RequestID, u.Version = tropa.NewID(), 1
		}},
		{"link to an unknown request", tropa.ENOTFOUND, func(u *tropa.CaseUpdate, other string) {
			u.Links = append(u.Links, tropa.NewID())
		}},
		{"link to itself", tropa.EINVALID, func(u *tropa.CaseUpdate, other string) { u.Links = append(u.Links, u.RequestID) }},
		{"deadline of another request", tropa.ENOTFOUND, func(u *tropa.CaseUpdate, other string) {
			u.Deadlines[0].ID = other
		}},
		{"event id in use", tropa.ECONFLICT, func(u *tropa.CaseUpdate, other string) { u.Events = append(u.Events, u.Events[0]) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var s tropa.Store = mustOpenStore(t, b)
			n := newRequest(base, tropa.UrgencyNormal, "alice", "carol")
			linked := newRequest(base, tropa.UrgencyNormal, "alice")
			mustCreateRequest(t, s, n)
			mustCreateRequest(t, s, linked)
			id := n.Request.ID
			otherDeadline := newDeadline(linked.Request.ID, base.Add(time.Hour))
			mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: linked.Request.ID, At: base,
				Deadlines: []tropa.DeadlineRecord{otherDeadline}, DueAt: ptr(otherDeadline.DueAt)})
			mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: id, Version: 1, At: base, Stage: ptr(tropa.StageTriage)})
			mustHaveHolders(t, s, []tropa.KeyWrap{{Holder: "bob"}})
			before := mustRequest(t, s, id)
			auditBefore := auditLength(t, s)

			u := &tropa.CaseUpdate{RequestID: id, Version: 2, At: base.Add(time.Hour),
				Stage: ptr(tropa.StageCounselling), Urgency: ptr(tropa.UrgencyHigh), OwnerID: ptr("bob"),
				SealedDetails: []byte("new details"),
				AddWraps: []tropa.KeyWrap{{Holder: "bob", Wrapped: []byte("to bob")},
					{Holder: "alice", Reason: tropa.AccessOwner, Wrapped: []byte("again to alice")}},
				RemoveHolders: []string{"carol"},
				Deadlines:     []tropa.DeadlineRecord{newDeadline(id, base.Add(2*time.Hour))},
				DueAt:         ptr(base.Add(2 * time.Hour)),
				Links:         []string{linked.Request.ID},
				Events:        []tropa.CaseEventRecord{{ID: tropa.NewID(), At: base, Actor: "alice", Action: tropa.CaseAssign}},
				Audit:         []tropa.AuditEvent{{At: base, Actor: "alice", Action: tropa.ActionCaseChange, RequestID: id}},
			}
			tt.change(u, otherDeadline.ID)
			if err := s.UpdateCase(ctx, u); !tropa.IsCode(err, tt.code) {
				t.Fatalf("UpdateCase: error = %v, want %s", err, tt.code)
			} else if tt.code == tropa.ECONFLICT && tt.name != "event id in use" {
				var e *tropa.Error
				if !errors.As(err, &e) || e.MessageID != "ErrCaseChanged" {
					t.Errorf("UpdateCase: error = %#v, want message ErrCaseChanged", err)
				}
			}

			after := mustRequest(t, s, id)
			if after.Version != 2 || after.Stage != tropa.StageTriage || after.Urgency != before.Urgency ||
				after.OwnerID != "" || !after.UpdatedAt.Equal(before.UpdatedAt) || !after.DueAt.IsZero() ||
				after.SealedDetails != nil {
				t.Errorf("request after a refused update = %+v, want unchanged %+v", after, before)
			}
			wraps, err := s.KeyWraps(ctx, id)
			if err != nil {
				t.Fatalf("KeyWraps: %v", err)
			}
			var holders []string
			for _, w := range wraps {
				holders = append(holders, w.Holder+":"+w.Reason+":"+string(w.Wrapped))
			}
			if want := []string{"alice:intake:wrapped to alice", "carol:intake:wrapped to carol"}; !slices.Equal(holders, want) {
				t.Errorf("wraps after a refused update = %q, want %q", holders, want)
			}
			if ds, err := s.Deadlines(ctx, id); err != nil || len(ds) != 0 {
				t.Errorf("Deadlines after a refused update = %+v, %v; want none", ds, err)
			}
			if ds, err := s.Deadlines(ctx, linked.Request.ID); err != nil || len(ds) != 1 || !ds[0].DueAt.Equal(tropa.DueHour(otherDeadline.DueAt)) {
				t.Errorf("other request's deadlines after a refused update = %+v, %v; want %+v unchanged", ds, err, otherDeadline)
			}
			if r := mustRequest(t, s, linked.Request.ID); !r.DueAt.Equal(tropa.DueHour(otherDeadline.DueAt)) {
				t.Errorf("other request due %v after a refused update, want %v", r.DueAt, otherDeadline.DueAt)
			}
			for _, rid := range []string{id, linked.Request.ID} {
				if links, err := s.Links(ctx, rid); err != nil || len(links) != 0 {
					t.Errorf("Links(%s) after a refused update = %q, %v; want none", rid, requestIDs(links), err)
				}
			}
			if es, err := s.CaseEvents(ctx, id); err != nil || len(es) != 0 {
				t.Errorf("CaseEvents after a refused update = %+v, %v; want none", es, err)
			}
			if got := auditLength(t, s); got != auditBefore {
				t.Errorf("audit log has %d entries after a refused update, want %d", got, auditBefore)
			}
		})
	}
}

func TestUpdateCaseWraps(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testUpdateCaseWraps)
}

func testUpdateCaseWraps(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	n := newRequest(base, tropa.UrgencyNormal, "alice", "carol", tropa.HolderRecovery)
	mustCreateRequest(t, s, n)
	id := n.Request.ID
	later := base.Add(time.Hour)

	mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: id, At: later,
		AddWraps: []tropa.KeyWrap{
			{RequestID: id, Holder: "bob", Reason: tropa.AccessOwner, Wrapped: []byte("to bob")},
			{Holder: "dave", Wrapped: []byte("to dave"), CreatedAt: base.Add(2 * time.Hour)},
			{Holder: "alice", Reason: tropa.AccessReferral, Wrapped: []byte("again to alice")},
		},
		RemoveHolders: []string{"carol", "nobody"},
	})
	wraps, err := s.KeyWraps(ctx, id)
	if err != nil {
		t.Fatalf("KeyWraps: %v", err)
	}
	type wrap struct {
		holder, reason, wrapped string
		at                      time.Time
	}
	var got []wrap
	for _, w := range wraps {
		if w.RequestID != id {
			t.Errorf("KeyWraps gave %+v of another request", w)
		}
		got = append(got, wrap{w.Holder, w.Reason, string(w.Wrapped), w.CreatedAt})
	}
	// Granted on one day, which is all the store keeps of when: by holder.
	want := []wrap{
		{"alice", tropa.AccessReferral, "again to alice", tropa.Day(base)},
		{"bob", tropa.AccessOwner, "to bob", tropa.Day(later)},
		{"dave", tropa.AccessIntake, "to dave", tropa.Day(base.Add(2 * time.Hour))},
		{tropa.HolderRecovery, tropa.AccessIntake, "wrapped to recovery", tropa.Day(base)},
	}
	if !slices.Equal(got, want) {
		t.Errorf("KeyWraps = %+v\nwant %+v", got, want)
	}
	if _, err := s.KeyWrap(ctx, id, "carol"); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("KeyWrap(carol) after removing: error = %v, want ENOTFOUND", err)
	}
	if err := s.UpdateCase(ctx, &tropa.CaseUpdate{RequestID: id, At: later,
		AddWraps: []tropa.KeyWrap{{RequestID: tropa.NewID(), Holder: "eve", Wrapped: []byte("x")}}}); !tropa.IsCode(err, tropa.EINVALID) {
		t.Errorf("UpdateCase with a wrap of another request: error = %v, want EINVALID", err)
	}
}

func TestUpdateCaseLinks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testUpdateCaseLinks)
}

func testUpdateCaseLinks(t *testing.T, backend storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, backend)
	// A day apart, so that oldest first is told by what the store keeps.
	a := newRequest(base, tropa.UrgencyNormal, "alice")
	b := newRequest(base.AddDate(0, 0, 1), tropa.UrgencyNormal, "alice")
	c := newRequest(base.AddDate(0, 0, 2), tropa.UrgencyNormal, "alice")
	other := newRequest(base.AddDate(0, 0, 3), tropa.UrgencyNormal, "alice")
	for _, n := range []*tropa.NewRequest{a, b, c, other} {
		mustCreateRequest(t, s, n)
	}
	mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: c.Request.ID, At: base, Links: []string{a.Request.ID}})
	mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: c.Request.ID, At: base, Links: []string{b.Request.ID, a.Request.ID}})
	mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: a.Request.ID, At: base, Links: []string{c.Request.ID}})

	for _, tt := range []struct {
		of   *tropa.NewRequest
		want []string
	}{
		{c, newRequestIDs(a, b)},
		{a, newRequestIDs(c)},
		{b, newRequestIDs(c)},
		{other, []string{}},
	} {
		got, err := s.Links(ctx, tt.of.Request.ID)
		if err != nil {
			t.Fatalf("Links: %v", err)
		}
		if ids := requestIDs(got); !slices.Equal(ids, tt.want) {
			t.Errorf("Links(%s) = %q, want %q", tt.of.Request.ID, ids, tt.want)
		}
	}
	if r := mustRequest(t, s, c.Request.ID); r.Version != 3 {
		t.Errorf("version after two updates = %d, want 3", r.Version)
	}
}

func TestListsOfUnknownRequest(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testListsOfUnknownRequest)
}

func testListsOfUnknownRequest(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	id := tropa.NewID()
	if l, err := s.KeyWraps(ctx, id); err != nil || len(l) != 0 {
		t.Errorf("KeyWraps = %+v, %v; want none", l, err)
	}
	if l, err := s.Deadlines(ctx, id); err != nil || len(l) != 0 {
		t.Errorf("Deadlines = %+v, %v; want none", l, err)
	}
	if l, err := s.CaseEvents(ctx, id); err != nil || len(l) != 0 {
		t.Errorf("CaseEvents = %+v, %v; want none", l, err)
	}
	if l, err := s.Links(ctx, id); err != nil || len(l) != 0 {
		t.Errorf("Links = %+v, %v; want none", l, err)
	}
}
