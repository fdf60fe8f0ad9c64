package desk

import (
	"context"
	"slices"

	"tropa"
	"tropa/seal"
)

// AddPerson adds a staff member for an administrator on the web. No key
// pair is made and no password asked: the administrator must never know
// it. The new person chooses it at their first login (Enrol) with the
// enrolment code returned, which the administrator hands over in person
// or by a safe channel. Until then no case can be given to them.
func (d *Desk) AddPerson(ctx context.Context, s *Session, st tropa.Staff) (*AddedStaff, error) {
	if err := require(s, tropa.PermTeam); err != nil {
		return nil, err
	}
	return d.addStaff(ctx, st, s.Staff.ID, func(rec *tropa.StaffRecord) error {
		rec.Salt, rec.SealedPrivate = []byte{}, []byte{}
		return nil
	})
}

// PasswordReset is what a reset for a forgotten password gives back: the
// enrolment code to hand over, and how many cases the person held, to be
// re-granted.
type PasswordReset struct {
	EnrolCode string
	Cases     int64
}

// ResetPassword is for a staff member who forgot their password. Their key
// pair is destroyed at once, in one transaction: private keys, TOTP secret,
// sessions and every case key wrapped to them, so that the old password,
// even with a copy of the database from before, opens nothing of what is
// stored from then on. The cases they held are listed for re-granting;
// with the enrolment code returned they choose a new password, and get a
// new key pair, at their next login (Enrol).
func (d *Desk) ResetPassword(ctx context.Context, s *Session, staffID string) (*PasswordReset, error) {
	st, err := d.managed(ctx, s, staffID)
	if err != nil {
		return nil, err
	}
	return d.resetPassword(ctx, st, s.Staff.ID)
}

// ResetPasswordByName is ResetPassword for an administrator on the
// server's command line: for the last administrator, who has no one to ask.
func (d *Desk) ResetPasswordByName(ctx context.Context, name string) (*PasswordReset, error) {
	st, err := d.cfg.Store.StaffByName(ctx, name)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return nil, tropa.Errorf(tropa.ENOTFOUND, "no staff member is called %q", name)
	} else if err != nil {
		return nil, err
	}
	return d.resetPassword(ctx, st, ActorCLI)
}

func (d *Desk) resetPassword(ctx context.Context, st *tropa.StaffRecord, actor string) (*PasswordReset, error) {
	if !st.Active {
		return nil, tropa.UserError(tropa.ECONFLICT, "ErrStaffInactive", nil)
	}
	code, kept := d.newEnrolCode(st.ID)
	n, err := d.cfg.Store.ResetKeys(ctx, st.ID, kept, tropa.AuditEvent{At: d.now(), Actor: actor,
		Action: tropa.ActionPasswordReset, Detail: st.ID})
	if err != nil {
		return nil, err
	}
	// The keys just deleted open what the old password opens: they must
	// not stay readable in free pages or the log of a disk seized later.
	return &PasswordReset{EnrolCode: code, Cases: n}, d.cfg.Store.Reclaim(ctx)
}

// RegrantItem is one case to re-grant, as a coordinator sees it: its
// reference only, whether they can open it themselves, and whether anyone
// active can.
type RegrantItem struct {
	tropa.Regrant
	CanOpen bool
	// NoOne says that no active staff member holds the case's key: only
	// the organization's recovery key opens it now.
	NoOne bool
}

// RegrantList is what a password reset left to re-grant to one person.
type RegrantList struct {
	Staff tropa.Staff
	Items []RegrantItem
}

// Regrants lists the cases to re-grant to the staff member staffID, for a
// coordinator.
func (d *Desk) Regrants(ctx context.Context, s *Session, staffID string) (*RegrantList, error) {
	if err := require(s, tropa.PermAssign); err != nil {
		return nil, err
	}
	st, err := d.cfg.Store.StaffByID(ctx, staffID)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return nil, tropa.UserError(tropa.ENOTFOUND, "ErrStaffUnknown", nil)
	} else if err != nil {
		return nil, err
	}
	listed, err := d.cfg.Store.Regrants(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	staff, err := d.cfg.Store.ListStaff(ctx)
	if err != nil {
		return nil, err
	}
	present := map[string]bool{}
	for _, p := range staff {
		if p.Active && p.Keyed() {
			present[p.ID] = true
		}
	}
	list := &RegrantList{Staff: st.Staff}
	for _, g := range listed {
		wraps, err := d.cfg.Store.KeyWraps(ctx, g.Request.ID)
		if err != nil {
			return nil, err
		}
		item := RegrantItem{Regrant: g, NoOne: true}
		for _, w := range wraps {
			if present[w.Holder] {
				item.NoOne = false
			}
			if w.Holder == s.Staff.ID {
				item.CanOpen = true
			}
		}
		list.Items = append(list.Items, item)
	}
	return list, nil
}

// Regrant wraps to the staff member staffID's new key each case of
// requestIDs that is on their list to re-grant and that s can open, with
// the reason they held it before. It returns how many it re-granted.
func (d *Desk) Regrant(ctx context.Context, s *Session, staffID string, requestIDs []string) (int, error) {
	list, err := d.Regrants(ctx, s, staffID)
	if err != nil {
		return 0, err
	}
	if !list.Staff.Active || !list.Staff.Keyed() {
		return 0, tropa.UserError(tropa.ECONFLICT, "ErrStaffNoKeys", map[string]any{"Name": list.Staff.Name})
	}
	n := 0
	for _, item := range list.Items {
		if !item.CanOpen || !slices.Contains(requestIDs, item.Request.ID) {
			continue
		}
		key, rr, err := d.openCase(ctx, s, item.Request.ID, tropa.PermAssign)
		if err != nil {
			return n, err
		}
		// An owner whose case was transferred meanwhile gets it back as a
		// referral: the new owner stays.
		reason := item.Reason
		if reason == tropa.AccessOwner && rr.OwnerID != list.Staff.ID {
			reason = tropa.AccessReferral
		}
		wrapped, err := seal.WrapKey(list.Staff.PublicKey, key)
		if err != nil {
			return n, err
		}
		u := &tropa.CaseUpdate{RequestID: item.Request.ID, AddWraps: []tropa.KeyWrap{{RequestID: item.Request.ID,
			Holder: list.Staff.ID, Reason: reason, Wrapped: wrapped, CreatedAt: d.now(), To: list.Staff.PublicKey}}}
		if err := d.commit(ctx, s, key, u, tropa.CaseEvent{Action: tropa.CaseRegrant, To: list.Staff.ID}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// RegrantCounts counts, by staff member, the cases still to re-grant them,
// for those who manage staff.
func (d *Desk) RegrantCounts(ctx context.Context, s *Session) (map[string]int, error) {
	if err := require(s, tropa.PermStaff); err != nil {
		return nil, err
	}
	return d.cfg.Store.RegrantCounts(ctx)
}
