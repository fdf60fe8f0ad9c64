package tropa

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Series is a monthly series published by others, such as the cases of
// unauthorized abandonment of a unit that military courts heard each
// month, kept to be charted beside the organization's own figures. Its
// figures are public and count no one the organization helps, so they are
// kept in clear and published as they are, never suppressed.
type Series struct {
	ID string
	// Name names the series on the page and on the command line; it is
	// unique.
	Name string
	// Source says where the series was published: an address, a note.
	Source     string
	ImportedAt time.Time
	// Values are the series' figures, a month's at most once, oldest
	// first.
	Values []SeriesValue
}

// SeriesValue is a series' figure for one month.
type SeriesValue struct {
	// Month is the month's first day, at the start of its UTC day.
	Month time.Time
	Value int64
}

// Bounds of a series.
const (
	MaxSeriesName   = 100
	MaxSeriesSource = 500
	// MaxSeriesMonths is a hundred years of months.
	MaxSeriesMonths = 1200
	// MaxSeriesValue is more than any count a court or a ministry
	// publishes for a month.
	MaxSeriesValue = 1_000_000_000
	// FirstSeriesYear is the earliest year a series may start.
	FirstSeriesYear = 1900
)

// SeriesMonth is the month t falls in, as a series keeps it.
func SeriesMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// CleanSeriesText trims a series' name or source as typed and checks it:
// valid UTF-8 (else the error names field), not empty (else missing), no
// control characters and at most most characters (else tooLong).
func CleanSeriesText(s, field string, most int, missing, tooLong error) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s):
		return "", UserError(EINVALID, "ErrInvalidText", map[string]any{"Field": field})
	case s == "":
		return "", missing
	case strings.ContainsFunc(s, unicode.IsControl) || utf8.RuneCountInString(s) > most:
		return "", tooLong
	}
	return s, nil
}

// Validate checks a series before it is stored, at now: its name and
// source, and months each once, from FirstSeriesYear to now's month, in
// order, with figures from 0 to MaxSeriesValue.
func (s *Series) Validate(now time.Time) error {
	var err error
	if s.Name, err = CleanSeriesText(s.Name, "name", MaxSeriesName, UserError(EINVALID, "ErrSeriesNameMissing", nil),
		UserError(EINVALID, "ErrSeriesNameText", map[string]any{"Max": MaxSeriesName})); err != nil {
		return err
	}
	if s.Source, err = CleanSeriesText(s.Source, "source", MaxSeriesSource, UserError(EINVALID, "ErrSeriesSourceMissing", nil),
		UserError(EINVALID, "ErrSeriesSourceText", map[string]any{"Max": MaxSeriesSource})); err != nil {
		return err
	}
	if len(s.Values) == 0 {
		return UserError(EINVALID, "ErrSeriesNoRows", nil)
	}
	if len(s.Values) > MaxSeriesMonths {
		return UserError(EINVALID, "ErrSeriesTooManyRows", map[string]any{"Max": MaxSeriesMonths})
	}
	last := time.Time{}
	for _, v := range s.Values {
		if err := CheckSeriesValue(v, now); err != nil {
			return err
		}
		if !v.Month.After(last) {
			return Errorf(EINVALID, "series months out of order at %s", v.Month.Format("2006-01"))
		}
		last = v.Month
	}
	return nil
}

// CheckSeriesValue checks one month's figure at now.
func CheckSeriesValue(v SeriesValue, now time.Time) error {
	first := time.Date(FirstSeriesYear, time.January, 1, 0, 0, 0, 0, time.UTC)
	if !v.Month.Equal(SeriesMonth(v.Month)) || v.Month.Before(first) || v.Month.After(SeriesMonth(now)) {
		return UserError(EINVALID, "ErrSeriesMonthRange", map[string]any{"Value": v.Month.Format("2006-01"),
			"From": FirstSeriesYear, "To": SeriesMonth(now).Format("2006-01")})
	}
	if v.Value < 0 || v.Value > MaxSeriesValue {
		return UserError(EINVALID, "ErrSeriesValue", map[string]any{"Value": v.Value, "Max": MaxSeriesValue})
	}
	return nil
}

// SeriesStore keeps published series.
type SeriesStore interface {
	// PutSeries stores s with ev, its audit entry; a series of the same
	// name is replaced when replace is set, else PutSeries fails with
	// ECONFLICT.
	PutSeries(ctx context.Context, s *Series, replace bool, ev AuditEvent) error
	// ListSeries lists the series by name, with their values.
	ListSeries(ctx context.Context) ([]Series, error)
	// SeriesByName returns a series with its values, or ENOTFOUND.
	SeriesByName(ctx context.Context, name string) (*Series, error)
	// DeleteSeries deletes a series and its values with ev, or fails with
	// ENOTFOUND.
	DeleteSeries(ctx context.Context, name string, ev AuditEvent) error
}
