package main

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"tropa"
	"tropa/locale"
)

// FuzzImportCSV feeds the history reader any bytes: it never panics,
// always ends, refuses every bad row with a reason the catalogs word and
// the line it starts on, and gives only rows whose values it could read.
func FuzzImportCSV(f *testing.F) {
	f.Add([]byte(importHeader + "2023-09-14,hotline,surrender,front,surrendered,\n"))
	v := tropa.DefaultVocabulary()
	names, err := newHistoryNames(v)
	if err != nil {
		f.Fatal(err)
	}
	cat, err := locale.New("en")
	if err != nil {
		f.Fatal(err)
	}
	today := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		explained := func(err error) {
			var re *rowError
			if !errors.As(err, &re) || re.Line < 1 || re.Line > lines {
				t.Fatalf("error %v is no row error of a line from 1 to %d", err, lines)
			}
			if text := cat.Explain(err); strings.HasPrefix(text, "Err") {
				t.Fatalf("error %v reads %q: the catalogs lack it", err, text)
			}
		}
		r, err := newHistoryReader(bytes.NewReader(data), names)
		if err != nil {
			explained(err)
			return
		}
		for range len(data) + 2 {
			row, _, err := r.next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				explained(err)
				continue
			}
			if !utf8.ValidString(row.Text) || row.Text != strings.TrimSpace(row.Text) || !row.Day.Equal(tropa.Day(row.Day)) {
				t.Fatalf("row read as %+v", row)
			}
			if err := row.Validate(v, today); err != nil && tropa.ErrorCode(err) != tropa.EINVALID {
				t.Fatalf("Validate(%+v): %v", row, err)
			}
		}
		t.Fatalf("the reader gave more rows than the %d bytes of its input hold", len(data))
	})
}
