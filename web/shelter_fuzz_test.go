package web

import (
	"errors"
	"net/url"
	"testing"

	"tropa"
	"tropa/desk"
)

// refusedForPage fails t unless err is an EINVALID with a message for the
// page, as a refused form's is.
func refusedForPage(t *testing.T, body string, err error) {
	t.Helper()
	var e *tropa.Error
	if !tropa.IsCode(err, tropa.EINVALID) || !errors.As(err, &e) || e.MessageID == "" {
		t.Fatalf("%q refused with %v, want a message for the page", body, err)
	}
}

// FuzzShelterForms reads arbitrary bytes as the forms that add a shelter,
// book a stay and change one: what they accept is a shelter of beds within
// the limits, a stay of whole days with a whole number of beds, a known
// change with a day of leaving only for an extension; what they refuse,
// they refuse with a message for the page.
func FuzzShelterForms(f *testing.F) {
	for _, seed := range []string{
		"name=Flat&address=Hill+street+4%0D%0A2nd+floor&contact=Marta&beds=3",
		"name=&address=&beds=-1",
		"beds=9999999999999999999999",
		"shelter=abc&first=2026-03-29&end=2026-04-02&beds=2",
		"first=2026-02-30&end=2026-03-01&beds=1",
		"first=+2026-03-01+&end=2026-03-01T10:00&beds=one",
		"change=extend&end=2026-04-10",
		"change=end",
		"change=cancel&end=garbage",
		"change=delete",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		if in, err := parseShelter(form); err != nil {
			refusedForPage(t, body, err)
		} else if in.Beds < 1 || in.Beds > tropa.MaxShelterBeds {
			t.Fatalf("%q accepted as a shelter of %d beds", body, in.Beds)
		}
		if in, err := parseStay(form); err != nil {
			refusedForPage(t, body, err)
		} else if !tropa.IsDay(in.First) || !tropa.IsDay(in.End) || in.ShelterID != form.Get("shelter") {
			t.Fatalf("%q accepted as %+v, not whole days", body, in)
		}
		change, end, err := parseStayChange(form)
		switch {
		case err != nil:
			refusedForPage(t, body, err)
		case change == desk.StayExtend && !tropa.IsDay(end):
			t.Fatalf("%q accepted as an extension to %v", body, end)
		case change != desk.StayExtend && (change != desk.StayEndToday && change != desk.StayCancel || !end.IsZero()):
			t.Fatalf("%q accepted as %q to %v", body, change, end)
		}
	})
}
