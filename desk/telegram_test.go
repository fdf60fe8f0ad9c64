package desk_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/scrub/scrubtest"
	"tropa/seal"
)

// chat is the made-up Telegram chat the applicant writes from.
const chat int64 = 7123456789

// submitChat makes a request in chat and returns its receipt and id.
func (f *fixture) submitChat(t *testing.T, d *desk.Desk, chat int64, sub tropa.Submission) (seal.Receipt, string) {
	t.Helper()
	ctx := context.Background()
	c, err := desk.Check(sub)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	r, err := d.SubmitChat(ctx, chat, c)
	if err != nil {
		t.Fatalf("SubmitChat: %v", err)
	}
	th, err := d.ApplicantThread(ctx, r.String())
	if err != nil {
		t.Fatalf("ApplicantThread after SubmitChat: %v", err)
	}
	return r, th.Request.ID
}

// restarted is the fixture's desk as a node starts it afresh, or as another
// node of the same database runs it: the same store, nothing in memory.
func (f *fixture) restarted() *desk.Desk {
	return desk.New(desk.Config{Store: f.store, KDF: seal.NewKDF(2), ReceiptParams: seal.TestParams,
		PasswordParams: seal.TestParams, Now: f.clock.Now})
}

func wantUnlinked(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, desk.ErrChatUnlinked) {
		t.Errorf("%s: error = %v, want ErrChatUnlinked", what, err)
	}
}

// TestSubmitChat makes a request in a Telegram chat: its receipt opens it
// on the web as any other, it counts as a Telegram request, staff find the
// chat to answer him in, and the audit log records it by the applicant,
// to the day.
func TestSubmitChat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olga := f.caseworker(t, "olga")
	_, id := f.submitChat(t, f.desk, chat, submission("", "Хочу уйти из части"))
	ev := lastAudit(t, f)
	if ev.Action != tropa.ActionChatLink || ev.Actor != desk.ActorApplicant || ev.RequestID != id || ev.Detail != "submit" ||
		!ev.At.Equal(tropa.Day(ev.At)) {
		t.Errorf("audit = %+v, want the chat linked at submission, by the applicant, to the day", ev)
	}

	th, err := openThread(ctx, f, olga, id)
	if err != nil {
		t.Fatalf("OpenCase: %v", err)
	}
	if th.Request.Channel != tropa.ChannelTelegram || th.Chat != chat || th.Messages[0].Body != "Хочу уйти из части" {
		t.Errorf("case = channel %q, chat %d, %+v; want a Telegram request from chat %d", th.Request.Channel, th.Chat,
			th.Messages, chat)
	}
	_, webID := f.submit(t, submission("", "С сайта"))
	if th, err := openThread(ctx, f, olga, webID); err != nil || th.Chat != 0 {
		t.Errorf("a web request's chat = %v, %v; want none", th, err)
	}
	if _, err := f.desk.SubmitChat(ctx, 0, mustCheck(t, submission("", "x"))); !tropa.IsCode(err, tropa.EINVALID) {
		t.Errorf("SubmitChat without a chat = %v, want EINVALID", err)
	}
}

func mustCheck(t *testing.T, sub tropa.Submission) *desk.Checked {
	t.Helper()
	c, err := desk.Check(sub)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return c
}

// TestChatMessage sends what the applicant writes later in his chat, text
// and a photo with its metadata, to his case: staff read it like any
// message, the photo without its metadata, and so does the applicant with
// his receipt; it is stored under a key wrapped to the case's inbound
// public key.
func TestChatMessage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olga := f.caseworker(t, "olga")
	receipt, id := f.submitChat(t, f.desk, chat, submission("", "Первое"))

	if err := f.desk.ChatMessage(ctx, chat, "Второе, из чата", nil); err != nil {
		t.Fatalf("ChatMessage: %v", err)
	}
	if ev := lastAudit(t, f); ev.Action != tropa.ActionChatMessage || ev.Actor != desk.ActorApplicant || ev.RequestID != id {
		t.Errorf("audit = %+v, want the message by the applicant", ev)
	}
	photo := []tropa.Upload{{Name: "повестка.jpg", Data: scrubtest.JPEG(t, 40, 30)}}
	if err := f.desk.ChatMessage(ctx, chat, "", photo); err != nil {
		t.Fatalf("ChatMessage with a photo and no text: %v", err)
	}
	for name, tt := range map[string]struct {
		body  string
		files []tropa.Upload
		code  string
		msg   string
	}{
		"nothing":   {"", nil, tropa.EINVALID, "ErrFieldRequired"},
		"not photo": {"скан", []tropa.Upload{{Name: "скан.jpg", Data: []byte("<html>")}}, tropa.EINVALID, "ErrFileType"},
	} {
		wantError(t, name, f.desk.ChatMessage(ctx, chat, tt.body, tt.files), tt.code, tt.msg)
	}

	th, err := openThread(ctx, f, olga, id)
	if err != nil {
		t.Fatalf("OpenCase: %v", err)
	}
	if len(th.Messages) != 3 || th.Messages[1].Body != "Второе, из чата" || th.Messages[1].Author != tropa.AuthorApplicant ||
		len(th.Messages[2].Attachments) != 1 || th.Request.LastAuthor != tropa.AuthorApplicant {
		t.Fatalf("thread = %+v, want the chat's text and photo after the request", th.Messages)
	}
	a, err := f.desk.OpenAttachment(ctx, olga, id, th.Messages[2].Attachments[0].ID)
	if err != nil {
		t.Fatalf("OpenAttachment of a photo sent by chat: %v", err)
	}
	if left := scrubtest.Leftovers(a.Data); len(left) > 0 || a.Name != "повестка.jpg" {
		t.Errorf("the photo %q still holds %v", a.Name, left)
	}
	mine, err := f.desk.ApplicantThread(ctx, receipt.String())
	if err != nil || len(mine.Messages) != 3 || mine.Messages[1].Body != "Второе, из чата" {
		t.Errorf("the applicant's thread = %+v, %v; want his chat message in it", mine, err)
	}

	var wrapped, plain int
	if err := f.rawDB(t).QueryRow(`SELECT COUNT(wrapped_key), COUNT(*) - COUNT(wrapped_key) FROM messages
		WHERE request_id = $1`, id).Scan(&wrapped, &plain); err != nil {
		t.Fatal(err)
	}
	if wrapped != 2 || plain != 1 {
		t.Errorf("%d messages under a wrapped key and %d under the case key, want 2 and 1", wrapped, plain)
	}
}

