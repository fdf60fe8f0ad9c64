package desk

import (
	"context"
	"slices"
	"time"

	"tropa"
	"tropa/seal"
)

// addTakenCall adds to a new request the call it was taken on: its
// urgency as marked, the call and its history entry, and the audit entry
// of its entry.
func (d *Desk) addTakenCall(n *tropa.NewRequest, key *seal.Key, call *takenCall, now time.Time) error {
	if call.urgent {
		n.Request.Urgency = tropa.UrgencyHigh
	}
	id := n.Request.ID
	rec := newCallRecord(key, id, call.s, now, false)
	ev, _, err := sealEvent(key, call.s.Staff.ID, id, now, tropa.CaseEvent{Action: tropa.CaseCall, Subject: string(call.caller)})
	if err != nil {
		return err
	}
	n.Call, n.Event = &rec, &ev
	n.Audit = &tropa.AuditEvent{At: now, Actor: call.s.Staff.ID, Action: tropa.ActionRequestEnter, RequestID: id,
		Detail: string(tropa.CaseCall)}
	return nil
}

func newCallRecord(key *seal.Key, requestID string, s *Session, at time.Time, returning bool) tropa.CallRecord {
	id := tropa.NewID()
	return tropa.CallRecord{ID: id, RequestID: requestID, StaffID: s.Staff.ID, At: at, Returning: returning,
		SealedAt: sealTime(key, at, callTimeAAD(id))}
}

func callTimeAAD(id string) seal.AAD {
	return seal.AAD{Table: "calls", Row: id, Field: "at"}
}

// AddCall adds a returning caller's call to the case his receipt opens:
// who called and what was said go into its history, sealed, and the one
// who took the call holds the case from then on, as if they had taken its
// first. A wrong receipt is refused as on the applicant's site, after the
// same work. It returns the case's id.
func (d *Desk) AddCall(ctx context.Context, s *Session, call tropa.ReturningCall) (string, error) {
	if err := require(s, tropa.PermEnter); err != nil {
		return "", err
	}
	if err := call.Validate(); err != nil {
		return "", err
	}
	requestID, key, err := d.receiptKey(ctx, call.Receipt)
	if err != nil {
		return "", err
	}
	now := d.now()
	u := &tropa.CaseUpdate{RequestID: requestID, Calls: []tropa.CallRecord{newCallRecord(key, requestID, s, now, true)}}
	if _, err := d.cfg.Store.KeyWrap(ctx, requestID, s.Staff.ID); tropa.IsCode(err, tropa.ENOTFOUND) {
		wrapped, err := seal.WrapKey(s.Staff.PublicKey, key)
		if err != nil {
			return "", err
		}
		u.AddWraps = []tropa.KeyWrap{{RequestID: requestID, Holder: s.Staff.ID, Reason: tropa.AccessCall,
			Wrapped: wrapped, CreatedAt: now, To: s.Staff.PublicKey}}
	} else if err != nil {
		return "", err
	}
	return requestID, d.commit(ctx, s, key, u, tropa.CaseEvent{Action: tropa.CaseCall, Subject: string(call.Caller), Note: call.Said})
}

// CallsToday lists the calls s took today on their own clock, first taken
// first, of the cases they still hold.
func (d *Desk) CallsToday(ctx context.Context, s *Session) ([]tropa.Call, error) {
	if err := require(s, tropa.PermEnter); err != nil {
		return nil, err
	}
	loc, err := d.StaffLocation(ctx, s.Staff.ID)
	if err != nil {
		return nil, err
	}
	from, to := localDay(d.now(), loc)
	taken, err := d.cfg.Store.CallsTaken(ctx, s.Staff.ID, from, to)
	if err != nil {
		return nil, err
	}
	wrapped := map[string][]byte{}
	for _, c := range taken {
		wrapped[c.RequestID] = c.Wrapped
	}
	keys, err := s.unwrapCases(wrapped)
	if err != nil {
		return nil, err
	}
	var calls []tropa.Call
	for _, c := range taken {
		at, err := openTime(keys[c.RequestID], c.SealedAt, callTimeAAD(c.ID), c.At)
		if err != nil {
			return nil, err
		}
		if at.Before(from) || !at.Before(to) {
			continue
		}
		calls = append(calls, tropa.Call{RequestID: c.RequestID, Ref: c.Ref, At: at, Returning: c.Returning})
	}
	slices.SortFunc(calls, func(a, b tropa.Call) int { return a.At.Compare(b.At) })
	return calls, nil
}

// localDay is the day now falls on in loc, as [from, to).
func localDay(now time.Time, loc *time.Location) (time.Time, time.Time) {
	l := now.In(loc)
	from := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	return from.UTC(), from.AddDate(0, 0, 1).UTC()
}
