package store_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

func TestCreateRequest(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testCreateRequest)
}

func testCreateRequest(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	n := newRequest(base, tropa.UrgencyHigh, "alice", tropa.HolderRecovery)
	n.Wraps[1].Reason = "recovery reason"
	mustCreateRequest(t, s, n)

	rr, err := s.RequestByID(ctx, n.Request.ID)
	if err != nil {
		t.Fatalf("RequestByID: %v", err)
	}
	want := n.Request
	if rr.ID != want.ID || rr.Ref != want.Ref || rr.Kind != want.Kind || rr.Situation != want.Situation ||
		rr.Channel != want.Channel || rr.Stage != want.Stage || rr.Urgency != want.Urgency ||
		!rr.CreatedAt.Equal(tropa.Day(base)) || !rr.LastStaffAt.IsZero() || rr.LastAuthor != tropa.AuthorApplicant ||
		!bytes.Equal(rr.SealedContact, want.SealedContact) {
		t.Errorf("RequestByID = %+v, want %+v", rr, want)
	}
	if rr.Version != 1 || !rr.UpdatedAt.Equal(rr.CreatedAt) || !rr.DueAt.IsZero() || !rr.ClosedAt.IsZero() || !rr.Open() ||
		rr.Disposition != tropa.DispositionUntriaged || rr.Outcome != "" || rr.OwnerID != "" || rr.SealedDetails != nil {
		t.Errorf("RequestByID casework = %+v; want version 1, updated when created, open, untriaged, no deadline, owner or details", rr)
	}
	msgs, err := s.Messages(ctx, n.Request.ID, false)
	if err != nil || len(msgs) != 1 || msgs[0].ID != n.First.ID || msgs[0].Author != tropa.AuthorApplicant ||
		msgs[0].StaffID != "" || !bytes.Equal(msgs[0].SealedBody, n.First.SealedBody) {
		t.Errorf("Messages = %+v, %v; want the first message", msgs, err)
	}
	for i, w := range n.Wraps {
		wantReason := []string{tropa.AccessIntake, "recovery reason"}[i]
		got, err := s.KeyWrap(ctx, n.Request.ID, w.Holder)
		if err != nil || !bytes.Equal(got.Wrapped, w.Wrapped) || got.Reason != wantReason {
			t.Errorf("KeyWrap(%q) = %+v, %v; want %q for reason %q", w.Holder, got, err, w.Wrapped, wantReason)
		}
	}
	rc, err := s.ReceiptByLookup(ctx, n.Receipt.Lookup)
	if err != nil || rc.RequestID != n.Request.ID || rc.KDF != n.Receipt.KDF || !bytes.Equal(rc.Salt, n.Receipt.Salt) ||
		!bytes.Equal(rc.Verifier, n.Receipt.Verifier) || !bytes.Equal(rc.SealedKey, n.Receipt.SealedKey) {
		t.Errorf("ReceiptByLookup = %+v, %v; want %+v", rc, err, n.Receipt)
	}

	if _, err := s.RequestByID(ctx, tropa.NewID()); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("RequestByID(unknown): error = %v, want ENOTFOUND", err)
	}
	if _, err := s.ReceiptByLookup(ctx, "00000000"); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("ReceiptByLookup(unknown): error = %v, want ENOTFOUND", err)
	}
}

// TestCreateRequestIsAtomic makes one part of a request collide with one
// already stored: nothing of the refused request remains, and the same
// request with the collision mended can then be written.
func TestCreateRequestIsAtomic(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testCreateRequestIsAtomic)
}

func testCreateRequestIsAtomic(t *testing.T, b storetest.Backend) {
	t.Parallel()
	tests := []struct {
		name    string
		collide func(n, first *tropa.NewRequest)
	}{
		{"duplicate receipt lookup", func(n, first *tropa.NewRequest) { n.Receipt.Lookup = first.Receipt.Lookup }},
		{"duplicate ref", func(n, first *tropa.NewRequest) { n.Request.Ref = first.Request.Ref }},
		{"duplicate first message id", func(n, first *tropa.NewRequest) { n.First.ID = first.First.ID }},
		{"duplicate key wrap", func(n, first *tropa.NewRequest) { n.Wraps = append(n.Wraps, n.Wraps[0]) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var s tropa.Store = mustOpenStore(t, b)
			first := newRequest(base, tropa.UrgencyNormal, "alice")
			mustCreateRequest(t, s, first)

			n := newRequest(base.Add(time.Minute), tropa.UrgencyNormal, "alice")
			broken := *n
			broken.Wraps = slices.Clone(n.Wraps)
			tt.collide(&broken, first)
			if err := s.CreateRequest(ctx, &broken); !tropa.IsCode(err, tropa.ECONFLICT) {
				t.Fatalf("CreateRequest with a collision: error = %v, want ECONFLICT", err)
			}

			id := n.Request.ID
			if _, err := s.RequestByID(ctx, id); !tropa.IsCode(err, tropa.ENOTFOUND) {
				t.Errorf("RequestByID(refused): error = %v, want ENOTFOUND", err)
			}
			if msgs, err := s.Messages(ctx, id, true); err != nil || len(msgs) != 0 {
				t.Errorf("Messages(refused) = %+v, %v; want none", msgs, err)
			}
			if _, err := s.KeyWrap(ctx, id, "alice"); !tropa.IsCode(err, tropa.ENOTFOUND) {
				t.Errorf("KeyWrap(refused): error = %v, want ENOTFOUND", err)
			}
			if rc, err := s.ReceiptByLookup(ctx, broken.Receipt.Lookup); err == nil && rc.RequestID == id {
				t.Errorf("ReceiptByLookup finds the refused request's receipt")
			}
			if queue, err := s.Queue(ctx, tropa.QueueFilter{Holder: "alice"}); err != nil || len(queue) != 1 {
				t.Errorf("Queue = %+v, %v; want only the first request", queue, err)
			}

			mustCreateRequest(t, s, n)
			if _, err := s.RequestByID(ctx, id); err != nil {
				t.Errorf("RequestByID after mending: %v", err)
			}
		})
	}
}

