// Package desk carries out what people do with tropa (submit a request,
// return with a receipt, log in, read and answer requests) by joining the
// key hierarchy of package seal to a tropa.Store. It holds no key of its
// own: every key it uses comes from a receipt, a password or a session.
package desk

import (
	"context"
	"crypto/rand"
	"log/slog"
	"time"

	"tropa"
	"tropa/seal"
)

// Setting keys.
const (
	settingRecoveryRecipient = "recovery_recipient"
)

// Config configures a Desk.
type Config struct {
	Store tropa.Store
	KDF   *seal.KDF
	// Now is the clock; tests move it.
	Now            func() time.Time
	ReceiptParams  seal.Params
	PasswordParams seal.Params
	// IdleTimeout ends a staff session unused for this long; MaxSessionAge
	// ends it this long after login whatever happens.
	IdleTimeout   time.Duration
	MaxSessionAge time.Duration
	// TOTPIssuer names the organization in staff authenticator apps.
	TOTPIssuer string
	// ReclaimDelay is how long after ReclaimSoon the disk is reclaimed.
	ReclaimDelay time.Duration
	// After is the timer that background work waits with; tests fire it.
	After func(time.Duration) <-chan time.Time
	// Logger takes what background work has to report: counts and errors,
	// never case data.
	Logger *slog.Logger
	// NoticeChannels are the channels staff may be notified by; none, and
	// no one is.
	NoticeChannels []NoticeChannel
	// NoticeText writes a notice in lang saying that count things wait, at
	// link ("" when the staff site's address is not set).
	NoticeText func(lang string, count int, link string) Notice
	// StaffURL is the staff site's address as staff reach it, ending in
	// "/": the link in notices.
	StaffURL string
	// Chats sends staff replies to applicants' Telegram chats; nil, and
	// replies wait for the receipt alone.
	Chats ChatSender
}

// Desk is tropa's use-cases. Its configuration is its own: commands and
// channels reach the store only through its methods, which check who may
// do what.
type Desk struct {
	cfg Config
	// reclaimWanted holds one ask for a reclaim not yet run.
	reclaimWanted chan struct{}
	// chats links Telegram chats to their requests, in memory only.
	chats *chatLinks
	// outbox holds the replies this node is to send to chats.
	outbox *outbox
}

