package desk

import (
	"context"
	"time"
)

// StaffLocation is the time zone in which a staff member lives their day:
// the one their quiet hours are in. Until zones can be set, it is UTC.
func (d *Desk) StaffLocation(ctx context.Context, staffID string) (*time.Location, error) {
	return time.UTC, nil
}