func TestAddMessage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testAddMessage)
}

func testAddMessage(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	alice := newStaff("alice", tropa.RoleCaseworker, true)
	mustCreateStaff(t, s, alice)
	n := newRequest(base, tropa.UrgencyNormal, alice.ID)
	mustCreateRequest(t, s, n)
	id := n.Request.ID

	staffAt := base.Add(time.Hour).Truncate(time.Microsecond)
	reply := &tropa.MessageRecord{ID: tropa.NewID(), RequestID: id, Author: tropa.AuthorStaff, StaffID: alice.ID,
		CreatedAt: staffAt, SealedBody: []byte("sealed reply")}
	before := auditLength(t, s)
	ev := &tropa.AuditEvent{At: staffAt, Actor: alice.ID, Action: tropa.ActionRequestReply, RequestID: id}
	if err := s.AddMessage(ctx, reply, ev); err != nil {
		t.Fatalf("AddMessage(staff): %v", err)
	}
	r := mustRequest(t, s, id)
	// All on one day, the grain of the times kept: who wrote last is kept
	// apart.
	if !r.LastStaffAt.Equal(tropa.Day(staffAt)) || !r.LastApplicantAt.Equal(tropa.Day(base)) || r.AwaitingReply() {
		t.Errorf("after a staff reply: last staff %v, last applicant %v, awaiting %v; want %v, %v, not awaiting",
			r.LastStaffAt, r.LastApplicantAt, r.AwaitingReply(), tropa.Day(staffAt), tropa.Day(base))
	}
	if got := auditLength(t, s); got != before+1 {
		t.Errorf("audit log has %d entries after a reply with an event, want %d", got, before+1)
	}

	applicantAt := base.Add(2 * time.Hour).Truncate(time.Microsecond)
	answer := &tropa.MessageRecord{ID: tropa.NewID(), RequestID: id, Author: tropa.AuthorApplicant,
		CreatedAt: applicantAt, SealedBody: []byte("sealed answer")}
	if err := s.AddMessage(ctx, answer, nil); err != nil {
		t.Fatalf("AddMessage(applicant): %v", err)
	}
	r = mustRequest(t, s, id)
	if !r.LastApplicantAt.Equal(tropa.Day(applicantAt)) || !r.LastStaffAt.Equal(tropa.Day(staffAt)) || !r.AwaitingReply() {
		t.Errorf("after the applicant's answer: last applicant %v, last staff %v, awaiting %v; want %v, %v, awaiting",
			r.LastApplicantAt, r.LastStaffAt, r.AwaitingReply(), tropa.Day(applicantAt), tropa.Day(staffAt))
	}
	if got := auditLength(t, s); got != before+1 {
		t.Errorf("audit log has %d entries after a message without an event, want %d", got, before+1)
	}

	msgs, err := s.Messages(ctx, id, false)
	if err != nil {
		t.Fatalf("Messages: %v", err)
	}
	var ids []string
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	if want := []string{n.First.ID, reply.ID, answer.ID}; !slices.Equal(ids, want) {
		t.Errorf("Messages = %q, want %q, oldest first", ids, want)
	}
	if msgs[1].StaffID != alice.ID || msgs[1].Author != tropa.AuthorStaff {
		t.Errorf("staff reply stored as %+v, want author staff by alice", msgs[1])
	}
}

// TestAddMessageUnknownRequest checks that a message of any author to an
// unknown request is ENOTFOUND, and that its audit event is not kept either.
func TestAddMessageUnknownRequest(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testAddMessageUnknownRequest)
}

