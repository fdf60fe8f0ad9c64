package desk

import (
	"context"

	"tropa"
)

// HandoverNobody, as the taker of a case in a Handover, leaves it unowned.
const HandoverNobody = "-"

// maxHandover is the most cases a departure lists: far more than one
// person carries.
const maxHandover = 1000

// HandoverCase is a case that would be, or is, left without anyone to take
// care of it, as someone who manages staff sees it: its metadata only.
type HandoverCase struct {
	tropa.Request
	// CanGive is set when the viewer holds the case's key and may assign
	// it, and so can hand it to someone.
	CanGive bool
	// Regranters are the active staff members who hold the case's key and
	// may assign it, other than whoever is leaving; with none, only the
	// organization's recovery key can give it to someone.
	Regranters []string
}

// Handover says who takes the cases of someone being deactivated: Each
// names a taker by case, and All takes the others. A taker of
// HandoverNobody leaves a case unowned; a case with no taker at all is
// refused, so that no case is left by oversight.
type Handover struct {
	All  string
	Each map[string]string
}

// taker is who takes the case requestID, "" for no one chosen.
func (h Handover) taker(requestID string) string {
	if to := h.Each[requestID]; to != "" {
		return to
	}
	return h.All
}

// Departure is what deactivating someone did.
type Departure struct {
	// Keys counts the case keys deleted with them.
	Keys int64
	// HandedOver counts the cases given to someone else first.
	HandedOver int
	// Unowned are the cases left without anyone to take care of them.
	Unowned []HandoverCase
}

// Handovers lists the open cases that deactivating staffID would leave
// without anyone to take care of them: those they own, and those no one
// else holds the key of. It opens none of them.
func (d *Desk) Handovers(ctx context.Context, s *Session, staffID string) ([]HandoverCase, error) {
	st, err := d.managed(ctx, s, staffID)
	if err != nil {
		return nil, err
	}
	return d.handovers(ctx, s, st.ID)
}

func (d *Desk) handovers(ctx context.Context, s *Session, leaving string) ([]HandoverCase, error) {
	held, err := d.cfg.Store.Queue(ctx, tropa.QueueFilter{Holder: leaving, Limit: maxHandover})
	if err != nil {
		return nil, err
	}
	roles, err := d.activeRoles(ctx)
	if err != nil {
		return nil, err
	}
	var list []HandoverCase
	for _, r := range held {
		c, others, err := d.handoverCase(ctx, s, r, roles, leaving)
		if err != nil {
			return nil, err
		}
		if r.OwnerID == leaving || others == 0 {
			list = append(list, c)
		}
	}
	return list, nil
}

// handoverCase says who can give r to someone, and how many staff
// members other than leaving hold its key.
func (d *Desk) handoverCase(ctx context.Context, s *Session, r tropa.Request, roles map[string]tropa.Role,
	leaving string) (HandoverCase, int, error) {
	c := HandoverCase{Request: r}
	wraps, err := d.cfg.Store.KeyWraps(ctx, r.ID)
	if err != nil {
		return c, 0, err
	}
	others := 0
	for _, w := range wraps {
		role, active := roles[w.Holder]
		if !active || w.Holder == leaving {
			continue
		}
		others++
		if !role.Can(tropa.PermAssign) {
			continue
		}
		c.Regranters = append(c.Regranters, w.Holder)
		if w.Holder == s.Staff.ID {
			c.CanGive = true
		}
	}
	return c, others, nil
}

// activeRoles maps the active staff members to their roles.
func (d *Desk) activeRoles(ctx context.Context) (map[string]tropa.Role, error) {
	staff, err := d.cfg.Store.ListStaff(ctx)
	if err != nil {
		return nil, err
	}
	roles := make(map[string]tropa.Role, len(staff))
	for _, st := range staff {
		if st.Active {
			roles[st.ID] = st.Role
		}
	}
	return roles, nil
}

// Unowned lists the open cases no one can take care of (see
// tropa.QueueFilter.Unowned), for those who see every case, with who could
// give each to someone.
func (d *Desk) Unowned(ctx context.Context, s *Session) ([]HandoverCase, error) {
	if err := require(s, tropa.PermQueueAll); err != nil {
		return nil, err
	}
	list, err := d.cfg.Store.Queue(ctx, tropa.QueueFilter{Unowned: true, Limit: QueuePage})
	if err != nil {
		return nil, err
	}
	roles, err := d.activeRoles(ctx)
	if err != nil {
		return nil, err
	}
	cases := make([]HandoverCase, 0, len(list))
	for _, r := range list {
		c, _, err := d.handoverCase(ctx, s, r, roles, "")
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	return cases, nil
}

// DeactivateWith deactivates a staff member after handing their cases
// over as h says: each case the deactivating person can open goes to its
// taker, as an assignment by them; the others, and those whose taker is
// HandoverNobody, are left unowned, to be given to someone by a holder of
// their key or with the recovery key. Takers are checked before anything
// changes.
func (d *Desk) DeactivateWith(ctx context.Context, s *Session, staffID string, h Handover) (Departure, error) {
	var dep Departure
	st, err := d.managed(ctx, s, staffID)
	if err != nil {
		return dep, err
	}
	cases, err := d.handovers(ctx, s, st.ID)
	if err != nil {
		return dep, err
	}
	for _, c := range cases {
		if !c.CanGive {
			continue
		}
		to := h.taker(c.ID)
		switch {
		case to == "":
			return dep, tropa.UserError(tropa.EINVALID, "ErrHandoverChoose", map[string]any{"Ref": c.Ref})
		case to == HandoverNobody:
		case to == st.ID:
			return dep, tropa.UserError(tropa.EINVALID, "ErrHandoverLeaving", nil)
		default:
			if _, err := d.owner(ctx, to); err != nil {
				return dep, err
			}
		}
	}
	for _, c := range cases {
		to := h.taker(c.ID)
		if !c.CanGive || to == HandoverNobody {
			dep.Unowned = append(dep.Unowned, c)
			continue
		}
		if err := d.Assign(ctx, s, c.ID, to); err != nil {
			return dep, err
		}
		dep.HandedOver++
	}
	dep.Keys, err = d.Deactivate(ctx, s, st.ID)
	return dep, err
}
