package tropa_test

import (
	"errors"
	"testing"
	"time"

	"tropa"
)

func TestParseZone(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"UTC", "Europe/Kyiv", "Europe/Moscow", "Europe/Berlin", "America/Argentina/Buenos_Aires",
		"Etc/GMT-3", " Asia/Tbilisi "} {
		if _, err := tropa.ParseZone(name); err != nil {
			t.Errorf("ParseZone(%q) = %v, want the zone", name, err)
		}
	}
	for _, name := range []string{"", "Local", "Europe/Nowhere", "MSK+3", "../../etc/passwd", "/etc/localtime",
		"europe/kyiv", "Europe/Kyiv\x00", "Европа/Киев", "UTC+3"} {
		if _, err := tropa.ParseZone(name); !tropa.IsCode(err, tropa.EINVALID) {
			t.Errorf("ParseZone(%q) = %v, want EINVALID", name, err)
		}
	}
}

func mustZone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := tropa.ParseZone(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// TestInZone reads clocks across the changes of 2026: on 29 March Berlin
// puts its clocks from 02:00 to 03:00 and Kyiv from 03:00 to 04:00 (both at
// 01:00 UTC); on 25 October Berlin puts them back from 03:00 to 02:00 and
// Kyiv from 04:00 to 03:00. Moscow keeps UTC+3 all year.
func TestInZone(t *testing.T) {
	t.Parallel()
	utc := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, zone, wall, want string // want "" is a reading that never happens
	}{
		{"a Moscow evening", "Europe/Moscow", "2026-12-05 22:00", "2026-12-05 19:00"},
		{"Moscow in March", "Europe/Moscow", "2026-03-29 03:30", "2026-03-29 00:30"},
		{"Moscow in October", "Europe/Moscow", "2026-10-25 03:30", "2026-10-25 00:30"},
		{"Kyiv in winter", "Europe/Kyiv", "2026-01-15 22:00", "2026-01-15 20:00"},
		{"Kyiv in summer", "Europe/Kyiv", "2026-07-15 22:00", "2026-07-15 19:00"},
		{"Kyiv before spring forward", "Europe/Kyiv", "2026-03-29 02:59", "2026-03-29 00:59"},
		{"Kyiv in the skipped hour", "Europe/Kyiv", "2026-03-29 03:00", ""},
		{"Kyiv late in the skipped hour", "Europe/Kyiv", "2026-03-29 03:59", ""},
		{"Kyiv after spring forward", "Europe/Kyiv", "2026-03-29 04:00", "2026-03-29 01:00"},
		{"Kyiv in the repeated hour", "Europe/Kyiv", "2026-10-25 03:30", "2026-10-25 00:30"},
		{"Kyiv after the repeated hour", "Europe/Kyiv", "2026-10-25 04:00", "2026-10-25 02:00"},
		{"Berlin in the skipped hour", "Europe/Berlin", "2026-03-29 02:30", ""},
		{"Berlin after spring forward", "Europe/Berlin", "2026-03-29 03:00", "2026-03-29 01:00"},
		{"Berlin in the repeated hour", "Europe/Berlin", "2026-10-25 02:00", "2026-10-25 00:00"},
		{"Berlin late in the repeated hour", "Europe/Berlin", "2026-10-25 02:59", "2026-10-25 00:59"},
		{"Berlin after the repeated hour", "Europe/Berlin", "2026-10-25 03:00", "2026-10-25 02:00"},
		{"a day Samoa skipped", "Pacific/Apia", "2011-12-30 12:00", ""},
		{"UTC", "UTC", "2026-03-29 02:30", "2026-03-29 02:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := mustZone(t, tt.zone)
			got, err := tropa.InZone(utc(tt.wall), loc)
			if tt.want == "" {
				if !tropa.IsCode(err, tropa.EINVALID) {
					t.Fatalf("InZone(%s %s) = %v, %v; want it refused", tt.wall, tt.zone, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("InZone(%s %s): %v", tt.wall, tt.zone, err)
			}
			if !got.Equal(utc(tt.want)) || got.Location() != time.UTC {
				t.Errorf("InZone(%s %s) = %v, want %s UTC", tt.wall, tt.zone, got, tt.want)
			}
			if back := got.In(loc).Format("2006-01-02 15:04"); back != tt.wall {
				t.Errorf("InZone(%s %s) reads %s on the zone's clocks", tt.wall, tt.zone, back)
			}
		})
	}
}

// The refusal of a skipped reading names the reading and the zone, for the
// person who typed it.
func TestInZoneGapSaysWhat(t *testing.T) {
	t.Parallel()
	_, err := tropa.InZone(time.Date(2026, 3, 29, 3, 15, 0, 0, time.UTC), mustZone(t, "Europe/Kyiv"))
	var e *tropa.Error
	if !errors.As(err, &e) || e.MessageID != "ErrTimeGap" || e.Data["Time"] != "2026-03-29 03:15" || e.Data["Zone"] != "Europe/Kyiv" {
		t.Fatalf("InZone in the gap = %#v", err)
	}
}

// FuzzParseZone: whatever is typed as a zone's name is refused as invalid
// or loads a zone that the name it is given back as loads again the same.
func FuzzParseZone(f *testing.F) {
	for _, seed := range []string{"Europe/Kyiv", "UTC", "Local", "", "../../etc/passwd", "Europe/Kyiv\x00", "Etc/GMT+3",
		"zone.tab", "posixrules", " Europe/Moscow\t"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		loc, err := tropa.ParseZone(name)
		if err != nil {
			if !tropa.IsCode(err, tropa.EINVALID) {
				t.Fatalf("ParseZone(%q) = %v, want EINVALID", name, err)
			}
			return
		}
		if loc.String() == "Local" || len(loc.String()) > tropa.MaxZoneLen {
			t.Fatalf("ParseZone(%q) accepted %q", name, loc)
		}
		again, err := tropa.ParseZone(loc.String())
		if err != nil || again.String() != loc.String() {
			t.Fatalf("ParseZone(%q) gave %q, which loads as %v, %v", name, loc, again, err)
		}
	})
}