func testAddMessageUnknownRequest(t *testing.T, b storetest.Backend) {
	t.Parallel()
	for _, author := range []tropa.Author{tropa.AuthorApplicant, tropa.AuthorStaff, tropa.AuthorNote} {
		t.Run(string(author), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var s tropa.Store = mustOpenStore(t, b)
			alice := newStaff("alice", tropa.RoleCaseworker, true)
			mustCreateStaff(t, s, alice)
			before := auditLength(t, s)
			id := tropa.NewID()
			m := &tropa.MessageRecord{ID: tropa.NewID(), RequestID: id, Author: author, CreatedAt: base,
				SealedBody: []byte("sealed")}
			if author != tropa.AuthorApplicant {
				m.StaffID = alice.ID
			}
			ev := &tropa.AuditEvent{At: base, Actor: "someone", Action: tropa.ActionRequestReply, RequestID: id}
			if err := s.AddMessage(ctx, m, ev); !tropa.IsCode(err, tropa.ENOTFOUND) {
				t.Fatalf("AddMessage to an unknown request: error = %v, want ENOTFOUND", err)
			}
			if n := auditLength(t, s); n != before {
				t.Errorf("audit log has %d entries, want %d", n, before)
			}
		})
	}
}

// TestNotes adds an internal note between two messages: only staff asking
// for notes see it, and it changes neither who wrote last nor when.
func TestNotes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testNotes)
}

func testNotes(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	alice := newStaff("alice", tropa.RoleCaseworker, true)
	mustCreateStaff(t, s, alice)
	n := newRequest(base, tropa.UrgencyNormal, alice.ID)
	mustCreateRequest(t, s, n)
	id := n.Request.ID
	reply := &tropa.MessageRecord{ID: tropa.NewID(), RequestID: id, Author: tropa.AuthorStaff, StaffID: alice.ID,
		CreatedAt: base.Add(time.Hour), SealedBody: []byte("sealed reply")}
	if err := s.AddMessage(ctx, reply, nil); err != nil {
		t.Fatalf("AddMessage(reply): %v", err)
	}
	before := mustRequest(t, s, id)
	auditBefore := auditLength(t, s)

	note := &tropa.MessageRecord{ID: tropa.NewID(), RequestID: id, Author: tropa.AuthorNote, StaffID: alice.ID,
		CreatedAt: base.Add(2 * time.Hour), SealedBody: []byte("sealed note")}
	ev := &tropa.AuditEvent{At: note.CreatedAt, Actor: alice.ID, Action: tropa.ActionCaseNote, RequestID: id}
	if err := s.AddMessage(ctx, note, ev); err != nil {
		t.Fatalf("AddMessage(note): %v", err)
	}
	after := mustRequest(t, s, id)
	if !after.LastStaffAt.Equal(before.LastStaffAt) || !after.LastApplicantAt.Equal(before.LastApplicantAt) {
		t.Errorf("after a note: last staff %v, last applicant %v; want unchanged %v, %v",
			after.LastStaffAt, after.LastApplicantAt, before.LastStaffAt, before.LastApplicantAt)
	}
	if got := auditLength(t, s); got != auditBefore+1 {
		t.Errorf("audit log has %d entries after a note, want %d", got, auditBefore+1)
	}

	for _, tt := range []struct {
		withNotes bool
		want      []string
	}{
		{false, []string{n.First.ID, reply.ID}},
		{true, []string{n.First.ID, reply.ID, note.ID}},
	} {
		msgs, err := s.Messages(ctx, id, tt.withNotes)
		if err != nil {
			t.Fatalf("Messages(withNotes %v): %v", tt.withNotes, err)
		}
		var ids []string
		for _, m := range msgs {
			ids = append(ids, m.ID)
		}
		if !slices.Equal(ids, tt.want) {
			t.Errorf("Messages(withNotes %v) = %q, want %q", tt.withNotes, ids, tt.want)
		}
		if tt.withNotes && len(msgs) == 3 && (msgs[2].Author != tropa.AuthorNote || msgs[2].StaffID != alice.ID) {
			t.Errorf("note stored as %+v, want author note by alice", msgs[2])
		}
	}
}

func TestKeyWrapNotFound(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testKeyWrapNotFound)
}

func testKeyWrapNotFound(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	n := newRequest(base, tropa.UrgencyNormal, "alice")
	mustCreateRequest(t, s, n)
	if _, err := s.KeyWrap(ctx, n.Request.ID, "alice"); err != nil {
		t.Fatalf("KeyWrap(alice): %v", err)
	}
	for holder, requestID := range map[string]string{"bob": n.Request.ID, "alice": tropa.NewID()} {
		if w, err := s.KeyWrap(ctx, requestID, holder); !tropa.IsCode(err, tropa.ENOTFOUND) {
			t.Errorf("KeyWrap(%q, %q) = %+v, %v; want ENOTFOUND", requestID, holder, w, err)
		}
	}
}

func mustRequest(tb testing.TB, s tropa.Store, id string) *tropa.RequestRecord {
	tb.Helper()
	r, err := s.RequestByID(context.Background(), id)
	if err != nil {
		tb.Fatalf("RequestByID: %v", err)
	}
	return r
}
