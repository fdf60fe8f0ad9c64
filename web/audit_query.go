package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"tropa"
	"tropa/desk"
)

// auditDateLayout is how the audit filter's dates are typed: a browser's
// date field sends it so.
const auditDateLayout = "2006-01-02"

// maxAuditRef bounds what the case field may hold: a reference is six
// characters; more is a mistake, not a reference.
const maxAuditRef = 16

// auditQuery reads the audit page's filter: person (a staff id, or the
// applicant), ref (a case's reference), from and to (UTC days, to
// included), and before (the entry after the page's last). A field that
// cannot be read is refused with what was wrong, so that the form shows
// it again; no filter silently widens to the whole log.
func auditQuery(q url.Values) (desk.AuditQuery, error) {
	var aq desk.AuditQuery
	if person := q.Get("person"); person != "" {
		if !tropa.ValidID(person) && person != tropa.ActorApplicant {
			return aq, tropa.UserError(tropa.EINVALID, "ErrStaffUnknown", nil)
		}
		aq.Actor = person
	}
	aq.Ref = strings.TrimSpace(q.Get("ref"))
	if len(aq.Ref) > maxAuditRef || strings.IndexFunc(aq.Ref, notRefChar) >= 0 {
		return aq, tropa.UserError(tropa.ENOTFOUND, "ErrRefUnknown", nil)
	}
	var err error
	if aq.From, err = auditDate(q.Get("from")); err != nil {
		return aq, err
	}
	to, err := auditDate(q.Get("to"))
	if err != nil {
		return aq, err
	}
	if !to.IsZero() {
		aq.To = to.AddDate(0, 0, 1)
	}
	if !aq.From.IsZero() && !aq.To.IsZero() && !aq.From.Before(aq.To) {
		return aq, tropa.UserError(tropa.EINVALID, "ErrAuditDates", nil)
	}
	if b := q.Get("before"); b != "" {
		if aq.Before, err = strconv.ParseInt(b, 10, 64); err != nil || aq.Before <= 0 {
			return aq, tropa.UserError(tropa.EINVALID, "ErrBadForm", nil)
		}
	}
	return aq, nil
}

// notRefChar reports whether r cannot be in a case reference.
func notRefChar(r rune) bool {
	return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
}

// auditDate reads one date of the filter; "" is none.
func auditDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(auditDateLayout, s)
	if err != nil || t.Year() < 2000 || t.Year() > 9998 {
		return time.Time{}, tropa.UserError(tropa.EINVALID, "ErrAuditDates", nil)
	}
	return t, nil
}
