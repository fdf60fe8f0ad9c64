package desk

import (
	"context"
	"strings"
	"time"

	"tropa"
	"tropa/seal"
)

// ShelterInput is what a coordinator types to add a shelter.
type ShelterInput struct {
	Name    string
	Address string
	Contact string
	Beds    int
}

// Shelter fields' lengths.
const (
	maxShelterName    = 200
	maxShelterAddress = 1000
	maxShelterContact = 500
)

// FreeBedsDays is how many nights ahead the list of shelters shows free
// beds for.
const FreeBedsDays = 21

// ShelterView is a shelter as one who holds its key sees it, with its free
// beds each night from First on.
type ShelterView struct {
	tropa.Shelter
	First time.Time
	Free  []int
}

func shelterAAD(id, field string) seal.AAD {
	return seal.AAD{Table: "shelters", Row: id, Field: field}
}

// AddShelter adds a shelter. Its key is wrapped to the one who adds it and
// to the recovery key; they grant it to others.
func (d *Desk) AddShelter(ctx context.Context, s *Session, in ShelterInput) (*tropa.Shelter, error) {
	if err := require(s, tropa.PermShelters); err != nil {
		return nil, err
	}
	in.Name, in.Address, in.Contact = strings.TrimSpace(in.Name), strings.TrimSpace(in.Address), strings.TrimSpace(in.Contact)
	if err := tropa.ValidateText(in.Name, "name", 1, maxShelterName); err != nil {
		return nil, err
	}
	if err := tropa.ValidateText(in.Address, "address", 1, maxShelterAddress); err != nil {
		return nil, err
	}
	if err := tropa.ValidateText(in.Contact, "contact", 0, maxShelterContact); err != nil {
		return nil, err
	}
	if in.Beds < 1 || in.Beds > tropa.MaxShelterBeds {
		return nil, tropa.UserError(tropa.EINVALID, "ErrShelterBeds", map[string]any{"Max": tropa.MaxShelterBeds})
	}
	recovery, err := d.RecoveryRecipient(ctx)
	if err != nil {
		return nil, err
	}
	key := seal.NewKey()
	rec := &tropa.ShelterRecord{ID: tropa.NewID(), Ref: newRef(), Beds: in.Beds, CreatedAt: d.now()}
	rec.SealedName = seal.SealString(&key, in.Name, shelterAAD(rec.ID, "name"))
	rec.SealedAddress = seal.SealString(&key, in.Address, shelterAAD(rec.ID, "address"))
	rec.SealedContact = seal.SealString(&key, in.Contact, shelterAAD(rec.ID, "contact"))
	if rec.RecoveryWrap, err = seal.WrapKey(recovery, &key); err != nil {
		return nil, tropa.Errorf(tropa.EINTERNAL, "wrap shelter key: %v", err)
	}
	own, err := seal.WrapKey(s.identity.Recipient(), &key)
	if err != nil {
		return nil, tropa.Errorf(tropa.EINTERNAL, "wrap shelter key: %v", err)
	}
	keys := []tropa.ShelterKey{{ShelterID: rec.ID, StaffID: s.Staff.ID, Wrapped: own, GrantedBy: s.Staff.ID}}
	if err := d.cfg.Store.CreateShelter(ctx, rec, keys, tropa.AuditEvent{At: rec.CreatedAt, Actor: s.Staff.ID,
		Action: tropa.ActionShelterAdd, Detail: rec.Ref}); err != nil {
		return nil, err
	}
	return &tropa.Shelter{ID: rec.ID, Ref: rec.Ref, Beds: rec.Beds, Name: in.Name, Address: in.Address, Contact: in.Contact}, nil
}

// openShelters opens the shelters s holds the key to, with their keys.
func (d *Desk) openShelters(ctx context.Context, s *Session) ([]tropa.Shelter, map[string]*seal.Key, error) {
	recs, wraps, err := d.cfg.Store.Shelters(ctx, s.Staff.ID)
	if err != nil {
		return nil, nil, err
	}
	list := make([]tropa.Shelter, 0, len(recs))
	keys := make(map[string]*seal.Key, len(recs))
	for i, r := range recs {
		key, err := s.unwrap(wraps[i].Wrapped)
		if err != nil {
			continue // a key wrapped to a key pair since replaced: to be granted again
		}
		sh := tropa.Shelter{ID: r.ID, Ref: r.Ref, Beds: r.Beds}
		for _, f := range []struct {
			to     *string
			sealed []byte
			name   string
		}{{&sh.Name, r.SealedName, "name"}, {&sh.Address, r.SealedAddress, "address"}, {&sh.Contact, r.SealedContact, "contact"}} {
			if *f.to, err = seal.OpenString(key, f.sealed, shelterAAD(r.ID, f.name)); err != nil {
				return nil, nil, tropa.Errorf(tropa.EINTERNAL, "open shelter: %v", err)
			}
		}
		list, keys[r.ID] = append(list, sh), key
	}
	return list, keys, nil
}

