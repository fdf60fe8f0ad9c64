package stats

import (
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tropa"
)

// The columns of a published series' file.
const (
	SeriesMonth = "month"
	SeriesValue = "value"
)

// SeriesHeader maps what a series file's header may call a column, in
// lower case, to the column: "month" and "value" themselves, and their
// names in tropa's languages.
type SeriesHeader map[string]string

// MaxSeriesFile bounds a series file: a hundred years of months take a
// third of it.
const MaxSeriesFile = 64 << 10

// maxSeriesBadRows is how many bad rows a read lists; the rest are
// counted.
const maxSeriesBadRows = 50

// SeriesRead is what a series file holds: its months' figures, oldest
// first, and what is wrong with its bad rows.
type SeriesRead struct {
	Values []tropa.SeriesValue
	Bad    []*RowError
	// MoreBad counts the bad rows past those listed.
	MoreBad int
}

// OK reports whether every row of the file was good.
func (s SeriesRead) OK() bool { return len(s.Bad) == 0 }

var errSeriesTooLarge = tropa.UserError(tropa.EINVALID, "ErrSeriesTooLarge", map[string]any{"KiB": MaxSeriesFile >> 10})

// seriesBound passes a file to the CSV reader until it has given
// MaxSeriesFile bytes, then fails: a larger file is no series.
type seriesBound struct {
	r    io.Reader
	read int
}

func (b *seriesBound) Read(p []byte) (int, error) {
	if b.read > MaxSeriesFile {
		return 0, errSeriesTooLarge
	}
	n, err := b.r.Read(p)
	b.read += n
	return n, err
}

// ReadSeries reads a published series from CSV: a header naming the
// columns month and value, in either order, then a row for each month,
// 2023-09,412, in any order. It reads the whole file and reports every bad
// row by its line, in little memory whatever it is given; months are
// checked against now, the first month that may not have a figure yet
// being the next. Its error is only the file's that could not be read.
func ReadSeries(r io.Reader, header SeriesHeader, now time.Time) (SeriesRead, error) {
	var out SeriesRead
	bad := func(line int, err error) {
		if len(out.Bad) < maxSeriesBadRows {
			out.Bad = append(out.Bad, &RowError{Line: line, Err: err})
		} else {
			out.MoreBad++
		}
	}
	c := csv.NewReader(&seriesBound{r: r})
	head, err := c.Read()
	switch {
	case errors.Is(err, io.EOF):
		bad(1, tropa.UserError(tropa.EINVALID, "ErrSeriesEmpty", nil))
		return out, nil
	case errors.Is(err, errSeriesTooLarge):
		bad(1, err)
		return out, nil
	case err != nil:
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			return out, err
		}
		bad(1, CSVFault(err))
		return out, nil
	}
	at, err := seriesColumns(head, header)
	if err != nil {
		bad(1, err)
		return out, nil
	}
	first := map[time.Time]int{}
	// last is the line the last row read started on.
	last := 1
	for {
		rec, err := c.Read()
		line := last + 1
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			line = pe.StartLine
		case len(rec) > 0:
			line, _ = c.FieldPos(0)
		}
		last = line
		switch {
		case errors.Is(err, io.EOF):
			slices.SortFunc(out.Values, func(a, b tropa.SeriesValue) int { return a.Month.Compare(b.Month) })
			return out, nil
		case errors.Is(err, errSeriesTooLarge):
			// Listed however many came before: it says why the rest went
			// unread.
			out.Bad = append(out.Bad, &RowError{Line: line, Err: err})
			return out, nil
		case pe != nil:
			bad(line, CSVFault(err))
			continue
		case err != nil:
			return out, err
		}
		v, err := seriesRow(rec[at[SeriesMonth]], rec[at[SeriesValue]], now)
		if err == nil {
			if was, twice := first[v.Month]; twice {
				err = tropa.UserError(tropa.EINVALID, "ErrSeriesMonthTwice", map[string]any{"Month": v.Month.Format("2006-01"), "Line": was})
			}
		}
		if err != nil {
			bad(line, err)
			continue
		}
		first[v.Month] = line
		out.Values = append(out.Values, v)
	}
}

// seriesColumns finds the month and value columns a header names.
func seriesColumns(head []string, header SeriesHeader) (map[string]int, error) {
	at := map[string]int{}
	for i, name := range head {
		if i == 0 {
			name = strings.TrimPrefix(name, "\uFEFF")
		}
		name = strings.ToLower(strings.TrimSpace(name))
		col, ok := header[name]
		if !ok || !utf8.ValidString(name) {
			return nil, tropa.UserError(tropa.EINVALID, "ErrImportHeaderUnknown",
				map[string]any{"Column": Short(strings.ToValidUTF8(name, "?")), "Columns": SeriesMonth + ", " + SeriesValue})
		}
		if _, twice := at[col]; twice {
			return nil, tropa.UserError(tropa.EINVALID, "ErrImportHeaderTwice", map[string]any{"Column": col})
		}
		at[col] = i
	}
	for _, col := range []string{SeriesMonth, SeriesValue} {
		if _, ok := at[col]; !ok {
			return nil, tropa.UserError(tropa.EINVALID, "ErrImportHeaderMissing", map[string]any{"Column": col})
		}
	}
	return at, nil
}

// seriesRow reads a month, 2023-09, and its figure, a whole number that
// may have its thousands apart, "1 204".
func seriesRow(month, value string, now time.Time) (tropa.SeriesValue, error) {
	for _, cell := range [][2]string{{SeriesMonth, month}, {SeriesValue, value}} {
		if !utf8.ValidString(cell[1]) {
			return tropa.SeriesValue{}, tropa.UserError(tropa.EINVALID, "ErrInvalidText", map[string]any{"Field": cell[0]})
		}
		if strings.TrimSpace(cell[1]) == "" {
			return tropa.SeriesValue{}, tropa.UserError(tropa.EINVALID, "ErrImportValueMissing", map[string]any{"Field": cell[0]})
		}
	}
	month = strings.TrimSpace(month)
	m, err := time.Parse("2006-01", month)
	if err != nil {
		return tropa.SeriesValue{}, tropa.UserError(tropa.EINVALID, "ErrSeriesMonth", map[string]any{"Value": Short(month)})
	}
	digits := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f':
			return -1
		}
		return r
	}, strings.TrimSpace(value))
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || strings.ContainsAny(digits, "+-") {
		return tropa.SeriesValue{}, tropa.UserError(tropa.EINVALID, "ErrSeriesValue",
			map[string]any{"Value": Short(strings.TrimSpace(value)), "Max": tropa.MaxSeriesValue})
	}
	v := tropa.SeriesValue{Month: m, Value: n}
	return v, tropa.CheckSeriesValue(v, now)
}

// Exact is a figure published as it is, never withheld: one of a series
// that others published, which counts no one the organization helps.
func Exact(n int) Figure { return Figure{n: n} }

// Absent stands for a month a series has no figure for: charted as a
// marked gap, as a withheld figure is, with the chart's word for it.
func Absent() Figure { return Figure{mark: Hidden} }
