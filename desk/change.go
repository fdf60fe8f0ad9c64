package desk

import (
	"context"
	"encoding/json"
	"time"

	"tropa"
	"tropa/seal"
)

// sealedEvent is what a history entry keeps under the case key, its exact
// time among it: the store keeps only its day.
type sealedEvent struct {
	Subject string    `json:"s,omitempty"`
	From    string    `json:"f,omitempty"`
	To      string    `json:"t,omitempty"`
	Note    string    `json:"n,omitempty"`
	At      time.Time `json:"a,omitzero"`
}

// commit writes a change to a case with the history entries and audit
// events that record it, all in one transaction. Audit details carry
// metadata only; anything about the person stays sealed in the history.
func (d *Desk) commit(ctx context.Context, s *Session, key *seal.Key, u *tropa.CaseUpdate, events ...tropa.CaseEvent) error {
	u.At = d.now()
	for _, ev := range events {
		rec, detail, err := sealEvent(key, s.Staff.ID, u.RequestID, u.At, ev)
		if err != nil {
			return err
		}
		u.Events = append(u.Events, rec)
		u.Audit = append(u.Audit, tropa.AuditEvent{At: u.At, Actor: s.Staff.ID, Action: auditAction(ev.Action),
			RequestID: u.RequestID, Detail: detail})
	}
	if err := d.cfg.Store.UpdateCase(ctx, u); err != nil {
		return err
	}
	if len(u.RemoveHolders) > 0 {
		d.ReclaimSoon()
	}
	return nil
}

// sealEvent makes the history entry of ev, by actor at at, with what it
// says about the person sealed under key, and the detail its audit entry
// may carry in clear.
func sealEvent(key *seal.Key, actor, requestID string, at time.Time, ev tropa.CaseEvent) (tropa.CaseEventRecord, string, error) {
	rec := tropa.CaseEventRecord{ID: tropa.NewID(), RequestID: requestID, At: at, Actor: actor, Action: ev.Action}
	secret := sealedEvent{Subject: ev.Subject, Note: ev.Note, At: at}
	detail := string(ev.Action)
	if ev.Action.SealsValues() {
		secret.From, secret.To = ev.From, ev.To
	} else {
		rec.From, rec.To = ev.From, ev.To
		detail += " " + ev.From + " -> " + ev.To
	}
	b, err := json.Marshal(secret)
	if err != nil {
		return rec, "", err
	}
	rec.SealedNote = seal.Seal(key, b, eventAAD(rec.ID))
	return rec, detail, nil
}

func auditAction(a tropa.CaseAction) string {
	switch a {
	case tropa.CaseAssign, tropa.CaseTransfer, tropa.CaseRefer, tropa.CaseRegrant:
		return tropa.ActionCaseGrant
	case tropa.CaseRemove:
		return tropa.ActionCaseRevoke
	}
	return tropa.ActionCaseChange
}

func openEvent(key *seal.Key, r tropa.CaseEventRecord) (tropa.CaseEvent, error) {
	ev := tropa.CaseEvent{ID: r.ID, RequestID: r.RequestID, At: r.At, Actor: r.Actor, Action: r.Action,
		From: r.From, To: r.To}
	if r.SealedNote == nil {
		return ev, nil
	}
	b, err := seal.Open(key, r.SealedNote, eventAAD(r.ID))
	if err != nil {
		return ev, tropa.Errorf(tropa.EINTERNAL, "open case event: %v", err)
	}
	var secret sealedEvent
	if err := json.Unmarshal(b, &secret); err != nil {
		return ev, tropa.Errorf(tropa.EINTERNAL, "case event: %v", err)
	}
	ev.Subject, ev.Note = secret.Subject, secret.Note
	if !secret.At.IsZero() {
		ev.At = secret.At.UTC()
	}
	if r.Action.SealsValues() {
		ev.From, ev.To = secret.From, secret.To
	}
	return ev, nil
}

// openCase unwraps a case's key for s and reads its current record.
func (d *Desk) openCase(ctx context.Context, s *Session, requestID string, p tropa.Permission) (*seal.Key, *tropa.RequestRecord, error) {
	key, err := d.caseKey(ctx, s, requestID, p)
	if err != nil {
		return nil, nil, err
	}
	rr, err := d.cfg.Store.RequestByID(ctx, requestID)
	if err != nil {
		return nil, nil, err
	}
	return key, rr, nil
}
