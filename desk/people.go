package desk

import (
	"context"
	"fmt"

	"tropa"
)

// People lists every staff member, for those who manage them.
func (d *Desk) People(ctx context.Context, s *Session) ([]tropa.Staff, error) {
	if err := require(s, tropa.PermStaff); err != nil {
		return nil, err
	}
	return d.cfg.Store.ListStaff(ctx)
}

// managed returns a staff member whom s may deactivate or reset.
func (d *Desk) managed(ctx context.Context, s *Session, staffID string) (*tropa.StaffRecord, error) {
	if err := require(s, tropa.PermStaff); err != nil {
		return nil, err
	}
	if staffID == s.Staff.ID {
		return nil, tropa.UserError(tropa.EFORBIDDEN, "ErrNotYourself", nil)
	}
	st, err := d.cfg.Store.StaffByID(ctx, staffID)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return nil, tropa.UserError(tropa.ENOTFOUND, "ErrStaffUnknown", nil)
	} else if err != nil {
		return nil, err
	}
	if !s.Staff.Role.Manages(st.Role) {
		return nil, tropa.UserError(tropa.EFORBIDDEN, "ErrRoleForbidden", nil)
	}
	return st, nil
}

// Deactivate removes a staff member: their sessions end and every case key
// wrapped to them is deleted, in one transaction, so that from that moment
// they can read nothing, on any node. It returns how many case keys went.
func (d *Desk) Deactivate(ctx context.Context, s *Session, staffID string) (int64, error) {
	st, err := d.managed(ctx, s, staffID)
	if err != nil {
		return 0, err
	}
	var n int64
	if st.Active {
		if n, err = d.cfg.Store.DeactivateStaff(ctx, st.ID, tropa.AuditEvent{At: d.now(), Actor: s.Staff.ID,
			Action: tropa.ActionStaffDisable, Detail: st.ID}); err != nil {
			return 0, err
		}
	}
	// Someone removed may be someone whose password the adversary has: the
	// keys just deleted must not stay readable in free pages or the log of
	// a disk seized later. Deactivating again retries a reclaim that failed.
	return n, d.cfg.Store.Reclaim(ctx)
}

// SuspectCompromise is for a staff member whose password or computer may be
// in the adversary's hands: their sessions end at once, and their next
// login replaces their key pair before it lets them do anything else.
func (d *Desk) SuspectCompromise(ctx context.Context, s *Session, staffID string) error {
	st, err := d.managed(ctx, s, staffID)
	if err != nil {
		return err
	}
	return d.cfg.Store.RequireRotation(ctx, st.ID, tropa.AuditEvent{At: d.now(), Actor: s.Staff.ID,
		Action: tropa.ActionSuspect, Detail: st.ID})
}

// Sessions lists the staff member's own sessions.
func (d *Desk) Sessions(ctx context.Context, s *Session) ([]tropa.SessionRecord, error) {
	if err := requireFull(s); err != nil {
		return nil, err
	}
	return d.cfg.Store.StaffSessions(ctx, s.Staff.ID)
}

// EndSession ends one of the staff member's own sessions, such as one left
// open on another computer.
func (d *Desk) EndSession(ctx context.Context, s *Session, id string) error {
	if err := requireFull(s); err != nil {
		return err
	}
	rec, err := d.cfg.Store.SessionByID(ctx, id)
	if tropa.IsCode(err, tropa.ENOTFOUND) || (err == nil && rec.StaffID != s.Staff.ID) {
		return tropa.UserError(tropa.ENOTFOUND, "ErrSessionUnknown", nil)
	} else if err != nil {
		return err
	}
	if err := d.deleteSession(ctx, id); err != nil {
		return err
	}
	return d.cfg.Store.Audit(ctx, tropa.AuditEvent{At: d.now(), Actor: s.Staff.ID, Action: tropa.ActionSessionEnd})
}

// EndOtherSessions logs the staff member out everywhere but here.
func (d *Desk) EndOtherSessions(ctx context.Context, s *Session) (int64, error) {
	if err := requireFull(s); err != nil {
		return 0, err
	}
	n, err := d.cfg.Store.DeleteStaffSessions(ctx, s.Staff.ID, s.ID)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		d.ReclaimSoon()
	}
	return n, d.cfg.Store.Audit(ctx, tropa.AuditEvent{At: d.now(), Actor: s.Staff.ID, Action: tropa.ActionSessionEnd,
		Detail: fmt.Sprintf("others=%d", n)})
}

// ListStaff lists every staff member, for an administrator at the server's
// console, who needs no session to see who has an account.
func (d *Desk) ListStaff(ctx context.Context) ([]tropa.Staff, error) {
	return d.cfg.Store.ListStaff(ctx)
}

// IntakeCount is how many active staff members receive new requests.
func (d *Desk) IntakeCount(ctx context.Context) (int, error) {
	r, err := d.cfg.Store.IntakeRecipients(ctx)
	return len(r), err
}
