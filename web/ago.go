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

// Tn renders the form of the message id that suits the count n, which
// fills its {{.N}}: the catalogs hold each such message as id_one, id_few
// and id_many, plain strings as every message is.
func (t *translator) Tn(id string, n int) string {
	return t.T(id+"_"+pluralForm(t.lang, n), "N", n)
}

// pluralForm is the form a noun takes after the count n in lang. Russian
// and Ukrainian have three: one for 1, 21, 101 (but not 11), few for 2–4,
// 22–24 (but not 12–14), many for the rest (5–20, 25, 0); English has one
// for 1 and many for the rest.
func pluralForm(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	if lang != "ru" && lang != "uk" {
		if n == 1 {
			return "one"
		}
		return "many"
	}
	switch n10, n100 := n%10, n%100; {
	case n10 == 1 && n100 != 11:
		return "one"
	case n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14):
		return "few"
	}
	return "many"
}
