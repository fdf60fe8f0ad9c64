package desk

import (
	"context"
	"encoding/json"
	"fmt"

	"tropa"
	"tropa/seal"
)

// QueuePage is the most cases one page of the queue shows.
const QueuePage = 100

// Queue lists cases for a staff member, what runs out first first. A
// coordinator may see the metadata of every case; everyone else sees only
// the cases whose key they hold, whatever the filter asks.
func (d *Desk) Queue(ctx context.Context, s *Session, f tropa.QueueFilter) ([]tropa.Request, error) {
	if err := require(s, tropa.PermQueue); err != nil {
		return nil, err
	}
	if !s.Staff.Role.Can(tropa.PermQueueAll) {
		f.Holder = s.Staff.ID
	}
	if f.Limit <= 0 || f.Limit > QueuePage {
		f.Limit = QueuePage
	}
	return d.cfg.Store.Queue(ctx, f)
}

// OpenCase opens a case for a staff member who holds its key, and writes
// that they did to the audit log before showing anything.
func (d *Desk) OpenCase(ctx context.Context, s *Session, requestID string) (*tropa.Case, error) {
	key, err := d.caseKey(ctx, s, requestID, tropa.PermQueue)
	if err != nil {
		return nil, err
	}
	if err := d.cfg.Store.Audit(ctx, tropa.AuditEvent{At: d.now(), Actor: s.Staff.ID, Action: tropa.ActionRequestOpen,
		RequestID: requestID}); err != nil {
		return nil, err
	}
	rr, err := d.cfg.Store.RequestByID(ctx, requestID)
	if err != nil {
		return nil, err
	}
	thread, err := d.openThread(ctx, rr, key, true)
	if err != nil {
		return nil, err
	}
	d.requeue(thread, rr.SealedChat)
	c := &tropa.Case{Thread: *thread}
	if c.Details, err = openDetails(key, rr); err != nil {
		return nil, err
	}
	if c.Deadlines, err = d.openDeadlines(ctx, key, requestID); err != nil {
		return nil, err
	}
	if c.History, err = d.openHistory(ctx, key, requestID); err != nil {
		return nil, err
	}
	wraps, err := d.cfg.Store.KeyWraps(ctx, requestID)
	if err != nil {
		return nil, err
	}
	for _, w := range wraps {
		if w.Holder != tropa.HolderRecovery {
			c.Holders = append(c.Holders, tropa.Holder{StaffID: w.Holder, Reason: w.Reason, CreatedAt: w.CreatedAt})
		}
	}
	if c.Links, err = d.cfg.Store.Links(ctx, requestID); err != nil {
		return nil, err
	}
	if c.Openings, err = d.cfg.Store.CaseOpenings(ctx, requestID); err != nil {
		return nil, err
	}
	if s.Staff.Role.Can(tropa.PermLegal) {
		if c.Legal, err = d.openLegal(ctx, key, requestID, c.Deadlines); err != nil {
			return nil, err
		}
	} else {
		redactLegal(c)
	}
	return c, nil
}

// Reply adds a staff member's answer to a case; the applicant reads it
// with his receipt.
func (d *Desk) Reply(ctx context.Context, s *Session, requestID, body string) error {
	return d.write(ctx, s, requestID, tropa.AuthorStaff, tropa.ActionRequestReply, body)
}

// AddNote adds an internal note to a case, which the applicant never sees.
func (d *Desk) AddNote(ctx context.Context, s *Session, requestID, body string) error {
	return d.write(ctx, s, requestID, tropa.AuthorNote, tropa.ActionCaseNote, body)
}

func (d *Desk) write(ctx context.Context, s *Session, requestID string, author tropa.Author, action, body string) error {
	if err := tropa.ValidateText(body, "message", 1, tropa.MaxMessageLen); err != nil {
		return err
	}
	key, err := d.caseKey(ctx, s, requestID, tropa.PermWrite)
	if err != nil {
		return err
	}
	now := d.now()
	return d.addStaffMessage(ctx, key, tropa.Message{RequestID: requestID, Author: author, StaffID: s.Staff.ID,
		CreatedAt: now, Body: body}, &tropa.AuditEvent{At: now, Actor: s.Staff.ID, Action: action, RequestID: requestID})
}

// addStaffMessage seals and stores a staff member's message with ev. A
// reply to a request that has a chat is marked pending and, on a node
// that runs the bot, handed to the outbox with the chat its case key
// opens; a node without the bot leaves it for one that has it (requeue).
func (d *Desk) addStaffMessage(ctx context.Context, key *seal.Key, msg tropa.Message, ev *tropa.AuditEvent) error {
	if err := tropa.ValidateText(msg.Body, "message", 1, tropa.MaxMessageLen); err != nil {
		return err
	}
	m := d.sealMessage(key, msg, nil)
	var out *outgoing
	if msg.Author == tropa.AuthorStaff {
		rr, err := d.cfg.Store.RequestByID(ctx, msg.RequestID)
		if err != nil {
			return err
		}
		if rr.SealedChat != nil {
			m.Delivery = tropa.DeliveryPending
		}
		if rr.SealedChat != nil && d.cfg.Chats != nil {
			chat, err := openChat(key, rr)
			if err != nil {
				return err
			}
			out = &outgoing{requestID: msg.RequestID, messageID: m.ID, chat: chat, sealed: rr.SealedChat, text: msg.Body}
		}
	}
	if err := d.cfg.Store.AddMessage(ctx, m, ev); err != nil {
		return err
	}
	if out != nil {
		d.outbox.add(*out)
	}
	return nil
}

