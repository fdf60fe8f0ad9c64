package web

import (
	"net/http"
	"net/url"
	"time"

	"tropa"
	"tropa/desk"
)

// seriesData is the page of published series: those kept, the form that
// uploads one, and, after a refused upload, what was typed and the file's
// bad rows.
type seriesData struct {
	Series []seriesRow
	Form   url.Values
	Bad    []string
}

// seriesRow is a series as the list shows it.
type seriesRow struct {
	Name, Source, Imported string
	// Span says which months it has; Chart links to it on the figures
	// page.
	Span, Chart string
}

// Value is what a field of the upload form shows: what was typed, if it
// was just refused.
func (d seriesData) Value(field string) string { return d.Form.Get(field) }

var seriesNotices = map[string]string{"imported": "NoticeSeriesImported", "deleted": "NoticeSeriesDeleted"}

func (s *Server) seriesList(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if !sess.Staff.Role.Can(tropa.PermStats) {
		return tropa.UserError(tropa.EFORBIDDEN, "ErrRoleForbidden", nil)
	}
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	if id, ok := seriesNotices[r.URL.Query().Get("done")]; ok {
		p.Notice = p.T(id)
	}
	return s.showSeries(w, r, sess, p, seriesData{}, http.StatusOK)
}

func (s *Server) showSeries(w http.ResponseWriter, r *http.Request, sess *desk.Session, p *page, data seriesData, status int) error {
	list, err := s.Desk.ListSeries(r.Context(), sess)
	if err != nil {
		return err
	}
	for _, se := range list {
		row := seriesRow{Name: se.Name, Source: se.Source, Imported: se.ImportedAt.UTC().Format(time.DateOnly),
			Chart: p.URL("/staff/stats?series=" + url.QueryEscape(se.Name))}
		if n := len(se.Values); n > 0 {
			row.Span = p.T("SeriesSpan", "First", se.Values[0].Month.Format("2006-01"), "Last", se.Values[n-1].Month.Format("2006-01"), "N", n)
		}
		data.Series = append(data.Series, row)
	}
	p.Path = "/staff/stats/series"
	p.Data = data
	s.render(w, status, "series", p)
	return nil
}
