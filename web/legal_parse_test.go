package web

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"tropa"
)

// TestParseLegalStepAcrossDST reads step dates typed in Berlin on either
// side of the clocks changing: each is the time the clocks showed, and a
// day alone stays that day.
func TestParseLegalStepAcrossDST(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		typed string
		want  time.Time
	}{
		{"2025-03-29T09:30", time.Date(2025, 3, 29, 8, 30, 0, 0, time.UTC)},
		{"2025-03-31T09:30", time.Date(2025, 3, 31, 7, 30, 0, 0, time.UTC)},
		{"2025-10-26T02:30", time.Date(2025, 10, 26, 0, 30, 0, 0, time.UTC)},
		{"2025-03-30", time.Date(2025, 3, 30, 10, 0, 0, 0, time.UTC)},
		{"2025-10-26", time.Date(2025, 10, 26, 11, 0, 0, 0, time.UTC)},
	} {
		in, err := parseLegalStep(url.Values{"kind": {"interview"}, "at": {tc.typed}}, berlin)
		if err != nil || !in.At.Equal(tc.want) {
			t.Errorf("%s in Berlin = %v, %v; want %v", tc.typed, in.At, err, tc.want)
		}
		if tropa.Day(in.At).Format("2006-01-02") != tc.typed[:10] {
			t.Errorf("%s in Berlin falls on the UTC day %v", tc.typed, tropa.Day(in.At))
		}
	}
	if _, err := parseLegalStep(url.Values{"at": {"2025-03-30T02:30"}}, berlin); !tropa.IsCode(err, tropa.EINVALID) {
		t.Errorf("a time the clocks skip: %v, want EINVALID", err)
	}
}

// FuzzParseLegalStep reads arbitrary bytes as the step form: what it
// accepts has a time; what it refuses, it refuses with a message for the
// page.
func FuzzParseLegalStep(f *testing.F) {
	for _, seed := range []string{
		"kind=interview&at=2026-03-03T10:00&note=%D0%B2+%D0%BF%D0%BE%D1%81%D0%BE%D0%BB%D1%8C%D1%81%D1%82%D0%B2%D0%B5",
		"kind=decision&decision=granted&at=2026-03-03",
		"kind=%00&at=9999-12-31T23:59&decision=%E2%80%AE",
	} {
		f.Add(seed)
	}
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		in, err := parseLegalStep(form, kyiv)
		if err != nil {
			var e *tropa.Error
			if !errors.As(err, &e) || e.Code != tropa.EINVALID || e.MessageID == "" {
				t.Fatalf("%q refused with %v, want a message for the page", body, err)
			}
			return
		}
		if in.At.IsZero() {
			t.Fatalf("%q accepted without a time", body)
		}
	})
}