// TestChatLinkAfterRestart: a node that restarts, or another node,
// does not know the chat; the receipt sent in it links it again, and a
// wrong one does not. A week unused unlinks it too.
func TestChatLinkAfterRestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olga := f.caseworker(t, "olga")
	receipt, id := f.submitChat(t, f.desk, chat, submission("", "Первое"))

	other := f.restarted()
	wantUnlinked(t, "ChatMessage on a restarted node", other.ChatMessage(ctx, chat, "Потерялось?", nil))
	_, err := other.ChatStatus(ctx, chat)
	wantUnlinked(t, "ChatStatus on a restarted node", err)
	wantUnlinked(t, "ChatErase on a restarted node", other.ChatErase(ctx, chat))

	wrong := seal.NewReceipt()
	wantError(t, "LinkChat with another receipt", other.LinkChat(ctx, chat, wrong.String()), tropa.ENOTFOUND, "ErrReceiptUnknown")
	wantUnlinked(t, "ChatMessage after a wrong receipt", other.ChatMessage(ctx, chat, "Потерялось?", nil))
	if err := other.LinkChat(ctx, chat, receipt.String()); err != nil {
		t.Fatalf("LinkChat: %v", err)
	}
	if ev := lastAudit(t, f); ev.Action != tropa.ActionChatLink || ev.RequestID != id || ev.Detail != "receipt" {
		t.Errorf("audit = %+v, want the chat linked by receipt", ev)
	}
	if err := other.ChatMessage(ctx, chat, "Снова на связи", nil); err != nil {
		t.Fatalf("ChatMessage after LinkChat: %v", err)
	}
	th, err := openThread(ctx, f, olga, id)
	if err != nil || len(th.Messages) != 2 || th.Messages[1].Body != "Снова на связи" {
		t.Fatalf("thread = %+v, %v; want the message sent after linking", th, err)
	}

	f.clock.Advance(desk.ChatLinkIdle + time.Hour)
	wantUnlinked(t, "ChatMessage after a week unused", other.ChatMessage(ctx, chat, "Через неделю", nil))
}

// TestLinkChatGivesOldRequestInboundKey: a request made before inbound
// keys, or on the web before it was linked, gets its key pair when its
// receipt is sent in a chat; a new chat replaces the one it had, and the
// key pair it has is kept.
func TestLinkChatGivesOldRequestInboundKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olga := f.caseworker(t, "olga")
	receipt, id := f.submit(t, submission("", "С сайта, давно"))
	f.exec(t, `UPDATE requests SET inbound_recipient = NULL, sealed_inbound_identity = NULL WHERE id = $1`, id)

	if err := f.desk.LinkChat(ctx, chat, receipt.String()); err != nil {
		t.Fatalf("LinkChat: %v", err)
	}
	if err := f.desk.ChatMessage(ctx, chat, "Теперь из Телеграма", nil); err != nil {
		t.Fatalf("ChatMessage: %v", err)
	}
	var recipient string
	if err := f.rawDB(t).QueryRow(`SELECT inbound_recipient FROM requests WHERE id = $1`, id).Scan(&recipient); err != nil {
		t.Fatal(err)
	}
	const newChat = 7123450000
	if err := f.desk.LinkChat(ctx, newChat, receipt.String()); err != nil {
		t.Fatalf("LinkChat from another chat: %v", err)
	}
	if err := f.desk.ChatMessage(ctx, newChat, "С нового аккаунта", nil); err != nil {
		t.Fatalf("ChatMessage: %v", err)
	}
	var again string
	if err := f.rawDB(t).QueryRow(`SELECT inbound_recipient FROM requests WHERE id = $1`, id).Scan(&again); err != nil ||
		again != recipient {
		t.Errorf("inbound key after a second link = %q (%v), want the first, %q", again, err, recipient)
	}
	th, err := openThread(ctx, f, olga, id)
	if err != nil {
		t.Fatalf("OpenCase: %v", err)
	}
	if th.Chat != newChat || len(th.Messages) != 3 || th.Messages[1].Body != "Теперь из Телеграма" ||
		th.Messages[2].Body != "С нового аккаунта" {
		t.Errorf("case = chat %d, %+v; want chat %d and both messages", th.Chat, th.Messages, int64(newChat))
	}
}

