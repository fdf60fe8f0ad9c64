package store_test

import (
	"bytes"
	"context"
	"testing"

	"tropa"
	"tropa/store"
	"tropa/store/storetest"
)

// chatLink is a link of a chat to request id, with stand-in sealed bytes:
// a store never looks inside them.
func chatLink(id, chat, recipient string) *tropa.ChatLink {
	return &tropa.ChatLink{RequestID: id, SealedChat: []byte("sealed chat " + chat),
		SealedChatKey: []byte("sealed chat key " + chat), InboundRecipient: recipient,
		SealedInboundIdentity: []byte("sealed identity of " + recipient),
		Audit:                 tropa.AuditEvent{At: base, Actor: tropa.ActorApplicant, Action: tropa.ActionChatLink, RequestID: id}}
}

// TestLinkChat seals a chat to a request, keeps the first inbound key pair
// when linked again, writes and reads messages under wrapped keys with
// their photos, and erases the chat with the contact, by request or by
// retention.
func TestLinkChat(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testLinkChat)
}

func testLinkChat(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	n := mustAge(t, db, aged{created: base.Add(-40 * day), closed: base.Add(-30 * day),
		disposition: tropa.DispositionCase, outcome: tropa.OutcomeLeftCountry})
	id := n.Request.ID
	if rr := mustRequest(t, db, id); rr.SealedChat != nil || rr.InboundRecipient != "" || rr.SealedInboundIdentity != nil {
		t.Fatalf("a request made without a chat: %+v", rr)
	}
	if err := db.LinkChat(ctx, chatLink(id, "one", "age1first")); err != nil {
		t.Fatalf("LinkChat: %v", err)
	}
	if err := db.LinkChat(ctx, chatLink(id, "two", "age1second")); err != nil {
		t.Fatalf("LinkChat again: %v", err)
	}
	rr := mustRequest(t, db, id)
	if string(rr.SealedChat) != "sealed chat two" || string(rr.SealedChatKey) != "sealed chat key two" ||
		rr.InboundRecipient != "age1first" || string(rr.SealedInboundIdentity) != "sealed identity of age1first" {
		t.Errorf("after two links: chat %q, inbound %q %q; want the second chat, the first key pair", rr.SealedChat,
			rr.InboundRecipient, rr.SealedInboundIdentity)
	}
	if ev := lastAudit(t, db); ev.Action != tropa.ActionChatLink || ev.RequestID != id {
		t.Errorf("audit = %+v, want the link", ev)
	}
	if err := db.LinkChat(ctx, chatLink(tropa.NewID(), "x", "age1x")); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("LinkChat(unknown) = %v, want ENOTFOUND", err)
	}

	m := &tropa.MessageRecord{ID: tropa.NewID(), RequestID: id, Author: tropa.AuthorApplicant, CreatedAt: base.Add(-35 * day),
		SealedBody: []byte("sealed by chat"), WrappedKey: []byte("wrapped message key"),
		Attachments: []tropa.AttachmentRecord{{ID: tropa.NewID(), Type: "image/jpeg", Size: 256, CreatedAt: base,
			SealedName: []byte("name"), SealedData: []byte("data")}}}
	if err := db.AddMessage(ctx, m, nil); err != nil {
		t.Fatalf("AddMessage: %v", err)
	}
	msgs, err := db.Messages(ctx, id, true)
	if err != nil || len(msgs) != 3 || msgs[0].WrappedKey != nil || string(msgs[2].WrappedKey) != "wrapped message key" {
		t.Fatalf("messages = %+v, %v; want the last under its wrapped key, the first under the case key", msgs, err)
	}
	list, err := db.Attachments(ctx, id)
	if err != nil || len(list) != 1 || string(list[0].MessageKey) != "wrapped message key" {
		t.Errorf("attachments = %+v, %v; want the photo with its message's key", list, err)
	}
	a, err := db.Attachment(ctx, id, m.Attachments[0].ID)
	if err != nil || string(a.MessageKey) != "wrapped message key" || string(a.SealedData) != "data" {
		t.Errorf("attachment = %+v, %v; want it with its message's key", a, err)
	}

	policy := tropa.Retention{ContactAfter: 30}
	if c := mustApplyRetention(t, db, policy.Batch(base, 100)); c.ContactsErased != 1 {
		t.Fatalf("retention = %+v, want the contact erased", c)
	}
	if rr := mustRequest(t, db, id); rr.SealedChat != nil || rr.SealedChatKey != nil || rr.InboundRecipient != "age1first" {
		t.Errorf("after retention erased the contact: chat %q key %q inbound %q; want no chat, the key pair kept",
			rr.SealedChat, rr.SealedChatKey, rr.InboundRecipient)
	}
	// Linked again after the erasure, by receipt: the chat is erased on its
	// own, by request and by retention, and the erasure keeps its day.
	for _, erase := range []func(){
		func() {
			if err := db.EraseContact(ctx, &tropa.ContactErasure{RequestID: id, At: base.Add(day),
				Event: tropa.CaseEventRecord{ID: tropa.NewID(), At: base.Add(day), Actor: "applicant", Action: tropa.CaseEraseContact},
				Audit: tropa.AuditEvent{At: base.Add(day), Actor: "applicant", Action: tropa.ActionContactErase, RequestID: id}}); err != nil {
				t.Fatalf("EraseContact: %v", err)
			}
		},
		func() {
			if c := mustApplyRetention(t, db, policy.Batch(base.Add(2*day), 100)); c.ContactsErased != 1 {
				t.Errorf("retention = %+v, want the chat linked again erased", c)
			}
		},
	} {
		if err := db.LinkChat(ctx, chatLink(id, "three", "age1third")); err != nil {
			t.Fatalf("LinkChat after the erasure: %v", err)
		}
		erase()
		if rr := mustRequest(t, db, id); rr.SealedChat != nil || !rr.ContactErasedAt.Equal(tropa.Day(base)) {
			t.Errorf("chat linked again, then erased: chat %q, erased on %v; want none, erased on %v", rr.SealedChat,
				rr.ContactErasedAt, tropa.Day(base))
		}
	}
}

