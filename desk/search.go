package desk

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"tropa"
)

// findRef returns the request a reference names, if s may see it: a
// coordinator any, others only those they hold.
func (d *Desk) findRef(ctx context.Context, s *Session, ref string) (*tropa.Request, error) {
	ref = strings.ToUpper(strings.TrimSpace(ref))
	r, err := d.cfg.Store.RequestByRef(ctx, ref)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return nil, tropa.UserError(tropa.ENOTFOUND, "ErrRefUnknown", nil)
	} else if err != nil {
		return nil, err
	}
	if s.Staff.Role.Can(tropa.PermQueueAll) {
		return r, nil
	}
	if _, err := d.cfg.Store.KeyWrap(ctx, r.ID, s.Staff.ID); tropa.IsCode(err, tropa.ENOTFOUND) {
		// The same answer as for a reference that names nothing, so that
		// guessing references does not tell which exist; the log knows.
		return nil, d.refuse(ctx, s, r.ID, tropa.PermQueue, "no_key", tropa.UserError(tropa.ENOTFOUND, "ErrRefUnknown", nil))
	} else if err != nil {
		return nil, err
	}
	return r, nil
}

// FindRef finds a case by its short reference.
func (d *Desk) FindRef(ctx context.Context, s *Session, ref string) (*tropa.Request, error) {
	if err := require(s, tropa.PermQueue); err != nil {
		return nil, err
	}
	return d.findRef(ctx, s, ref)
}

// SearchHit is a case whose sealed text contains what was searched for.
type SearchHit struct {
	Request tropa.Request
	// Field names where the text was found; Excerpt shows it in context.
	Field   string
	Excerpt string
}

// Search limits: how many of the newest cases a search opens, and how many
// hits it shows.
const (
	searchCases   = 500
	searchHits    = 50
	minSearchLen  = 3
	excerptRadius = 40
)

// Search looks for text in the sealed fields of the cases a staff member
// holds: the contact, the messages and notes, the route and the deadlines.
// Each case is opened on the server with the staff member's own key, for
// them only; the search and every case it opens are audited before any
// hit is shown.
func (d *Desk) Search(ctx context.Context, s *Session, query string) ([]SearchHit, error) {
	query = strings.TrimSpace(query)
	if utf8.RuneCountInString(query) < minSearchLen {
		return nil, tropa.UserError(tropa.EINVALID, "ErrSearchShort", map[string]any{"Min": minSearchLen})
	}
	if err := tropa.ValidateText(query, "search", minSearchLen, 200); err != nil {
		return nil, err
	}
	if err := require(s, tropa.PermQueue); err != nil {
		return nil, err
	}
	var cases []tropa.Request
	for _, closed := range []bool{false, true} {
		page, err := d.cfg.Store.Queue(ctx, tropa.QueueFilter{Holder: s.Staff.ID, Closed: closed, Limit: searchCases})
		if err != nil {
			return nil, err
		}
		cases = append(cases, page...)
	}
	needle := strings.ToLower(query)
	var hits []SearchHit
	var opened []tropa.AuditEvent
	var searchErr error
	for _, r := range cases {
		if len(hits) == searchHits {
			break
		}
		field, text, err := d.searchCase(ctx, s, r.ID, needle)
		if err != nil {
			searchErr = err
			break
		}
		ev := tropa.AuditEvent{Actor: s.Staff.ID, Action: tropa.ActionRequestOpen, RequestID: r.ID, Detail: "search"}
		if field != "" {
			hits = append(hits, SearchHit{Request: r, Field: field, Excerpt: excerpt(text, needle)})
			ev.Detail = "search hit=" + field
		}
		opened = append(opened, ev)
	}
	// Every case the search opened is recorded, not only those it shows:
	// a sweep through all of one's cases for a name shows as such, and a
	// search that failed part way records what it had opened.
	now := d.now()
	events := []tropa.AuditEvent{{At: now, Actor: s.Staff.ID, Action: tropa.ActionCaseSearch,
		Detail: fmt.Sprintf("cases=%d hits=%d", len(opened), len(hits))}}
	for _, ev := range opened {
		ev.At = now
		events = append(events, ev)
	}
	if err := d.cfg.Store.Audit(ctx, events...); err != nil {
		return nil, err
	}
	if searchErr != nil {
		return nil, searchErr
	}
	return hits, nil
}

// searchCase returns the first field of a case whose text contains needle.
func (d *Desk) searchCase(ctx context.Context, s *Session, requestID, needle string) (field, text string, err error) {
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermQueue)
	if err != nil {
		return "", "", err
	}
	th, err := d.openThread(ctx, rr, key, true)
	if err != nil {
		return "", "", err
	}
	det, err := openDetails(key, rr)
	if err != nil {
		return "", "", err
	}
	fields := []struct{ name, text string }{{"contact", th.Contact}, {"route", det.Route}, {"destination", det.Destination}}
	for _, m := range th.Messages {
		fields = append(fields, struct{ name, text string }{"message", m.Body})
	}
	deadlines, err := d.openDeadlines(ctx, key, requestID)
	if err != nil {
		return "", "", err
	}
	for _, dl := range deadlines {
		fields = append(fields, struct{ name, text string }{"label", dl.Label})
	}
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f.text), needle) {
			return f.name, f.text, nil
		}
	}
	return "", "", nil
}

// excerpt shows needle in text with a little of what surrounds it.
func excerpt(text, needle string) string {
	runes := []rune(text)
	lower := []rune(strings.ToLower(text))
	n := []rune(needle)
	at := 0
	for i := 0; i+len(n) <= len(lower); i++ {
		if string(lower[i:i+len(n)]) == needle {
			at = i
			break
		}
	}
	at = min(at, len(runes))
	from, to := max(0, at-excerptRadius), min(len(runes), at+len(n)+excerptRadius)
	out := string(runes[from:to])
	if from > 0 {
		out = "…" + out
	}
	if to < len(runes) {
		out += "…"
	}
	return out
}
