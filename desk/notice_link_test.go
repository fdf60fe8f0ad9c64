package desk_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/seal"
)

// chatNotices is a Telegram notice channel that keeps what it is given to
// send, by chat.
type chatNotices struct {
	mu   sync.Mutex
	sent map[string][]desk.Notice
}

func (c *chatNotices) Name() string { return desk.NoticeTelegram }

func (c *chatNotices) Address(s string) (string, error) {
	if id, err := strconv.ParseInt(s, 10, 64); err != nil || id <= 0 {
		return "", tropa.UserError(tropa.EINVALID, "ErrNoticeTelegramUnlinked", nil)
	}
	return s, nil
}

func (c *chatNotices) Send(ctx context.Context, address string, n desk.Notice) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent[address] = append(c.sent[address], n)
	return nil
}

func (c *chatNotices) to(chat string) []desk.Notice {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent[chat]
}

// chatNotifier is a desk on f's store that has a Telegram bot to send
// notices by, as a node running the bot would.
func chatNotifier(f *fixture) (*desk.Desk, *chatNotices) {
	ch := &chatNotices{sent: map[string][]desk.Notice{}}
	return desk.New(desk.Config{Store: f.store, KDF: seal.NewKDF(2), ReceiptParams: seal.TestParams,
		PasswordParams: seal.TestParams, Now: f.clock.Now, NoticeChannels: []desk.NoticeChannel{ch}}), ch
}

// TestNoticeLinkCode links a staff member's Telegram chat to his notices
// with a one-time code: a wrong, replaced, used or expired code is refused
// alike, the chat becomes his notice address, and his notices come to it.
func TestNoticeLinkCode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	d, ch := chatNotifier(f)
	olena := f.caseworker(t, "olena")
	const chat = 7123450042

	if _, err := f.desk.NewNoticeLinkCode(ctx, olena); err == nil {
		t.Error("a server without a bot made a link code")
	}
	first, err := d.NewNoticeLinkCode(ctx, olena)
	if err != nil {
		t.Fatalf("NewNoticeLinkCode: %v", err)
	}
	if len(first) != 8 || strings.Trim(first, "234679ACDEFGHJKMNPQRTUVWXYZ") != "" {
		t.Errorf("link code %q: want 8 characters that are not confused with others", first)
	}
	code, err := d.NewNoticeLinkCode(ctx, olena)
	if err != nil {
		t.Fatalf("NewNoticeLinkCode: %v", err)
	}
	for what, c := range map[string]string{"the replaced code": first, "a wrong code": "AAAAAAAA", "no code": "",
		"a code too long": code + "A"} {
		wantError(t, what, d.LinkNoticeChat(ctx, chat, c), tropa.EINVALID, "ErrNoticeLinkCode")
	}
	if rec, _ := d.MyNotices(ctx, olena); rec.Channel != "" {
		t.Fatalf("notices go by %q before any code was taken", rec.Channel)
	}

	// Typed as read: in small letters, in two groups.
	if err := d.LinkNoticeChat(ctx, chat, strings.ToLower(code[:4]+"-"+code[4:])); err != nil {
		t.Fatalf("LinkNoticeChat: %v", err)
	}
	rec, err := d.MyNotices(ctx, olena)
	if err != nil || rec.Channel != desk.NoticeTelegram || rec.Address != strconv.Itoa(chat) {
		t.Fatalf("notices after linking = %+v, %v; want channel telegram to the chat", rec, err)
	}
	wantError(t, "a used code", d.LinkNoticeChat(ctx, chat+1, code), tropa.EINVALID, "ErrNoticeLinkCode")

	late, err := d.NewNoticeLinkCode(ctx, olena)
	if err != nil {
		t.Fatalf("NewNoticeLinkCode: %v", err)
	}
	f.clock.Advance(desk.NoticeLinkLifetime + time.Second)
	wantError(t, "an expired code", d.LinkNoticeChat(ctx, chat+1, late), tropa.EINVALID, "ErrNoticeLinkCode")

	// The page's form keeps the linked chat whatever address it posts.
	p := rec.NoticePrefs
	p.Address, p.Lang = "999", "uk"
	saveNotices(t, d, olena, p)
	if rec, _ := d.MyNotices(ctx, olena); rec.Address != strconv.Itoa(chat) || rec.Lang != "uk" {
		t.Errorf("after saving the form: %+v, want the linked chat kept", rec)
	}
	yurii := f.caseworker(t, "yurii")
	p.StaffID = ""
	wantError(t, "Telegram chosen without a linked chat", d.SaveMyNotices(ctx, yurii, p), tropa.EINVALID,
		"ErrNoticeTelegramUnlinked")

	// Her notices come to the chat, and say nothing of the case.
	urgent := submission("signal: marker-contact-5be1", "marker-message-5be1 ушёл из части")
	urgent.Situation = tropa.SituationAbsent
	f.submit(t, urgent)
	if err := d.NotifyOnce(ctx); err != nil {
		t.Fatalf("NotifyOnce: %v", err)
	}
	got := ch.to(strconv.Itoa(chat))
	if len(got) != 1 {
		t.Fatalf("%d notices came to her chat, want 1", len(got))
	}
	if strings.Contains(got[0].Body, "marker") {
		t.Errorf("the notice tells of the case: %q", got[0].Body)
	}

	// The audit log says that codes were made and a chat linked, by whom,
	// and names neither the codes nor the chat.
	made, linked := 0, 0
	err = f.store.AuditEntries(ctx, func(e *tropa.AuditEntry) error {
		switch e.Action {
		case tropa.ActionNoticeLinkCode:
			made++
		case tropa.ActionNoticeLink:
			linked++
		default:
			return nil
		}
		if e.Actor != olena.Staff.ID {
			t.Errorf("%s by %q, want her", e.Action, e.Actor)
		}
		for _, secret := range []string{first, code, late, strconv.Itoa(chat)} {
			if strings.Contains(e.Detail, secret) {
				t.Errorf("%s names a code or the chat: %q", e.Action, e.Detail)
			}
		}
		return nil
	})
	if err != nil || made != 3 || linked != 1 {
		t.Errorf("audit: %d codes made, %d chats linked (%v); want 3 and 1", made, linked, err)
	}
}

// TestNoticeLinkDeactivated refuses the code of someone deactivated since
// he made it.
func TestNoticeLinkDeactivated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	d, _ := chatNotifier(f)
	f.addStaff(t, "admin", tropa.RoleAdmin, false)
	admin := f.enroll(t, "admin")
	olena := f.caseworker(t, "olena")
	code, err := d.NewNoticeLinkCode(ctx, olena)
	if err != nil {
		t.Fatalf("NewNoticeLinkCode: %v", err)
	}
	if _, err := f.desk.Deactivate(ctx, admin, olena.Staff.ID); err != nil {
		t.Fatalf("Deactivate: %v", err)
	}
	wantError(t, "a deactivated person's code", d.LinkNoticeChat(ctx, 7123450043, code), tropa.EINVALID, "ErrNoticeLinkCode")
}