// New returns a Desk, filling unset fields with tropa's defaults.
func New(c Config) *Desk {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.ReceiptParams == (seal.Params{}) {
		c.ReceiptParams = seal.ReceiptParams
	}
	if c.PasswordParams == (seal.Params{}) {
		c.PasswordParams = seal.PasswordParams
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 30 * time.Minute
	}
	if c.MaxSessionAge == 0 {
		c.MaxSessionAge = 12 * time.Hour
	}
	if c.TOTPIssuer == "" {
		c.TOTPIssuer = "tropa"
	}
	if c.ReclaimDelay == 0 {
		c.ReclaimDelay = DefaultReclaimDelay
	}
	if c.After == nil {
		c.After = time.After
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.NoticeText == nil {
		c.NoticeText = plainNotice
	}
	return &Desk{cfg: c, reclaimWanted: make(chan struct{}, 1), chats: newChatLinks(), outbox: newOutbox()}
}

func (d *Desk) now() time.Time {
	return d.cfg.Now().UTC().Truncate(time.Microsecond)
}

// refAlphabet leaves out letters and digits that are confused when read
// aloud or on a small screen (0/O, 1/I/L, 5/S, 8/B).
const refAlphabet = "234679ACDEFGHJKMNPQRTUVWXYZ"

// newRef returns a short reference by which staff name a request to each
// other: 6 characters, about 29 bits, unique in the store.
func newRef() string {
	b := make([]byte, 6)
	rand.Read(b)
	for i := range b {
		b[i] = refAlphabet[int(b[i])%len(refAlphabet)]
	}
	return string(b)
}

// openThread opens a request and its messages with its case key; internal
// notes only when withNotes is set.
func (d *Desk) openThread(ctx context.Context, rr *tropa.RequestRecord, key *seal.Key, withNotes bool) (*tropa.Thread, error) {
	contact, err := openContact(key, rr)
	if err != nil {
		return nil, err
	}
	chat, err := openChat(key, rr)
	if err != nil {
		return nil, err
	}
	records, err := d.cfg.Store.Messages(ctx, rr.ID, withNotes)
	if err != nil {
		return nil, err
	}
	keys := &messageKeys{caseKey: key, rr: rr}
	attachments, err := d.openAttachments(ctx, keys, rr.ID)
	if err != nil {
		return nil, err
	}
	t := &tropa.Thread{Request: rr.Request, Contact: contact, Chat: chat, Messages: make([]tropa.Message, 0, len(records))}
	for _, m := range records {
		key, err := keys.of(m.WrappedKey)
		if err != nil {
			return nil, err
		}
		body, err := seal.OpenString(key, m.SealedBody, bodyAAD(m.ID, m.Author))
		if err != nil {
			return nil, tropa.Errorf(tropa.EINTERNAL, "open message: %v", err)
		}
		at, err := openTime(key, m.SealedAt, messageTimeAAD(m.ID), m.CreatedAt)
		if err != nil {
			return nil, err
		}
		t.Messages = append(t.Messages, tropa.Message{ID: m.ID, RequestID: m.RequestID, Author: m.Author,
			StaffID: m.StaffID, CreatedAt: at, Body: body, Attachments: attachments[m.ID], Delivery: m.Delivery})
	}
	exactThreadTimes(t)
	return t, nil
}

// exactThreadTimes gives the request, which the store keeps to the day, the
// exact times of its messages now that they are open: it arrived with the
// first, and each side last wrote with its last.
func exactThreadTimes(t *tropa.Thread) {
	for i, m := range t.Messages {
		if i == 0 {
			t.Request.CreatedAt = m.CreatedAt
		}
		switch m.Author {
		case tropa.AuthorApplicant:
			t.Request.LastApplicantAt = m.CreatedAt
		case tropa.AuthorStaff:
			t.Request.LastStaffAt = m.CreatedAt
		}
	}
}

// addMessage seals and stores a message with its photos.
func (d *Desk) addMessage(ctx context.Context, key *seal.Key, m tropa.Message, files []cleanFile, ev *tropa.AuditEvent) error {
	if err := tropa.ValidateText(m.Body, "message", 1, tropa.MaxMessageLen); err != nil {
		return err
	}
	return d.cfg.Store.AddMessage(ctx, d.sealMessage(key, m, files), ev)
}

// sealMessage seals a new message, its exact time and its photos under key.
func (d *Desk) sealMessage(key *seal.Key, m tropa.Message, files []cleanFile) *tropa.MessageRecord {
	m.ID = tropa.NewID()
	return &tropa.MessageRecord{ID: m.ID, RequestID: m.RequestID, Author: m.Author,
		StaffID: m.StaffID, CreatedAt: m.CreatedAt, SealedAt: sealTime(key, m.CreatedAt, messageTimeAAD(m.ID)),
		SealedBody: seal.SealString(key, m.Body, bodyAAD(m.ID, m.Author)), Attachments: d.sealFiles(key, files)}
}

func contactAAD(requestID string) seal.AAD {
	return seal.AAD{Table: "requests", Row: requestID, Field: "contact"}
}

func contactKeyAAD(requestID string) seal.AAD {
	return seal.AAD{Table: "requests", Row: requestID, Field: "contact_key"}
}

// bodyAAD binds a message's body to its author too, so that a row changed
// to show a staff reply as the applicant's, or the reverse, no longer opens.
func bodyAAD(messageID string, author tropa.Author) seal.AAD {
	return seal.AAD{Table: "messages", Row: messageID, Field: "body/" + string(author)}
}

func detailsAAD(requestID string) seal.AAD {
	return seal.AAD{Table: "requests", Row: requestID, Field: "details"}
}

func deadlineAAD(id string) seal.AAD {
	return seal.AAD{Table: "deadlines", Row: id, Field: "label"}
}

func eventAAD(id string) seal.AAD {
	return seal.AAD{Table: "case_events", Row: id, Field: "note"}
}

func receiptAAD(lookup string) seal.AAD {
	return seal.AAD{Table: "receipts", Row: lookup, Field: "case_key"}
}

// Capacity measures for about t how many receipt derivations a second this
// machine runs with the desk's argon2id slots, to set intake's limit from.
func (d *Desk) Capacity(ctx context.Context, t time.Duration) float64 {
	return seal.Capacity(ctx, d.cfg.ReceiptParams, d.cfg.KDF.Concurrency(), t)
}
