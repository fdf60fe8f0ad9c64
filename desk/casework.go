package desk

import (
	"context"

	"tropa"
	"tropa/seal"
)

// inboxLimit bounds one inbox page.
const inboxLimit = 200

// Inbox lists the requests a staff member holds a key for, most urgent and
// newest first.
func (d *Desk) Inbox(ctx context.Context, s *Session) ([]tropa.Request, error) {
	if err := requireCasework(s); err != nil {
		return nil, err
	}
	return d.Store.Inbox(ctx, tropa.InboxFilter{Holder: s.Staff.ID, Limit: inboxLimit})
}

// OpenRequest opens a request for a staff member who holds its key, and
// writes that they did to the audit log before showing anything.
func (d *Desk) OpenRequest(ctx context.Context, s *Session, requestID string) (*tropa.Thread, error) {
	key, err := d.caseKey(ctx, s, requestID)
	if err != nil {
		return nil, err
	}
	if err := d.Store.Audit(ctx, tropa.AuditEvent{At: d.now(), Actor: s.Staff.ID, Action: tropa.ActionRequestOpen,
		RequestID: requestID}); err != nil {
		return nil, err
	}
	return d.openThread(ctx, requestID, key)
}

// Reply adds a staff member's answer to a request; the applicant reads it
// with his receipt.
func (d *Desk) Reply(ctx context.Context, s *Session, requestID, body string) error {
	if err := tropa.ValidateText(body, "message", 1, tropa.MaxMessageLen); err != nil {
		return err
	}
	key, err := d.caseKey(ctx, s, requestID)
	if err != nil {
		return err
	}
	now := d.now()
	return d.addMessage(ctx, key, tropa.Message{RequestID: requestID, Author: tropa.AuthorStaff, StaffID: s.Staff.ID,
		CreatedAt: now, Body: body},
		&tropa.AuditEvent{At: now, Actor: s.Staff.ID, Action: tropa.ActionRequestReply, RequestID: requestID})
}

// caseKey unwraps a request's key for a staff member. Without a wrap row
// there is nothing to unwrap, whatever the staff member's role.
func (d *Desk) caseKey(ctx context.Context, s *Session, requestID string) (*seal.Key, error) {
	if err := requireCasework(s); err != nil {
		return nil, err
	}
	w, err := d.Store.KeyWrap(ctx, requestID, s.Staff.ID)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return nil, tropa.UserError(tropa.EFORBIDDEN, "ErrNoKey", nil)
	} else if err != nil {
		return nil, err
	}
	key, err := s.identity.UnwrapKey(w.Wrapped)
	if err != nil {
		return nil, tropa.Errorf(tropa.EINTERNAL, "unwrap case key: %v", err)
	}
	return key, nil
}

func requireCasework(s *Session) error {
	if s.Stage != tropa.SessionFull || !s.Staff.Role.WorksCases() {
		return tropa.UserError(tropa.EFORBIDDEN, "ErrRoleForbidden", nil)
	}
	return nil
}

// StaffNames maps staff ids to names, for showing who wrote what.
func (d *Desk) StaffNames(ctx context.Context, s *Session) (map[string]string, error) {
	if err := requireCasework(s); err != nil {
		return nil, err
	}
	list, err := d.Store.ListStaff(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(list))
	for _, st := range list {
		names[st.ID] = st.Name
	}
	return names, nil
}
