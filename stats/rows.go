package stats

import (
	"encoding/csv"
	"errors"
	"unicode/utf8"

	"tropa"
)

// RowError is what is wrong with the row of a CSV file of figures that
// starts on Line: a history of requests, a published series.
type RowError struct {
	Line int
	Err  error
}

func (e *RowError) Error() string { return e.Err.Error() }
func (e *RowError) Unwrap() error { return e.Err }

// CSVFault says what the CSV reader found wrong with a row.
func CSVFault(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) && errors.Is(err, csv.ErrFieldCount) {
		return tropa.UserError(tropa.EINVALID, "ErrImportColumnCount", nil)
	}
	if errors.As(err, &pe) {
		return tropa.UserError(tropa.EINVALID, "ErrImportQuotes", nil)
	}
	return err
}

// Short is a value as an error shows it: cut short, so that a long cell
// does not fill the screen.
func Short(s string) string {
	const most = 40
	if utf8.RuneCountInString(s) <= most {
		return s
	}
	return string([]rune(s)[:most]) + "…"
}
