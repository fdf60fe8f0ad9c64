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

// newAttachment is an attachment of a message as a desk writes it.
func newAttachment(at time.Time, content string) tropa.AttachmentRecord {
	id := tropa.NewID()
	return tropa.AttachmentRecord{ID: id, Type: "image/png", Size: int64(len(content)), CreatedAt: at,
		SealedName: []byte("sealed name of " + id), SealedData: []byte(content)}
}

func TestAttachments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testAttachments)
}

// testAttachments writes two attachments with a request's first message
// and one with a reply: they are listed without content, read one by one with it,
// and never through another request.
func testAttachments(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	n := newRequest(base, tropa.UrgencyNormal, "alice")
	// Sent at once, they come back in the order sent, whatever their ids.
	first, second := newAttachment(base, "sealed photo one"), newAttachment(base, "sealed photo two")
	first.ID, second.ID = "z"+first.ID, "a"+second.ID
	n.First.Attachments = []tropa.AttachmentRecord{first, second}
	mustCreateRequest(t, s, n)
	other := newRequest(base, tropa.UrgencyNormal, "alice")
	mustCreateRequest(t, s, other)

	reply := &tropa.MessageRecord{ID: tropa.NewID(), RequestID: n.Request.ID, Author: tropa.AuthorApplicant,
		CreatedAt: base.Add(time.Hour), SealedBody: []byte("sealed reply"),
		Attachments: []tropa.AttachmentRecord{newAttachment(base.Add(time.Hour), "sealed photo three")}}
	if err := s.AddMessage(ctx, reply, nil); err != nil {
		t.Fatalf("AddMessage: %v", err)
	}

	list, err := s.Attachments(ctx, n.Request.ID)
	if err != nil || len(list) != 3 {
		t.Fatalf("Attachments = %+v, %v; want three", list, err)
	}
	for i, want := range []struct {
		rec     tropa.AttachmentRecord
		message string
	}{{first, n.First.ID}, {second, n.First.ID}, {reply.Attachments[0], reply.ID}} {
		got := list[i]
		if got.ID != want.rec.ID || got.MessageID != want.message || got.RequestID != n.Request.ID ||
			got.Type != want.rec.Type || got.Size != want.rec.Size || !got.CreatedAt.Equal(tropa.Day(want.rec.CreatedAt)) ||
			!bytes.Equal(got.SealedName, want.rec.SealedName) {
			t.Errorf("attachment %d = %+v, want %+v of message %s", i, got, want.rec, want.message)
		}
		if got.SealedData != nil {
			t.Errorf("the list carries the content of attachment %d", i)
		}
		one, err := s.Attachment(ctx, n.Request.ID, want.rec.ID)
		if err != nil || !bytes.Equal(one.SealedData, want.rec.SealedData) || one.MessageID != want.message {
			t.Errorf("Attachment(%d) = %+v, %v; want its content", i, one, err)
		}
		if _, err := s.Attachment(ctx, other.Request.ID, want.rec.ID); !tropa.IsCode(err, tropa.ENOTFOUND) {
			t.Errorf("Attachment through another request: %v, want ENOTFOUND", err)
		}
	}
	if list, err := s.Attachments(ctx, other.Request.ID); err != nil || len(list) != 0 {
		t.Errorf("Attachments of a request without any = %+v, %v", list, err)
	}
	if _, err := s.Attachment(ctx, n.Request.ID, "nosuch"); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("Attachment(unknown) error = %v, want ENOTFOUND", err)
	}
}

// TestRetentionDeletesAttachments deletes a closed request with its
// attachments, and keeps those of an open one.
func TestRetentionDeletesAttachments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		t.Parallel()
		ctx := context.Background()
		db := mustOpenStore(t, b)
		closed := mustAge(t, db, aged{created: base.Add(-200 * day), closed: base.Add(-100 * day),
			disposition: tropa.DispositionCase, outcome: tropa.OutcomeLeftCountry})
		open := mustAge(t, db, aged{created: base.Add(-200 * day), disposition: tropa.DispositionCase})
		for _, n := range []*tropa.NewRequest{closed, open} {
			if err := db.AddMessage(ctx, &tropa.MessageRecord{ID: tropa.NewID(), RequestID: n.Request.ID,
				Author: tropa.AuthorApplicant, CreatedAt: base.Add(-150 * day), SealedBody: []byte("sealed"),
				Attachments: []tropa.AttachmentRecord{newAttachment(base.Add(-150*day), "sealed photo")}}, nil); err != nil {
				t.Fatalf("AddMessage: %v", err)
			}
		}
		if c := mustApplyRetention(t, db, (tropa.Retention{ClosedAfter: 100}).Batch(base, 100)); c.DeletedClosed != 1 {
			t.Fatalf("retention = %+v, want the closed request deleted", c)
		}
		if found := rowsNaming(t, db, b.Name == "postgres", closed.Request.ID); len(found) > 0 {
			t.Errorf("deleted request still named in %v", found)
		}
		if list, err := db.Attachments(ctx, closed.Request.ID); err != nil || len(list) != 0 {
			t.Errorf("attachments of the deleted request = %+v, %v; want none", list, err)
		}
		if found := rowsNaming(t, db, b.Name == "postgres", open.Request.ID); !slices.Contains(found, "attachments.request_id") {
			t.Errorf("the open request's attachment is gone: it is named only in %v", found)
		}
	})
}
