package web

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"tropa"
	"tropa/locale"
)

// FuzzParseNewPerson reads arbitrary bytes as the form that adds someone:
// what it accepts is a valid staff member, of a known role, on intake only
// if the role works cases; what it refuses, it refuses with a message for
// the page.
func FuzzParseNewPerson(f *testing.F) {
	for _, seed := range []string{
		"name=Petro&role=caseworker&intake=auto",
		"name=+Olga+&role=analyst&intake=yes",
		"name=%E2%80%AE&role=admin&intake=no",
		"name=" + strings.Repeat("%D1%8F", 65) + "&role=operator",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		st, err := parseNewPerson(form)
		if err != nil {
			var e *tropa.Error
			if !tropa.IsCode(err, tropa.EINVALID) || !errors.As(err, &e) || e.MessageID == "" {
				t.Fatalf("%q refused with %v, want a message for the page", body, err)
			}
			return
		}
		if !st.Role.Valid() || (st.Intake && !st.Role.WorksCases()) || st.Name != strings.TrimSpace(st.Name) ||
			st.Name == "" || utf8.RuneCountInString(st.Name) > 64 || st.Validate() != nil {
			t.Fatalf("%q accepted as %+v", body, st)
		}
	})
}

// FuzzParseOrgIdentity reads arbitrary bytes as the organization's identity
// form: what it accepts is within the limits, a name on one line, and
// comes back the same from where it is stored.
func FuzzParseOrgIdentity(f *testing.F) {
	for _, seed := range []string{
		"name_ru=%D0%94%D0%BE%D1%80%D0%BE%D0%B3%D0%B0&promise_en=We+answer+within+a+day.",
		"name_en=Way%0AHome&promise_uk=%E2%80%AE",
		"name_en=%3Cb%3E%26&promise_ru=line%0D%0Anext&name_xx=other",
		"promise_en=" + strings.Repeat("x", 301),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		o, err := parseOrgIdentity(form)
		if err != nil {
			if !tropa.IsCode(err, tropa.EINVALID) {
				t.Fatalf("%q refused with %v, want EINVALID", body, err)
			}
			return
		}
		for lang, name := range o.Names {
			if name == "" || strings.ContainsAny(name, "\r\n\t") || utf8.RuneCountInString(name) > tropa.MaxOrgNameLen ||
				!locale.Speaks(lang) {
				t.Fatalf("%q accepted the name %q in %q", body, name, lang)
			}
		}
		for lang, promise := range o.Promises {
			if promise == "" || strings.Contains(promise, "\r\n") || utf8.RuneCountInString(promise) > tropa.MaxPromiseLen ||
				!locale.Speaks(lang) {
				t.Fatalf("%q accepted the promise %q in %q", body, promise, lang)
			}
		}
		back, err := tropa.ParseOrgIdentity(o.Marshal())
		if err != nil || !reflect.DeepEqual(back, o) {
			t.Fatalf("%q stored reads back as %+v, %v; want %+v", body, back, err, o)
		}
	})
}
