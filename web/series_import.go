package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/stats"
)

// seriesFileField is the file input of the upload form; seriesPasteField
// the text area a series may be pasted into instead.
const (
	seriesFileField  = "file"
	seriesPasteField = "paste"
)

// seriesUpload is the upload form as posted.
type seriesUpload struct {
	Form url.Values
	// File is the CSV chosen, or else the one pasted.
	File []byte
}

// readSeriesUpload reads the upload form, a multipart one with a file or a
// plain one with the series pasted, within the body's bound: a series is
// public, and small, so it is read into memory and never spilled to disk.
// It always returns the fields read, so that the form keeps them.
func readSeriesUpload(r *http.Request) (seriesUpload, error) {
	up := seriesUpload{Form: url.Values{}}
	if !isMultipart(r) {
		err := parseForm(r)
		if r.PostForm != nil {
			up.Form = r.PostForm
		}
		r.PostForm = up.Form
		up.File = []byte(formText(up.Form, seriesPasteField))
		return up, err
	}
	r.PostForm = up.Form
	mr, err := r.MultipartReader()
	if err != nil {
		return up, errBadForm
	}
	left := int64(maxBody)
	for parts := 0; ; parts++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || parts == maxParts {
			return up, errBadForm
		}
		b, err := io.ReadAll(io.LimitReader(part, left+1))
		if err != nil {
			return up, formError(err)
		}
		if left -= int64(len(b)); left < 0 {
			return up, errBodyTooLarge
		}
		switch {
		case part.FormName() == seriesFileField:
			up.File = b
		case part.FileName() == "":
			up.Form.Add(part.FormName(), string(b))
		}
	}
	if len(bytes.TrimSpace(up.File)) == 0 {
		up.File = []byte(formText(up.Form, seriesPasteField))
	}
	return up, nil
}

// parseSeriesUpload makes a series of an upload read at now: its name,
// source and months, or the bad rows of its file.
func parseSeriesUpload(up seriesUpload, header stats.SeriesHeader, now time.Time) (*tropa.Series, []*stats.RowError, error) {
	got, err := stats.ReadSeries(bytes.NewReader(up.File), header, now)
	if err != nil {
		return nil, nil, err
	}
	s := &tropa.Series{Name: up.Form.Get("name"), Source: up.Form.Get("source"), Values: got.Values}
	if !got.OK() {
		return nil, got.Bad, tropa.UserError(tropa.EINVALID, "ImportRefused", map[string]any{"N": len(got.Bad) + got.MoreBad})
	}
	if err := s.Validate(now); err != nil {
		return nil, nil, err
	}
	return s, nil, nil
}

func (s *Server) seriesImport(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if !sess.Staff.Role.Can(tropa.PermStats) {
		return tropa.UserError(tropa.EFORBIDDEN, "ErrRoleForbidden", nil)
	}
	up, err := readSeriesUpload(r)
	var bad []*stats.RowError
	if err == nil {
		var in *tropa.Series
		in, bad, err = parseSeriesUpload(up, s.locales.SeriesHeader(), s.newPage(r).now)
		if err == nil {
			err = s.Desk.ImportSeries(r.Context(), sess, in, up.Form.Get("replace") != "")
		}
	}
	if err != nil {
		return s.refuse(w, r, sess, err, func(p *page, status int) error {
			return s.showSeries(w, r, sess, p, seriesData{Form: up.Form, Bad: explainRows(p, bad)}, status)
		})
	}
	http.Redirect(w, r, s.newPage(r).URL("/staff/stats/series?done=imported"), http.StatusSeeOther)
	return nil
}

// explainRows words each bad row of a file in the page's language.
func explainRows(p *page, bad []*stats.RowError) []string {
	var out []string
	for _, b := range bad {
		out = append(out, p.T("ImportBadRow", "Line", b.Line, "Reason", p.Explain(b.Err)))
	}
	return out
}
