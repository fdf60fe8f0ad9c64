package desk

import (
	"context"
	"slices"

	"tropa"
	"tropa/seal"
)

// Assign makes a staff member the owner of a case, wrapping its key to
// them. If someone else owned it, this is a transfer: the previous owner's
// key is deleted and they can no longer open the case. Once a case has an
// owner it leaves the shared intake queue: the keys that intake gave to
// caseworkers (not coordinators) go, unless they were also referred.
func (d *Desk) Assign(ctx context.Context, s *Session, requestID, staffID string) error {
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermAssign)
	if err != nil {
		return err
	}
	if rr.OwnerID == staffID {
		return nil
	}
	to, err := d.owner(ctx, staffID)
	if err != nil {
		return err
	}
	wrapped, err := seal.WrapKey(to.PublicKey, key)
	if err != nil {
		return err
	}
	now := d.now()
	u := &tropa.CaseUpdate{RequestID: requestID, OwnerID: &to.ID,
		AddWraps: []tropa.KeyWrap{{RequestID: requestID, Holder: to.ID, Reason: tropa.AccessOwner, Wrapped: wrapped, CreatedAt: now,
			To: to.PublicKey}}}
	action := tropa.CaseAssign
	if rr.OwnerID != "" {
		action = tropa.CaseTransfer
		u.RemoveHolders = append(u.RemoveHolders, rr.OwnerID)
	} else {
		leaving, err := d.intakeHoldersToDrop(ctx, requestID, s.Staff.ID, to.ID)
		if err != nil {
			return err
		}
		u.RemoveHolders = append(u.RemoveHolders, leaving...)
	}
	return d.commit(ctx, s, key, u, tropa.CaseEvent{Action: action, From: rr.OwnerID, To: to.ID})
}

// intakeHoldersToDrop lists the caseworkers who hold a case's key only
// because they were on intake when it arrived.
func (d *Desk) intakeHoldersToDrop(ctx context.Context, requestID string, keep ...string) ([]string, error) {
	wraps, err := d.cfg.Store.KeyWraps(ctx, requestID)
	if err != nil {
		return nil, err
	}
	staff, err := d.cfg.Store.ListStaff(ctx)
	if err != nil {
		return nil, err
	}
	roles := make(map[string]tropa.Role, len(staff))
	for _, st := range staff {
		roles[st.ID] = st.Role
	}
	var drop []string
	for _, w := range wraps {
		if w.Reason != tropa.AccessIntake || w.Holder == tropa.HolderRecovery || roles[w.Holder] == tropa.RoleCoordinator {
			continue
		}
		if !slices.Contains(keep, w.Holder) {
			drop = append(drop, w.Holder)
		}
	}
	return drop, nil
}

// Refer gives a lawyer, psychologist or other colleague access to a case
// while its owner keeps it. A caseworker may refer only a case they own.
func (d *Desk) Refer(ctx context.Context, s *Session, requestID, staffID string) error {
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermRefer)
	if err != nil {
		return err
	}
	if !s.Staff.Role.Can(tropa.PermAssign) && rr.OwnerID != s.Staff.ID {
		return d.refuse(ctx, s, requestID, tropa.PermRefer, "not_owner", tropa.UserError(tropa.EFORBIDDEN, "ErrReferNotOwner", nil))
	}
	to, err := d.colleague(ctx, staffID)
	if err != nil {
		return err
	}
	if _, err := d.cfg.Store.KeyWrap(ctx, requestID, to.ID); err == nil {
		return tropa.UserError(tropa.ECONFLICT, "ErrAlreadyHolds", nil)
	} else if !tropa.IsCode(err, tropa.ENOTFOUND) {
		return err
	}
	wrapped, err := seal.WrapKey(to.PublicKey, key)
	if err != nil {
		return err
	}
	u := &tropa.CaseUpdate{RequestID: requestID,
		AddWraps: []tropa.KeyWrap{{RequestID: requestID, Holder: to.ID, Reason: tropa.AccessReferral, Wrapped: wrapped,
			CreatedAt: d.now(), To: to.PublicKey}}}
	return d.commit(ctx, s, key, u, tropa.CaseEvent{Action: tropa.CaseRefer, To: to.ID})
}

// RemoveAccess deletes a staff member's key to a case: from that moment no
// session of theirs, on any node, can open it. The owner must be replaced
// by a transfer first, so that a case is never left without one.
func (d *Desk) RemoveAccess(ctx context.Context, s *Session, requestID, staffID string) error {
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermAssign)
	if err != nil {
		return err
	}
	if staffID == rr.OwnerID {
		return tropa.UserError(tropa.ECONFLICT, "ErrRemoveOwner", nil)
	}
	if staffID == tropa.HolderRecovery {
		return tropa.UserError(tropa.ENOTFOUND, "ErrNotHolder", nil)
	}
	if _, err := d.cfg.Store.KeyWrap(ctx, requestID, staffID); tropa.IsCode(err, tropa.ENOTFOUND) {
		return tropa.UserError(tropa.ENOTFOUND, "ErrNotHolder", nil)
	} else if err != nil {
		return err
	}
	return d.commit(ctx, s, key, &tropa.CaseUpdate{RequestID: requestID, RemoveHolders: []string{staffID}},
		tropa.CaseEvent{Action: tropa.CaseRemove, From: staffID})
}

// colleague returns an active staff member who can hold case keys.
func (d *Desk) colleague(ctx context.Context, staffID string) (*tropa.StaffRecord, error) {
	st, err := d.cfg.Store.StaffByID(ctx, staffID)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return nil, tropa.UserError(tropa.EINVALID, "ErrStaffUnknown", nil)
	} else if err != nil {
		return nil, err
	}
	if !st.Active || !st.Role.WorksCases() {
		return nil, tropa.UserError(tropa.EINVALID, "ErrStaffUnknown", nil)
	}
	if !st.Keyed() {
		return nil, tropa.UserError(tropa.EINVALID, "ErrStaffNoKeys", map[string]any{"Name": st.Name})
	}
	return st, nil
}

// owner returns an active staff member who may own a case.
func (d *Desk) owner(ctx context.Context, staffID string) (*tropa.StaffRecord, error) {
	to, err := d.colleague(ctx, staffID)
	if err != nil {
		return nil, err
	}
	if to.Role != tropa.RoleCaseworker && to.Role != tropa.RoleCoordinator {
		return nil, tropa.UserError(tropa.EINVALID, "ErrOwnerRole", nil)
	}
	return to, nil
}

// Colleagues lists the active staff who can be given a case, for the
// assign and refer choices: those with a key pair to wrap it to.
func (d *Desk) Colleagues(ctx context.Context, s *Session) ([]tropa.Staff, error) {
	if err := require(s, tropa.PermRefer); err != nil {
		return nil, err
	}
	all, err := d.cfg.Store.ListStaff(ctx)
	if err != nil {
		return nil, err
	}
	var list []tropa.Staff
	for _, st := range all {
		if st.Active && st.Role.WorksCases() && st.Keyed() {
			list = append(list, st)
		}
	}
	return list, nil
}