// caseKey unwraps a case's key for a staff member whose role allows p.
// Without a wrap row there is nothing to unwrap, whatever the role. Every
// refusal is audited.
func (d *Desk) caseKey(ctx context.Context, s *Session, requestID string, p tropa.Permission) (*seal.Key, error) {
	if err := require(s, p); err != nil {
		return nil, d.refuse(ctx, s, requestID, p, "role", err)
	}
	w, err := d.cfg.Store.KeyWrap(ctx, requestID, s.Staff.ID)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return nil, d.refuse(ctx, s, requestID, p, "no_key", tropa.UserError(tropa.EFORBIDDEN, "ErrNoKey", nil))
	} else if err != nil {
		return nil, err
	}
	key, err := s.unwrap(w.Wrapped)
	if err != nil {
		return nil, d.refuse(ctx, s, requestID, p, "key_does_not_open",
			tropa.Errorf(tropa.EINTERNAL, "unwrap case key: %v", err))
	}
	return key, nil
}

// refuse records in the audit log that s was refused a case when asking
// for p, and why, then returns refusal. A refusal that cannot be recorded
// fails with the store's error instead: no attempt goes unrecorded. An id
// no request could have, taken from a URL, is recorded as such, not copied
// into the log.
func (d *Desk) refuse(ctx context.Context, s *Session, requestID string, p tropa.Permission, why string, refusal error) error {
	detail := fmt.Sprintf("asked=%s reason=%s", p, why)
	if !tropa.ValidID(requestID) {
		requestID, detail = "", detail+" id=malformed"
	}
	if err := d.cfg.Store.Audit(ctx, tropa.AuditEvent{At: d.now(), Actor: s.Staff.ID, Action: tropa.ActionRequestRefused,
		RequestID: requestID, Detail: detail}); err != nil {
		return err
	}
	return refusal
}

// require refuses a session that has not finished logging in or whose
// role may not ask for p.
func require(s *Session, p tropa.Permission) error {
	if err := requireFull(s); err != nil {
		return err
	}
	if !s.Staff.Role.Can(p) {
		return tropa.UserError(tropa.EFORBIDDEN, "ErrRoleForbidden", nil)
	}
	return nil
}

// requireFull refuses a session that has not finished logging in: one
// that may only enrol TOTP.
func requireFull(s *Session) error {
	if s.Stage != tropa.SessionFull {
		return tropa.UserError(tropa.EFORBIDDEN, "ErrRoleForbidden", nil)
	}
	return nil
}

// StaffNames maps staff ids to names, for showing who wrote what.
func (d *Desk) StaffNames(ctx context.Context, s *Session) (map[string]string, error) {
	if err := requireFull(s); err != nil {
		return nil, err
	}
	return staffNames(ctx, d.cfg.Store)
}

func staffNames(ctx context.Context, store tropa.StaffStore) (map[string]string, error) {
	staff, err := store.ListStaff(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(staff))
	for _, st := range staff {
		names[st.ID] = st.Name
	}
	return names, nil
}

func openDetails(key *seal.Key, rr *tropa.RequestRecord) (tropa.CaseDetails, error) {
	var det tropa.CaseDetails
	if rr.SealedDetails == nil {
		return det, nil
	}
	b, err := seal.Open(key, rr.SealedDetails, detailsAAD(rr.ID))
	if err != nil {
		return det, tropa.Errorf(tropa.EINTERNAL, "open case details: %v", err)
	}
	if err := json.Unmarshal(b, &det); err != nil {
		return det, tropa.Errorf(tropa.EINTERNAL, "case details: %v", err)
	}
	return det, nil
}

func sealDetails(key *seal.Key, requestID string, det tropa.CaseDetails) []byte {
	b, err := json.Marshal(det)
	if err != nil {
		panic(err) // strings and a map of strings always marshal
	}
	return seal.Seal(key, b, detailsAAD(requestID))
}

// openDeadlines opens a case's deadlines, earliest due first.
func (d *Desk) openDeadlines(ctx context.Context, key *seal.Key, requestID string) ([]tropa.Deadline, error) {
	records, err := d.cfg.Store.Deadlines(ctx, requestID)
	if err != nil {
		return nil, err
	}
	list := make([]tropa.Deadline, 0, len(records))
	for _, r := range records {
		dl, err := openDeadline(key, r)
		if err != nil {
			return nil, err
		}
		list = append(list, dl)
	}
	sortDeadlines(list)
	return list, nil
}

func (d *Desk) openHistory(ctx context.Context, key *seal.Key, requestID string) ([]tropa.CaseEvent, error) {
	records, err := d.cfg.Store.CaseEvents(ctx, requestID)
	if err != nil {
		return nil, err
	}
	list := make([]tropa.CaseEvent, 0, len(records))
	for _, r := range records {
		ev, err := openEvent(key, r)
		if err != nil {
			return nil, err
		}
		list = append(list, ev)
	}
	return list, nil
}