// TestUpgradeToChats builds a database of the schema before chats (version
// 23) with a request and a message in it, and opens it with this tropa:
// the request has no chat and no inbound key pair, its message is sealed
// under the case key, and a chat can then be linked to it.
func TestUpgradeToChats(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testUpgradeToChats)
}

func testUpgradeToChats(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	where := b.New(t)
	old, err := store.OpenAt(ctx, where, 23)
	if err != nil {
		t.Fatalf("OpenAt(23): %v", err)
	}
	id := tropa.NewID()
	w := store.Writer(old)
	oldRequest{"legal", "front", "web", "", "", base.UnixMicro(), 0}.insert(t, w, id)
	if _, err := w.ExecContext(ctx, `INSERT INTO messages (id, request_id, author, created_at, sealed_body, seq)
		VALUES ($1, $2, 'applicant', $3, $4, 1)`, tropa.NewID(), id, base.UnixMicro(), []byte("sealed first")); err != nil {
		t.Fatalf("message of schema 23: %v", err)
	}
	old.Close()

	db := storetest.Open(t, where)
	rr := mustRequest(t, db, id)
	if rr.SealedChat != nil || rr.SealedChatKey != nil || rr.InboundRecipient != "" || rr.SealedInboundIdentity != nil {
		t.Errorf("request after the upgrade = %+v, want no chat, no inbound key", rr)
	}
	msgs, err := db.Messages(ctx, id, true)
	if err != nil || len(msgs) != 1 || msgs[0].WrappedKey != nil || !bytes.Equal(msgs[0].SealedBody, []byte("sealed first")) {
		t.Errorf("messages after the upgrade = %+v, %v; want the one under the case key", msgs, err)
	}
	if err := db.LinkChat(ctx, chatLink(id, "one", "age1first")); err != nil {
		t.Fatalf("LinkChat after the upgrade: %v", err)
	}
	if rr := mustRequest(t, db, id); rr.InboundRecipient != "age1first" || rr.SealedChat == nil {
		t.Errorf("linked after the upgrade = %+v, want the chat and the key pair", rr)
	}
}

// TestSetDelivery notes how far a reply got to a chat: once it is no
// longer pending, a late answer changes nothing.
func TestSetDelivery(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testSetDelivery)
}

func testSetDelivery(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	n := mustAge(t, db, aged{created: base, disposition: tropa.DispositionCase})
	m := &tropa.MessageRecord{ID: tropa.NewID(), RequestID: n.Request.ID, Author: tropa.AuthorStaff, StaffID: "alice",
		CreatedAt: base, SealedBody: []byte("sealed reply"), Delivery: tropa.DeliveryPending}
	if err := db.AddMessage(ctx, m, nil); err != nil {
		t.Fatalf("AddMessage: %v", err)
	}
	delivery := func() tropa.Delivery {
		msgs, err := db.Messages(ctx, n.Request.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		return msgs[len(msgs)-1].Delivery
	}
	if got := delivery(); got != tropa.DeliveryPending {
		t.Fatalf("delivery = %q, want pending", got)
	}
	for _, d := range []tropa.Delivery{tropa.DeliverySent, tropa.DeliveryBlocked} {
		if err := db.SetDelivery(ctx, m.ID, d); err != nil {
			t.Fatalf("SetDelivery(%q): %v", d, err)
		}
	}
	if got := delivery(); got != tropa.DeliverySent {
		t.Errorf("delivery = %q, want the first answer, sent", got)
	}
	if err := db.SetDelivery(ctx, tropa.NewID(), tropa.DeliverySent); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("SetDelivery(unknown) = %v, want ENOTFOUND", err)
	}
}