// TestChatStatus tells the applicant in his chat where his request stands
// and whether staff answered, from what is in clear, and audits it.
func TestChatStatus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olga := f.caseworker(t, "olga")
	_, id := f.submitChat(t, f.desk, chat, submission("", "Первое"))

	st, err := f.desk.ChatStatus(ctx, chat)
	if err != nil {
		t.Fatalf("ChatStatus: %v", err)
	}
	if st.Stage.Key != string(tropa.StageNew) || st.Answered || !st.SentOn.Equal(tropa.Day(f.clock.Now())) {
		t.Errorf("status = %+v, want a new request of today, not answered", st)
	}
	if ev := lastAudit(t, f); ev.Action != tropa.ActionChatStatus || ev.Actor != desk.ActorApplicant || ev.RequestID != id {
		t.Errorf("audit = %+v, want the status read by the applicant", ev)
	}
	if err := f.desk.Reply(ctx, olga, id, "Мы получили ваше обращение"); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	if st, err := f.desk.ChatStatus(ctx, chat); err != nil || !st.Answered {
		t.Errorf("status after a reply = %+v, %v; want answered", st, err)
	}
	f.addStaff(t, "adam", tropa.RoleAdmin, false)
	admin := f.enroll(t, "adam")
	if err := f.desk.RenameTerm(ctx, admin, tropa.ListStages, string(tropa.StageNew), map[string]string{"ru": "Принято"}); err != nil {
		t.Fatalf("RenameTerm: %v", err)
	}
	if st, err := f.desk.ChatStatus(ctx, chat); err != nil || st.Stage.Name("ru") != "Принято" {
		t.Errorf("status after the stage was renamed = %+v, %v; want the organization's name", st, err)
	}
}

// TestChatErase is /delete: his contact and his chat are erased, every
// node forgets the chat, staff keep the case, and his receipt still opens
// it. Sent in a chat again, the receipt links it again.
func TestChatErase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olga := f.caseworker(t, "olga")
	receipt, id := f.submitChat(t, f.desk, chat, submission("@handle", "Первое"))
	other := f.restarted()
	if err := other.LinkChat(ctx, chat, receipt.String()); err != nil {
		t.Fatalf("LinkChat on another node: %v", err)
	}

	if err := f.desk.ChatErase(ctx, chat); err != nil {
		t.Fatalf("ChatErase: %v", err)
	}
	if ev := lastAudit(t, f); ev.Action != tropa.ActionContactErase || ev.Actor != desk.ActorApplicant || ev.RequestID != id {
		t.Errorf("audit = %+v, want the contact erased by the applicant", ev)
	}
	wantUnlinked(t, "ChatMessage after /delete", f.desk.ChatMessage(ctx, chat, "Ещё", nil))
	wantUnlinked(t, "ChatMessage after /delete on another node", other.ChatMessage(ctx, chat, "Ещё", nil))
	th, err := openThread(ctx, f, olga, id)
	if err != nil {
		t.Fatalf("OpenCase after /delete: %v", err)
	}
	if th.Chat != 0 || th.Contact != "" || th.Request.ContactErasedAt.IsZero() || len(th.Messages) != 1 {
		t.Errorf("case after /delete = chat %d, contact %q, %+v; want both erased, the message kept", th.Chat,
			th.Contact, th.Messages)
	}
	var sealed, key []byte
	if err := f.rawDB(t).QueryRow(`SELECT sealed_chat, sealed_chat_key FROM requests WHERE id = $1`, id).Scan(&sealed, &key); err != nil ||
		sealed != nil || key != nil {
		t.Errorf("sealed chat after /delete = %x, key %x (%v), want none", sealed, key, err)
	}

	if err := other.LinkChat(ctx, chat, receipt.String()); err != nil {
		t.Fatalf("LinkChat after /delete: %v", err)
	}
	if err := other.ChatMessage(ctx, chat, "Я вернулся", nil); err != nil {
		t.Fatalf("ChatMessage after linking again: %v", err)
	}
	c, err := f.desk.ApplicantCase(ctx, receipt.String())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.EraseContact(ctx); err != nil {
		t.Fatalf("EraseContact by receipt of a chat linked again: %v", err)
	}
	wantUnlinked(t, "ChatMessage after erasing by receipt", other.ChatMessage(ctx, chat, "Ещё", nil))
	if th, err := openThread(ctx, f, olga, id); err != nil || th.Chat != 0 || len(th.Messages) != 2 {
		t.Errorf("case after erasing by receipt = %+v, %v; want no chat, both messages", th, err)
	}
}
