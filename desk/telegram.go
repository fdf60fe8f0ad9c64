package desk

import (
	"bytes"
	"context"
	"slices"
	"time"

	"tropa"
	"tropa/seal"
)

// What the Telegram channel asks of the desk. A chat is linked to its
// request in this node's memory when the request is made in it, or when the
// applicant sends his receipt in it; while linked, what he writes reaches
// the case and /status and /delete work without the receipt. After a
// restart, on another node, or a week after the chat was last used, the
// chat is unlinked, and the bot asks for the receipt (ErrChatUnlinked).
// docs/security.md, "Telegram", says why there is no other way.

// ErrChatUnlinked is what every Chat method returns for a chat linked to
// no request on this node: the bot asks the applicant for his receipt and
// links the chat with LinkChat.
var ErrChatUnlinked = tropa.UserError(tropa.ENOTFOUND, "ErrChatUnlinked", nil)

// SubmitChat takes a request made in a Telegram chat: sealed as Submit
// seals one, channel Telegram, with the chat sealed under the case key as
// the way back to the applicant, and the chat linked to it. It returns the
// receipt, which the bot shows him and which works on the web too.
func (d *Desk) SubmitChat(ctx context.Context, chat int64, c *Checked) (seal.Receipt, error) {
	if chat == 0 {
		return seal.Receipt{}, tropa.Errorf(tropa.EINVALID, "no chat")
	}
	sub := *c
	sub.sub.Channel = tropa.ChannelTelegram
	r, requestID, err := d.submit(ctx, &sub, origin{chat: chat})
	if err != nil {
		return seal.Receipt{}, err
	}
	rr, err := d.cfg.Store.RequestByID(ctx, requestID)
	if err != nil {
		return seal.Receipt{}, err
	}
	d.chats.set(chat, requestID, rr.SealedChat, d.now())
	return r, nil
}

// LinkChat checks a receipt sent in a Telegram chat, with the argon2id work
// of a receipt, and links the chat to its request: the chat is sealed to
// the request, replacing the one it had, so that staff replies reach him
// here, and a request made before inbound keys gets its key pair.
func (d *Desk) LinkChat(ctx context.Context, chat int64, receipt string) error {
	if chat == 0 {
		return tropa.Errorf(tropa.EINVALID, "no chat")
	}
	requestID, key, err := d.receiptKey(ctx, receipt)
	if err != nil {
		return err
	}
	rr, err := d.cfg.Store.RequestByID(ctx, requestID)
	if err != nil {
		return err
	}
	l := &tropa.ChatLink{RequestID: requestID, Audit: tropa.AuditEvent{At: d.now(), Actor: ActorApplicant,
		Action: tropa.ActionChatLink, RequestID: requestID, Detail: "receipt"}}
	was, err := openChat(key, rr)
	if err != nil {
		return err
	}
	if was == chat {
		// The same chat again: its seal stays, so that the link other
		// nodes hold to it stays good.
		l.SealedChat, l.SealedChatKey = rr.SealedChat, rr.SealedChatKey
	} else {
		l.SealedChat, l.SealedChatKey = sealChat(key, requestID, chat)
	}
	if rr.InboundRecipient == "" {
		if l.InboundRecipient, l.SealedInboundIdentity, err = newInbound(key, requestID); err != nil {
			return err
		}
	}
	if err := d.cfg.Store.LinkChat(ctx, l); err != nil {
		return err
	}
	if was != 0 && was != chat {
		// The chat it replaced is a secret destroyed: its old row must
		// not stay readable in the WAL under the case key.
		d.ReclaimSoon()
	}
	d.chats.set(chat, requestID, l.SealedChat, d.now())
	return nil
}

// linkedRequest returns the request chat is linked to. A link whose request
// is gone, or whose chat was erased or replaced by another since, as on
// another node, is dropped.
func (d *Desk) linkedRequest(ctx context.Context, chat int64) (*tropa.RequestRecord, error) {
	link, ok := d.chats.get(chat, d.now())
	if !ok {
		return nil, ErrChatUnlinked
	}
	rr, err := d.cfg.Store.RequestByID(ctx, link.requestID)
	if tropa.IsCode(err, tropa.ENOTFOUND) || err == nil && !bytes.Equal(rr.SealedChat, link.sealed) {
		d.chats.unlink(chat, link.requestID)
		return nil, ErrChatUnlinked
	} else if err != nil {
		return nil, err
	}
	return rr, nil
}

// ChatMessage adds what the applicant writes in a linked chat to his
// request: text, photos cleaned as the web form's are, or both. It is
// sealed to the request's inbound public key, so no key of the case's is
// needed to take it, and none is kept in memory for it.
func (d *Desk) ChatMessage(ctx context.Context, chat int64, body string, files []tropa.Upload) error {
	least := 1
	if len(files) > 0 {
		least = 0
	}
	if err := tropa.ValidateText(body, "message", least, tropa.MaxMessageLen); err != nil {
		return err
	}
	// The link first: an unlinked chat costs no image work.
	rr, err := d.linkedRequest(ctx, chat)
	if err != nil {
		return err
	}
	clean, err := cleanUploads(files)
	if err != nil {
		return err
	}
	if rr.InboundRecipient == "" {
		return tropa.Errorf(tropa.EINTERNAL, "linked request has no inbound key")
	}
	return d.addInbound(ctx, rr.ID, rr.InboundRecipient, body, clean, &tropa.AuditEvent{At: d.now(),
		Actor: ActorApplicant, Action: tropa.ActionChatMessage, RequestID: rr.ID})
}

// ChatStatus is what /status tells the applicant without his receipt: what
// the request's clear columns say, none of what is sealed. The replies
// themselves come to the chat as staff write them, and are on the web site
// with the receipt.
type ChatStatus struct {
	// Stage is the request's stage, with the organization's own names for
	// it, if any.
	Stage tropa.Term
	// SentOn is the day the request was made.
	SentOn time.Time
	// Answered is whether staff wrote to him since he last wrote.
	Answered bool
}

// ChatStatus returns the status of the request chat is linked to.
func (d *Desk) ChatStatus(ctx context.Context, chat int64) (*ChatStatus, error) {
	rr, err := d.linkedRequest(ctx, chat)
	if err != nil {
		return nil, err
	}
	v, err := d.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	if err := d.cfg.Store.Audit(ctx, tropa.AuditEvent{At: d.now(), Actor: ActorApplicant,
		Action: tropa.ActionChatStatus, RequestID: rr.ID}); err != nil {
		return nil, err
	}
	stage := tropa.Term{Key: string(rr.Stage)}
	if i := slices.IndexFunc(v.Stages, func(t tropa.Term) bool { return t.Key == stage.Key }); i >= 0 {
		stage = v.Stages[i]
	}
	return &ChatStatus{Stage: stage, SentOn: rr.CreatedAt, Answered: rr.LastAuthor == tropa.AuthorStaff}, nil
}

// ChatErase erases the contact details of the request chat is linked to,
// the sealed chat among them, and unlinks every chat from it: staff
// replies no longer reach him, and the case stays for staff, as retention
// says. With his receipt, ApplicantCase.EraseContact does the same.
func (d *Desk) ChatErase(ctx context.Context, chat int64) error {
	rr, err := d.linkedRequest(ctx, chat)
	if err != nil {
		return err
	}
	return d.eraseContact(ctx, rr.ID, ActorApplicant)
}
