package web

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tropa"
	"tropa/desk"
)

// auditExport sends the audit log as the filter selects it, every entry,
// newest first, as CSV: staff names, actions, case references and ids,
// never what a case holds. The export is recorded before it starts.
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	aq, err := auditQuery(r.URL.Query())
	if err != nil {
		return err
	}
	people, err := s.Desk.People(r.Context(), sess)
	if err != nil {
		return err
	}
	names := make(map[string]string, len(people))
	for _, st := range people {
		names[st.ID] = st.Name
	}
	cw := csv.NewWriter(w)
	started := false
	// The answer begins with the first entry, or after the last: a
	// refusal before either is shown as the error page it is.
	begin := func() error {
		if started {
			return nil
		}
		started = true
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="audit.csv"`)
		return cw.Write([]string{"seq", "at", "actor", "actor_name", "action", "ref", "request_id", "detail"})
	}
	err = s.Desk.ExportAudit(r.Context(), sess, aq, func(l tropa.AuditLine) error {
		if err := begin(); err != nil {
			return err
		}
		return cw.Write([]string{strconv.FormatInt(l.Seq, 10), l.At.UTC().Format(time.RFC3339Nano), l.Actor,
			csvSafe(names[l.Actor]), l.Action, l.Ref, l.RequestID, csvSafe(l.Detail)})
	})
	if err == nil {
		err = begin()
	}
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from reading a value as a formula: a name an
// administrator typed may begin with one of its signs.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
