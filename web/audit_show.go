package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tropa"
	"tropa/desk"
)

// auditData is one page of the audit log with the filter that chose it.
type auditData struct {
	Lines      []tropa.AuditLine
	Query      url.Values
	People     []tropa.Staff
	StaffNames map[string]string
	// Next leads to the older entries, Export to the CSV of the filter.
	Next, Export string
}

// Detail is an entry's detail with the staff ids it names replaced by
// their names: ids, actions and counts only, never what a case holds.
func (d auditData) Detail(detail string) string {
	words := strings.Fields(detail)
	for i, w := range words {
		key, id, ok := strings.Cut(w, "=")
		if !ok {
			id, key = w, ""
		}
		if name, known := d.StaffNames[id]; known {
			if key != "" {
				name = key + "=" + name
			}
			words[i] = name
		}
	}
	return strings.Join(words, " ")
}

// auditShow shows the audit log to an administrator or coordinator,
// newest first, filtered by person, case and dates; reading it is itself
// recorded.
func (s *Server) auditShow(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	people, err := s.Desk.People(r.Context(), sess)
	if err != nil {
		return err
	}
	data := auditData{Query: q, People: people, StaffNames: map[string]string{}}
	for _, st := range people {
		data.StaffNames[st.ID] = st.Name
	}
	status := http.StatusOK
	aq, err := auditQuery(q)
	if err == nil {
		data.Lines, err = s.Desk.AuditLog(r.Context(), sess, aq)
	}
	if correctable(err) {
		p.Error, status = p.Explain(err), s.errorStatus(r, err)
	} else if err != nil {
		return err
	}
	if len(data.Lines) == desk.AuditPage {
		data.Next = p.URL(auditURL("/staff/audit", q, data.Lines[len(data.Lines)-1].Seq))
	}
	data.Export = p.URL(auditURL("/staff/audit.csv", q, 0))
	p.Data = data
	s.render(w, status, "audit", p)
	return nil
}

// auditURL is path with the filter q, starting before the entry numbered
// before when it is not 0.
func auditURL(path string, q url.Values, before int64) string {
	next := url.Values{}
	for _, k := range []string{"person", "ref", "from", "to"} {
		if v := q.Get(k); v != "" {
			next.Set(k, v)
		}
	}
	if before > 0 {
		next.Set("before", strconv.FormatInt(before, 10))
	}
	if len(next) == 0 {
		return path
	}
	return path + "?" + next.Encode()
}
