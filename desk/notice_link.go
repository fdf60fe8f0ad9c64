package desk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"strconv"
	"strings"
	"time"

	"tropa"
)

// NoticeTelegram names the notice channel that reaches a staff member in
// his own Telegram chat with the organization's bot. Its address is never
// typed: it is the chat that sent the bot his link code.
const NoticeTelegram = "telegram"

// NoticeLinkLifetime is how long a link code stays valid: long enough to
// open Telegram and type it, short enough that one read over a shoulder
// is soon worthless.
const NoticeLinkLifetime = 15 * time.Minute

// noticeLinkLen is a link code's length in refAlphabet's characters:
// about 38 bits, short enough to type. The bot takes a code a few times a
// second from all chats together (telegram.HelpDesk), so guessing one
// within its quarter of an hour is out of reach.
const noticeLinkLen = 8

// newNoticeLinkCode is a random link code, every character of refAlphabet
// equally likely.
func newNoticeLinkCode() string {
	const fair = 256 / len(refAlphabet) * len(refAlphabet)
	code := make([]byte, 0, noticeLinkLen)
	var b [1]byte
	for len(code) < noticeLinkLen {
		rand.Read(b[:])
		if int(b[0]) < fair {
			code = append(code, refAlphabet[int(b[0])%len(refAlphabet)])
		}
	}
	return string(code)
}

// noticeLinkHash is what is kept of a link code. The code is found by it
// alone, as the bot knows no more than the code; it lives a quarter of an
// hour and is deleted when used, so a reader of the database who guessed
// one from its hash would find it spent or gone.
func noticeLinkHash(code string) []byte {
	h := sha256.Sum256([]byte("tropa-notice-link-v1\x00" + code))
	return h[:]
}

// normalLinkCode is code as typed, in capitals, without spaces and
// dashes, or false when it cannot be a link code.
func normalLinkCode(code string) (string, bool) {
	code = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToUpper(code))
	if len(code) != noticeLinkLen || strings.Trim(code, refAlphabet) != "" {
		return "", false
	}
	return code, true
}

// errNoticeLinkCode refuses a link code that is wrong, spent or expired,
// without saying which.
var errNoticeLinkCode = tropa.UserError(tropa.EINVALID, "ErrNoticeLinkCode", nil)

// NewNoticeLinkCode makes s's staff member a one-time code that links the
// Telegram chat he sends it from to his notices, in place of any code he
// had. The code is returned once, to be shown to him; only its hash is
// kept, and the audit log records that a code was made, not the code.
func (d *Desk) NewNoticeLinkCode(ctx context.Context, s *Session) (string, error) {
	if err := require(s, tropa.PermQueue); err != nil {
		return "", err
	}
	if d.noticeChannel(NoticeTelegram) == nil {
		return "", tropa.UserError(tropa.EINVALID, "ErrNoticeChannel", nil)
	}
	code, now := newNoticeLinkCode(), d.now()
	err := d.cfg.Store.SaveStaffLinkCode(ctx, &tropa.StaffLinkCode{StaffID: s.Staff.ID, Hash: noticeLinkHash(code),
		ExpiresAt: now.Add(NoticeLinkLifetime)}, tropa.AuditEvent{At: now, Actor: s.Staff.ID, Action: tropa.ActionNoticeLinkCode})
	if err != nil {
		return "", err
	}
	return code, nil
}

// LinkNoticeChat makes chat the Telegram address of the staff member whose
// link code was sent in it, and his notices' channel; what else he chose
// of his notices stays. A code that is wrong, spent or expired, or whose
// staff member was deactivated, is refused alike.
func (d *Desk) LinkNoticeChat(ctx context.Context, chat int64, code string) error {
	if d.noticeChannel(NoticeTelegram) == nil {
		return tropa.Errorf(tropa.EUNAVAILABLE, "no Telegram notice channel")
	}
	code, ok := normalLinkCode(code)
	if !ok {
		return errNoticeLinkCode
	}
	staffID, err := d.cfg.Store.TakeStaffLinkCode(ctx, noticeLinkHash(code), d.now())
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return errNoticeLinkCode
	} else if err != nil {
		return err
	}
	st, err := d.cfg.Store.StaffByID(ctx, staffID)
	if err != nil {
		return err
	}
	if !st.Active {
		return errNoticeLinkCode
	}
	old, _, err := d.noticeRecord(ctx, &st.Staff)
	if err != nil {
		return err
	}
	p := old.NoticePrefs
	p.Channel, p.Address = NoticeTelegram, strconv.FormatInt(chat, 10)
	if err := d.saveNotices(ctx, &st.Staff, p, &old.NoticePrefs); err != nil {
		return err
	}
	return d.cfg.Store.Audit(ctx, tropa.AuditEvent{At: d.now(), Actor: st.ID, Action: tropa.ActionNoticeLink})
}
