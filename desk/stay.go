package desk

import (
	"context"
	"time"

	"tropa"
)

// StayInput is a booking as a caseworker types it: dates in their zone,
// the first night and the day of leaving.
type StayInput struct {
	ShelterID string
	First     time.Time
	End       time.Time
	Beds      int
}

// StayChange is what is done to a booked stay.
type StayChange string

const (
	// StayExtend moves the day of leaving later.
	StayExtend StayChange = "extend"
	// StayEndToday ends the stay this morning: last night was its last.
	StayEndToday StayChange = "end"
	// StayCancel frees the beds of a stay not begun.
	StayCancel StayChange = "cancel"
)

// StayView is a case's stay with the shelter's reference, and its name when
// the one looking holds the shelter's key.
type StayView struct {
	tropa.Stay
	Ref  string
	Name string
}

// utcDate is the date of t as the UTC day a stay keeps.
func utcDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// BookStay books beds in a shelter s holds the key to, for a case s holds.
// A booking that would put more people in the shelter on some night than
// it has beds is refused.
func (d *Desk) BookStay(ctx context.Context, s *Session, requestID string, in StayInput) error {
	first, end := utcDate(in.First), utcDate(in.End)
	today, err := d.today(ctx, s)
	if err != nil {
		return err
	}
	if in.First.IsZero() || in.End.IsZero() || !end.After(first) || !end.After(today) ||
		end.Sub(first) > tropa.MaxStayNights*24*time.Hour || first.After(today.Add(maxAhead)) {
		return tropa.UserError(tropa.EINVALID, "ErrStayDates", map[string]any{"Max": tropa.MaxStayNights})
	}
	if in.Beds < 1 || in.Beds > tropa.MaxShelterBeds {
		return tropa.UserError(tropa.EINVALID, "ErrStayBeds", nil)
	}
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermPlace)
	if err != nil {
		return err
	}
	if !rr.Open() {
		return tropa.UserError(tropa.ECONFLICT, "ErrStayCaseClosed", nil)
	}
	shelter, err := d.heldShelter(ctx, s, in.ShelterID)
	if err != nil {
		return err
	}
	st := tropa.Stay{ID: tropa.NewID(), ShelterID: shelter.ID, RequestID: requestID, First: first, End: end,
		Beds: in.Beds, State: tropa.StayBooked, CreatedAt: d.now()}
	return d.commit(ctx, s, key, &tropa.CaseUpdate{RequestID: requestID, Stays: []tropa.Stay{st}},
		stayEvent(string(tropa.StayBooked), shelter, tropa.Stay{}, st))
}

// ChangeStay extends a case's stay to a new day of leaving, ends it today,
// or cancels it. A closed case's stay can be ended or cancelled, not
// extended.
func (d *Desk) ChangeStay(ctx context.Context, s *Session, requestID, stayID string, change StayChange, end time.Time) error {
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermPlace)
	if err != nil {
		return err
	}
	if change == StayExtend && !rr.Open() {
		return tropa.UserError(tropa.ECONFLICT, "ErrStayCaseClosed", nil)
	}
	stays, err := d.cfg.Store.Stays(ctx, requestID)
	if err != nil {
		return err
	}
	var before tropa.Stay
	for _, st := range stays {
		if st.ID == stayID {
			before = st
		}
	}
	if before.ID == "" {
		return tropa.UserError(tropa.ENOTFOUND, "ErrStayUnknown", nil)
	}
	if before.State != tropa.StayBooked {
		return tropa.UserError(tropa.ECONFLICT, "ErrStayClosed", nil)
	}
	shelter, err := d.heldShelter(ctx, s, before.ShelterID)
	if err != nil {
		return err
	}
	today, err := d.today(ctx, s)
	if err != nil {
		return err
	}
	after := before
	switch change {
	case StayExtend:
		after.End = utcDate(end)
		if end.IsZero() || !after.End.After(before.End) || after.End.Sub(after.First) > tropa.MaxStayNights*24*time.Hour {
			return tropa.UserError(tropa.EINVALID, "ErrStayExtend", nil)
		}
	case StayEndToday:
		if !today.After(before.First) || !today.Before(before.End) {
			return tropa.UserError(tropa.EINVALID, "ErrStayNotOn", nil)
		}
		after.End, after.State = today, tropa.StayEnded
	case StayCancel:
		if today.After(before.First) {
			return tropa.UserError(tropa.EINVALID, "ErrStayBegun", nil)
		}
		after.State = tropa.StayCancelled
	default:
		return tropa.UserError(tropa.EINVALID, "ErrStayChange", nil)
	}
	return d.commit(ctx, s, key, &tropa.CaseUpdate{RequestID: requestID, Stays: []tropa.Stay{after}},
		stayEvent(string(change), shelter, before, after))
}

// stayEvent is the history entry of a stay's change: which shelter and
// which nights are sealed with it.
func stayEvent(what string, shelter *tropa.Shelter, before, after tropa.Stay) tropa.CaseEvent {
	nights := func(st tropa.Stay) string {
		if st.ID == "" {
			return ""
		}
		return st.First.Format(time.DateOnly) + " – " + st.End.Format(time.DateOnly)
	}
	return tropa.CaseEvent{Action: tropa.CaseStay, Subject: what, Note: shelter.Ref + " " + shelter.Name,
		From: nights(before), To: nights(after)}
}

// heldShelter opens the shelter s holds the key to with id.
func (d *Desk) heldShelter(ctx context.Context, s *Session, id string) (*tropa.Shelter, error) {
	list, _, err := d.openShelters(ctx, s)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].ID == id {
			return &list[i], nil
		}
	}
	return nil, tropa.UserError(tropa.ENOTFOUND, "ErrShelterUnknown", nil)
}

// CaseStays returns a case's stays for one who holds it: each names its
// shelter by reference, and by name too when s holds the shelter's key.
func (d *Desk) CaseStays(ctx context.Context, s *Session, requestID string) ([]StayView, error) {
	if _, err := d.caseKey(ctx, s, requestID, tropa.PermQueue); err != nil {
		return nil, err
	}
	stays, err := d.cfg.Store.Stays(ctx, requestID)
	if err != nil {
		return nil, err
	}
	if len(stays) == 0 {
		return nil, nil
	}
	var held []tropa.Shelter
	if s.Staff.Role.Can(tropa.PermPlace) {
		if held, _, err = d.openShelters(ctx, s); err != nil {
			return nil, err
		}
	}
	refs, err := d.cfg.Store.ShelterRefs(ctx)
	if err != nil {
		return nil, err
	}
	views := make([]StayView, 0, len(stays))
	for _, st := range stays {
		v := StayView{Stay: st, Ref: refs[st.ShelterID]}
		for _, sh := range held {
			if sh.ID == st.ShelterID {
				v.Name = sh.Name
			}
		}
		views = append(views, v)
	}
	return views, nil
}
