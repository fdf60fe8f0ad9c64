package web

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"tropa"
)

// FuzzCallForms reads arbitrary bytes as the call desk's two forms: a new
// call that passes the checks the desk makes before any key work is a
// hotline request from a known caller, and a returning call likewise; what
// is refused is refused with a message for the page.
func FuzzCallForms(f *testing.F) {
	for _, seed := range []string{
		"caller=relative&kind=surrender&situation=front&urgent=on&message=%D0%BC%D0%B0%D1%82%D1%8C&contact=%2B7+900",
		"caller=self&kind=legal&situation=hospital&message=line%0D%0Anext",
		"caller=boss&kind=legal&situation=front&message=x",
		"caller=other&kind=other&situation=leave&message=",
		"receipt=1234+5678&caller=self&said=" + strings.Repeat("%D1%8F", 20),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		messaged := func(err error) bool {
			var e *tropa.Error
			return tropa.IsCode(err, tropa.EINVALID) && errors.As(err, &e) && e.MessageID != ""
		}
		call := parseNewCall(form)
		if err := call.Submission.Validate(); err != nil {
			if !messaged(err) {
				t.Fatalf("%q: new call refused with %v, want a message for the page", body, err)
			}
		} else if call.Caller.Valid() {
			sub := call.Submission
			if sub.Channel != tropa.ChannelHotline || !slices.Contains(tropa.Callers, call.Caller) ||
				strings.Contains(sub.Message, "\r\n") || sub.Message == "" || call.Urgent != (form.Get("urgent") == "on") {
				t.Fatalf("%q accepted as %+v", body, call)
			}
		}
		back := parseReturningCall(form)
		if err := back.Validate(); err != nil {
			if !messaged(err) {
				t.Fatalf("%q: returning call refused with %v, want a message for the page", body, err)
			}
			return
		}
		if !back.Caller.Valid() || back.Said == "" || strings.Contains(back.Said, "\r\n") ||
			utf8.RuneCountInString(back.Said) > tropa.MaxMessageLen || back.Receipt != form.Get("receipt") {
			t.Fatalf("%q accepted as %+v", body, back)
		}
	})
}
