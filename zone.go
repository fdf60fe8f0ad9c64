package tropa

import (
	"strings"
	"time"
)

// MaxZoneLen is the longest time zone name accepted; the longest IANA name
// is 32 characters.
const MaxZoneLen = 64

// ParseZone checks the IANA name of a time zone, as typed ("Europe/Kyiv",
// "UTC"), and loads it. A name that is not a zone's is refused, and so is
// "Local": the server's own zone says nothing about the people who use it,
// and it changes with the machine tropa runs on.
func ParseZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > MaxZoneLen || name == "Local" || strings.IndexFunc(name, notZoneRune) >= 0 ||
		strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
		return nil, UserError(EINVALID, "ErrZoneInvalid", nil)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, UserError(EINVALID, "ErrZoneInvalid", nil)
	}
	return loc, nil
}

// notZoneRune reports whether r has no place in a zone's name.
func notZoneRune(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	}
	return !strings.ContainsRune("/_-+", r)
}

// InZone is the instant at which the clocks of loc read wall's date and
// time of day (wall's own zone is ignored). A reading the clocks skip,
// when they are put forward in spring, never happens there and is refused
// with ErrTimeGap. A reading they show twice, when they are put back in
// autumn, is taken as the earlier of the two: a deadline or a meeting set
// in that hour then comes an hour early rather than an hour late.
func InZone(wall time.Time, loc *time.Location) (time.Time, error) {
	y, mo, d := wall.Date()
	h, mi, s := wall.Clock()
	naive := time.Date(y, mo, d, h, mi, s, wall.Nanosecond(), time.UTC)
	var found time.Time
	ok := false
	// The offsets in force a day either side of the reading include both
	// of a change of the clocks near it.
	for _, probe := range []time.Duration{-26 * time.Hour, 0, 26 * time.Hour} {
		_, offset := naive.Add(probe).In(loc).Zone()
		t := naive.Add(-time.Duration(offset) * time.Second)
		if sameReading(t.In(loc), naive) && (!ok || t.Before(found)) {
			found, ok = t, true
		}
	}
	if !ok {
		return time.Time{}, UserError(EINVALID, "ErrTimeGap",
			map[string]any{"Time": naive.Format("2006-01-02 15:04"), "Zone": loc.String()})
	}
	return found.UTC(), nil
}

// sameReading reports whether a and b show the same date and time of day
// on their own clocks.
func sameReading(a, b time.Time) bool {
	ay, amo, ad := a.Date()
	by, bmo, bd := b.Date()
	ah, ami, as := a.Clock()
	bh, bmi, bs := b.Clock()
	return ay == by && amo == bmo && ad == bd && ah == bh && ami == bmi && as == bs && a.Nanosecond() == b.Nanosecond()
}
