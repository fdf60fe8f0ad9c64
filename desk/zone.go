package desk

import (
	"context"
	"strings"
	"time"
	// Every zone's rules are built into the binary, so that a server
	// without a zone database (a minimal container) still knows them.
	_ "time/tzdata"

	"tropa"
)

const settingZone = "zone"

// OrganizationZone is the name of the organization's time zone, "" while
// none is set and times are in UTC.
func (d *Desk) OrganizationZone(ctx context.Context) (string, error) {
	return d.setting(ctx, settingZone)
}

// OrganizationLocation is the organization's time zone, UTC while none is
// set: the zone of its staff who chose none, and the one its applicants
// read times in.
func (d *Desk) OrganizationLocation(ctx context.Context) (*time.Location, error) {
	name, err := d.OrganizationZone(ctx)
	if err != nil {
		return nil, err
	}
	return locationOr(name, time.UTC), nil
}

// StaffLocation is the time zone in which a staff member types and reads
// times: their own, else the organization's, else UTC.
func (d *Desk) StaffLocation(ctx context.Context, staffID string) (*time.Location, error) {
	own, err := d.cfg.Store.StaffZone(ctx, staffID)
	if err != nil {
		return nil, err
	}
	org, err := d.OrganizationLocation(ctx)
	if err != nil {
		return nil, err
	}
	return locationOr(own, org), nil
}

// locationOr loads the zone named name, or gives fallback for "" or for a
// name this build no longer knows: a page in the wrong zone says which it
// is, where a page refused for it would stop casework.
func locationOr(name string, fallback *time.Location) *time.Location {
	if name == "" {
		return fallback
	}
	loc, err := tropa.ParseZone(name)
	if err != nil {
		return fallback
	}
	return loc
}

// SetOrganizationZone sets the organization's time zone by its IANA name;
// "" brings back UTC. Only the change is audited, not the zone.
func (d *Desk) SetOrganizationZone(ctx context.Context, s *Session, name string) error {
	return d.changeSetting(ctx, s, settingZone, settingZone, func(string) (string, error) {
		return zoneName(name)
	})
}

// OwnZone is the name of the time zone the staff member chose, "" for the
// organization's.
func (d *Desk) OwnZone(ctx context.Context, s *Session) (string, error) {
	if err := requireFull(s); err != nil {
		return "", err
	}
	return d.cfg.Store.StaffZone(ctx, s.Staff.ID)
}

// SetOwnZone sets the time zone in which the staff member types and reads
// times; "" leaves them in the organization's.
func (d *Desk) SetOwnZone(ctx context.Context, s *Session, name string) error {
	if err := requireFull(s); err != nil {
		return err
	}
	name, err := zoneName(name)
	if err != nil {
		return err
	}
	return d.cfg.Store.SetStaffZone(ctx, s.Staff.ID, name)
}

// zoneName is the zone name typed, checked and trimmed; blank is "".
func zoneName(typed string) (string, error) {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return "", nil
	}
	loc, err := tropa.ParseZone(typed)
	if err != nil {
		return "", err
	}
	return loc.String(), nil
}
