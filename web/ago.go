package web

import (
	"time"

	"tropa"
)

// Ago says how long ago t was, in the page's language ("2 часа назад"), for
// an applicant who need not work out the organization's zone against his
// own. A time known only to the day says nothing this precise: "".
func (p *page) Ago(t time.Time) string {
	if t.IsZero() || tropa.IsDay(t) {
		return ""
	}
	d := p.now.Sub(t)
	switch {
	case d < time.Minute:
		return p.T("AgoJustNow")
	case d < time.Hour:
		return p.Tn("AgoMinutes", int(d/time.Minute))
	case d < 24*time.Hour:
		return p.Tn("AgoHours", int(d/time.Hour))
	}
	return p.Tn("AgoDays", int(d/(24*time.Hour)))
}
