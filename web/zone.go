package web

import (
	"fmt"
	"strings"
	"time"

	"tropa"
)

// Times on the staff site are typed and read in the staff member's zone
// (desk.StaffLocation), and on the applicant's pages in the organization's;
// every time shown names its zone, and the store keeps instants.

// location is the zone the page shows times in: UTC until one is set.
func (p *page) location() *time.Location {
	if p.loc == nil {
		return time.UTC
	}
	return p.loc
}

// Zone is the name of the page's zone, "Europe/Kyiv", for the labels of
// fields in which a time is typed.
func (p *page) Zone() string { return p.location().String() }

// Clock shows an instant on the clocks of the page's zone, with the zone as
// those clocks name it: "2026-12-05 22:00 MSK".
func (p *page) Clock(t time.Time) string { return clockIn(t, p.location()) }

// clockIn shows an instant on the clocks of loc, as Clock does.
func clockIn(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	return t.Format("2006-01-02 15:04") + " " + zoneLabel(t)
}

// zoneLabel names the zone of t as its clocks do at t ("MSK", "CEST"), or
// by its offset from UTC ("UTC+4", "UTC+5:30") where the zone has no
// letters of its own, as most of the world's have not.
func zoneLabel(t time.Time) string {
	name, offset := t.Zone()
	if name != "" && strings.IndexAny(name, "+-0123456789") < 0 {
		return name
	}
	if offset == 0 {
		return "UTC"
	}
	sign := "+"
	if offset < 0 {
		sign, offset = "-", -offset
	}
	label := fmt.Sprintf("UTC%s%d", sign, offset/3600)
	if m := offset % 3600 / 60; m != 0 {
		label += fmt.Sprintf(":%02d", m)
	}
	return label
}

// timeLayout is how a datetime-local field sends a time: a reading of the
// clocks of the zone its label names.
const timeLayout = "2006-01-02T15:04"

// parseLocalTime reads a datetime-local value as a reading of the clocks of
// loc and gives the instant it names (see tropa.InZone).
func parseLocalTime(value string, loc *time.Location) (time.Time, error) {
	wall, err := time.ParseInLocation(timeLayout, strings.TrimSpace(value), time.UTC)
	if err != nil {
		return time.Time{}, tropa.UserError(tropa.EINVALID, "ErrDateInvalid", nil)
	}
	return tropa.InZone(wall, loc)
}

// zoneChoices are the zones the zone fields offer; any other IANA name may
// be typed.
var zoneChoices = []string{"UTC",
	"Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk",
	"Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka",
	"Europe/Kyiv", "Europe/Minsk", "Europe/Chisinau", "Europe/Vilnius", "Europe/Riga", "Europe/Tallinn",
	"Europe/Helsinki", "Europe/Warsaw", "Europe/Berlin", "Europe/Prague", "Europe/Vienna", "Europe/Paris",
	"Europe/Amsterdam", "Europe/London", "Europe/Istanbul", "Asia/Tbilisi", "Asia/Yerevan", "Asia/Baku",
	"Asia/Almaty", "Asia/Tashkent", "Asia/Bishkek", "Asia/Dushanbe", "Asia/Dubai", "Asia/Jerusalem",
	"America/New_York", "America/Toronto"}

// ZoneChoices are the zones a zone field offers.
func (p *page) ZoneChoices() []string { return zoneChoices }

// Now is the page's time.
func (p *page) Now() time.Time { return p.now }
