package web

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/locale"
)

// FuzzSeriesForm reads arbitrary bytes as the form that uploads a series,
// multipart with a file or plain with the series pasted: what it accepts
// is a series that may be stored; what it refuses, it refuses with a
// message for the page, and each bad row of the file by a line in it.
func FuzzSeriesForm(f *testing.F) {
	for _, seed := range []struct {
		multipart bool
		body      string
	}{
		{false, "name=Courts&source=https%3A%2F%2Fexample.org&paste=month%2Cvalue%0A2025-10%2C412%0A2025-11%2C1+204"},
		{false, "name=+&source=x&paste=%D0%BC%D0%B5%D1%81%D1%8F%D1%86%2Cvalue%0A2025-13%2C1"},
		{false, "name=a%00b&source=s&paste=month%2Cvalue"},
		{true, "--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nCourts\r\n--B\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\nhere\r\n" +
			"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.csv\"\r\n\r\nmonth,value\n2025-10,5\n2025-10,6\n\r\n--B--\r\n"},
		{true, "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.csv\"\r\n\r\n\xff\xfe\r\n--B--\r\n"},
		{true, "--B\r\nbroken"},
	} {
		f.Add(seed.multipart, seed.body)
	}
	loc, err := locale.Load()
	if err != nil {
		f.Fatal(err)
	}
	header := loc.SeriesHeader()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, multipart bool, body string) {
		r := httptest.NewRequest("POST", "/staff/stats/series", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if multipart {
			r.Header.Set("Content-Type", "multipart/form-data; boundary=B")
		}
		up, err := readSeriesUpload(r)
		if up.Form == nil || r.PostForm == nil {
			t.Fatalf("%q read to no form", body)
		}
		if err != nil {
			var e *tropa.Error
			if !errors.As(err, &e) || e.MessageID == "" || e.Code != tropa.EINVALID && e.Code != tropa.ETOOLARGE {
				t.Fatalf("%q refused with %v, want a message for the page", body, err)
			}
			return
		}
		s, bad, err := parseSeriesUpload(up, header, now)
		for _, b := range bad {
			if b.Line < 1 || b.Line > strings.Count(string(up.File), "\n")+1 {
				t.Fatalf("%q: bad row on line %d", body, b.Line)
			}
			refusedForPage(t, body, b.Err)
		}
		if err != nil {
			refusedForPage(t, body, err)
			return
		}
		if err := s.Validate(now); err != nil || s.Name != strings.TrimSpace(s.Name) || s.Name == "" {
			t.Fatalf("%q accepted as %+v: %v", body, s, err)
		}
	})
}
