package main

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"tropa"
	"tropa/stats"
)

// The columns of a history file, by the names its header gives them.
const (
	colDate      = "date"
	colChannel   = "channel"
	colKind      = "kind"
	colSituation = "situation"
	colOutcome   = "outcome"
	colText      = "text"
)

// historyColumns are every column a history file may have; all but text
// are required.
var historyColumns = []string{colDate, colChannel, colKind, colSituation, colOutcome, colText}

// maxHistoryRowBytes bounds one row of a history file as read, quoting
// and all: a text of tropa.MaxMessageLen characters of four bytes each,
// every one of them a doubled quote, and the other columns. A longer row
// is refused before it is read whole, so that a file of any size is read
// in little memory.
const maxHistoryRowBytes = 8*tropa.MaxMessageLen + 4096

// rowError is what is wrong with the row that starts on Line.
type rowError = stats.RowError

// errRowTooLong stops reading a file at a row longer than
// maxHistoryRowBytes: the rest cannot be told apart from it.
var errRowTooLong = tropa.UserError(tropa.EINVALID, "ErrImportRowTooLong", map[string]any{"Max": maxHistoryRowBytes})

// historyReader reads an organization's history from CSV, a row at a
// time: a header naming the columns, in any order, then one request per
// row.
type historyReader struct {
	src   *rowBound
	csv   *csv.Reader
	at    map[string]int
	names historyNames
	// after is the line after the last row read, where the next one
	// starts unless blank lines come first.
	after int
	// stopped is set once a row could not be read at all.
	stopped bool
}

// rowBound passes a file to the CSV reader and fails once the row being
// read runs past maxHistoryRowBytes.
type rowBound struct {
	r     io.Reader
	read  int64
	start int64
}

func (b *rowBound) Read(p []byte) (int, error) {
	if b.read-b.start > maxHistoryRowBytes {
		return 0, errRowTooLong
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	return n, err
}

// newHistoryReader reads the header of r. Its errors are *rowError of line
// 1.
func newHistoryReader(r io.Reader, names historyNames) (*historyReader, error) {
	src := &rowBound{r: r}
	c := csv.NewReader(src)
	c.ReuseRecord = true
	h := &historyReader{src: src, csv: c, at: map[string]int{}, names: names, after: 2}
	header, err := c.Read()
	src.start = c.InputOffset()
	if len(header) > 0 {
		end, _ := c.FieldPos(len(header) - 1)
		h.after = end + 1
	}
	switch {
	case errors.Is(err, io.EOF):
		return nil, &rowError{Line: 1, Err: tropa.UserError(tropa.EINVALID, "ErrImportEmpty", nil)}
	case err != nil:
		return nil, &rowError{Line: 1, Err: stats.CSVFault(err)}
	}
	for i, name := range header {
		if i == 0 {
			name = strings.TrimPrefix(name, "\uFEFF")
		}
		name = strings.ToLower(strings.TrimSpace(name))
		if _, dup := h.at[name]; dup {
			return nil, &rowError{Line: 1, Err: tropa.UserError(tropa.EINVALID, "ErrImportHeaderTwice", map[string]any{"Column": stats.Short(name)})}
		}
		if !contains(historyColumns, name) {
			return nil, &rowError{Line: 1, Err: tropa.UserError(tropa.EINVALID, "ErrImportHeaderUnknown",
				map[string]any{"Column": stats.Short(name), "Columns": strings.Join(historyColumns, ", ")})}
		}
		h.at[name] = i
	}
	for _, name := range historyColumns[:5] {
		if _, ok := h.at[name]; !ok {
			return nil, &rowError{Line: 1, Err: tropa.UserError(tropa.EINVALID, "ErrImportHeaderMissing", map[string]any{"Column": name})}
		}
	}
	return h, nil
}

// next reads the next row, io.EOF after the last. A row that cannot be
// used is a *rowError, after which reading goes on, but for one too long,
// after which it stops.
func (h *historyReader) next() (tropa.HistoryRow, int, error) {
	if h.stopped {
		return tropa.HistoryRow{}, 0, io.EOF
	}
	rec, err := h.csv.Read()
	h.src.start = h.csv.InputOffset()
	line := h.after
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line, h.after = pe.StartLine, pe.Line+1
	}
	if len(rec) > 0 {
		line, _ = h.csv.FieldPos(0)
		end, _ := h.csv.FieldPos(len(rec) - 1)
		h.after = end + strings.Count(rec[len(rec)-1], "\n") + 1
	}
	switch {
	case errors.Is(err, io.EOF):
		return tropa.HistoryRow{}, 0, io.EOF
	case errors.Is(err, errRowTooLong):
		h.stopped = true
		return tropa.HistoryRow{}, line, &rowError{Line: line, Err: errRowTooLong}
	case err != nil:
		return tropa.HistoryRow{}, line, &rowError{Line: line, Err: stats.CSVFault(err)}
	}
	row, err := h.row(rec)
	if err != nil {
		return row, line, &rowError{Line: line, Err: err}
	}
	return row, line, nil
}

// row makes a history row of rec, validated as far as the file alone can
// tell: the vocabulary and the date's range are the desk's to check.
func (h *historyReader) row(rec []string) (tropa.HistoryRow, error) {
	value := func(col string) string {
		i, ok := h.at[col]
		if !ok {
			return ""
		}
		return rec[i]
	}
	for _, col := range historyColumns {
		if !utf8.ValidString(value(col)) {
			return tropa.HistoryRow{}, tropa.UserError(tropa.EINVALID, "ErrInvalidText", map[string]any{"Field": col})
		}
	}
	for _, col := range historyColumns[:5] {
		if strings.TrimSpace(value(col)) == "" {
			return tropa.HistoryRow{}, tropa.UserError(tropa.EINVALID, "ErrImportValueMissing", map[string]any{"Field": col})
		}
	}
	day, err := parseHistoryDay(strings.TrimSpace(value(colDate)))
	if err != nil {
		return tropa.HistoryRow{}, err
	}
	return tropa.HistoryRow{Day: day,
		Channel:   tropa.Channel(h.names.key(colChannel, value(colChannel))),
		Kind:      tropa.Kind(h.names.key(colKind, value(colKind))),
		Situation: tropa.Situation(h.names.key(colSituation, value(colSituation))),
		Outcome:   tropa.Outcome(h.names.key(colOutcome, value(colOutcome))),
		Text:      strings.TrimSpace(value(colText)),
	}, nil
}

// parseHistoryDay reads a day, 2023-09-14, or a month, 2023-09, which
// counts on its first day.
func parseHistoryDay(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01", s); err == nil {
		return t, nil
	}
	return time.Time{}, tropa.UserError(tropa.EINVALID, "ErrImportDay", map[string]any{"Value": stats.Short(s)})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