// Shelters returns the shelters s holds the key to, with their free beds
// each night from today, in s's zone, on.
func (d *Desk) Shelters(ctx context.Context, s *Session) ([]ShelterView, error) {
	if err := require(s, tropa.PermPlace); err != nil {
		return nil, err
	}
	list, _, err := d.openShelters(ctx, s)
	if err != nil {
		return nil, err
	}
	today, err := d.today(ctx, s)
	if err != nil {
		return nil, err
	}
	views := make([]ShelterView, 0, len(list))
	for _, sh := range list {
		stays, err := d.cfg.Store.ShelterStays(ctx, sh.ID, today)
		if err != nil {
			return nil, err
		}
		views = append(views, ShelterView{Shelter: sh, First: today, Free: tropa.FreeBeds(sh.Beds, stays, today, FreeBedsDays)})
	}
	return views, nil
}

// today is the date it is now in s's zone, as a UTC day: the grain stays'
// dates are kept at.
func (d *Desk) today(ctx context.Context, s *Session) (time.Time, error) {
	loc, err := d.StaffLocation(ctx, s.Staff.ID)
	if err != nil {
		return time.Time{}, err
	}
	y, m, day := d.now().In(loc).Date()
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC), nil
}

// GrantShelter wraps a shelter's key, which s holds, to a colleague who
// may place people.
func (d *Desk) GrantShelter(ctx context.Context, s *Session, shelterID, staffID string) error {
	if err := require(s, tropa.PermShelters); err != nil {
		return err
	}
	list, keys, err := d.openShelters(ctx, s)
	if err != nil {
		return err
	}
	key, ok := keys[shelterID]
	if !ok {
		return tropa.UserError(tropa.ENOTFOUND, "ErrShelterUnknown", nil)
	}
	to, err := d.cfg.Store.StaffByID(ctx, staffID)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return tropa.UserError(tropa.EINVALID, "ErrShelterGrantee", nil)
	} else if err != nil {
		return err
	}
	if !to.Active || !to.Role.Can(tropa.PermPlace) || to.PublicKey == "" {
		return tropa.UserError(tropa.EINVALID, "ErrShelterGrantee", nil)
	}
	wrapped, err := seal.WrapKey(to.PublicKey, key)
	if err != nil {
		return tropa.Errorf(tropa.EINTERNAL, "wrap shelter key: %v", err)
	}
	var ref string
	for _, sh := range list {
		if sh.ID == shelterID {
			ref = sh.Ref
		}
	}
	return d.cfg.Store.GrantShelter(ctx, tropa.ShelterKey{ShelterID: shelterID, StaffID: to.ID, Wrapped: wrapped,
		GrantedBy: s.Staff.ID}, tropa.AuditEvent{At: d.now(), Actor: s.Staff.ID, Action: tropa.ActionShelterGrant,
		Detail: ref + " to " + to.ID})
}

// rewrapShelters wraps to current the shelter keys staffID holds under
// old, as complete does their case keys, so that a replaced key pair
// leaves them every shelter they could open.
func (d *Desk) rewrapShelters(ctx context.Context, staffID string, current, old *seal.Identity) error {
	_, wraps, err := d.cfg.Store.Shelters(ctx, staffID)
	if err != nil {
		return err
	}
	var moved []tropa.ShelterKey
	for _, w := range wraps {
		key, err := old.UnwrapKey(w.Wrapped)
		if err != nil {
			continue
		}
		if w.Wrapped, err = seal.WrapKey(current.Recipient(), key); err != nil {
			return tropa.Errorf(tropa.EINTERNAL, "wrap shelter key: %v", err)
		}
		moved = append(moved, w)
	}
	if len(moved) == 0 {
		return nil
	}
	return d.cfg.Store.RewrapShelterKeys(ctx, moved)
}
