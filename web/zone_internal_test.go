package web

import (
	"testing"
	"time"

	"tropa"
	"tropa/locale"
)

func TestAgo(t *testing.T) {
	t.Parallel()
	loc, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 5, 22, 0, 30, 0, time.UTC)
	p := &page{Catalog: loc.In("ru"), now: now}
	for ago, want := range map[time.Duration]string{
		10 * time.Second:              "только что",
		time.Minute:                   "1 минуту назад",
		3 * time.Minute:               "3 минуты назад",
		59 * time.Minute:              "59 минут назад",
		time.Hour:                     "1 час назад",
		23*time.Hour + 59*time.Minute: "23 часа назад",
		48 * time.Hour:                "2 дня назад",
		21 * 24 * time.Hour:           "21 день назад",
		-time.Hour:                    "только что",
	} {
		if got := p.Ago(now.Add(-ago)); got != want {
			t.Errorf("Ago(%v before) = %q, want %q", ago, got, want)
		}
	}
	if got := p.Ago(tropa.Day(now)); got != "" {
		t.Errorf("Ago of a time known only to its day = %q, want none", got)
	}
}

func TestZoneLabel(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	for name, want := range map[string]string{"UTC": "UTC", "Europe/Moscow": "MSK", "Europe/Kyiv": "EEST",
		"Europe/Berlin": "CEST", "Asia/Tbilisi": "UTC+4", "Asia/Kolkata": "IST", "Asia/Kathmandu": "UTC+5:45",
		"America/Caracas": "UTC-4", "Etc/GMT-3": "UTC+3"} {
		loc, err := tropa.ParseZone(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := zoneLabel(at.In(loc)); got != want {
			t.Errorf("zoneLabel in %s = %q, want %q", name, got, want)
		}
	}
}

// FuzzParseLocalTime: a datetime-local value typed in any zone is refused
// as invalid, or names an instant that the zone's clocks show as the
// reading typed, and that reading read again names the same instant.
func FuzzParseLocalTime(f *testing.F) {
	zones := []string{"Europe/Kyiv", "Europe/Berlin", "Europe/Moscow", "UTC", "Pacific/Apia", "America/New_York", "Asia/Kathmandu"}
	for i, seed := range []string{"2026-03-29T03:30", "2026-10-25T03:30", "2026-12-05T22:00", "2011-12-30T12:00",
		"2026-3-29T3:30", " 2026-03-29T02:30 ", "0000-01-01T00:00", "9999-12-31T23:59", "2026-02-30T10:00", ""} {
		f.Add(uint8(i), seed)
	}
	f.Fuzz(func(t *testing.T, which uint8, value string) {
		loc, err := tropa.ParseZone(zones[int(which)%len(zones)])
		if err != nil {
			t.Fatal(err)
		}
		at, err := parseLocalTime(value, loc)
		if err != nil {
			if !tropa.IsCode(err, tropa.EINVALID) {
				t.Fatalf("parseLocalTime(%q, %s) = %v, want EINVALID", value, loc, err)
			}
			return
		}
		if at.Location() != time.UTC {
			t.Fatalf("parseLocalTime(%q, %s) = %v, not UTC", value, loc, at)
		}
		reading := at.In(loc).Format(timeLayout)
		again, err := parseLocalTime(reading, loc)
		if err != nil || !again.Equal(at) {
			t.Fatalf("parseLocalTime(%q, %s) = %v, whose reading %s reads as %v, %v", value, loc, at, reading, again, err)
		}
		if wall, err := time.Parse(timeLayout, value); err == nil && wall.Format(timeLayout) != reading {
			t.Fatalf("parseLocalTime(%q, %s) = %v, which the zone's clocks show as %s", value, loc, at, reading)
		}
	})
}
