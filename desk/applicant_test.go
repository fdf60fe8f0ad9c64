package desk_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"tropa"
	"tropa/seal"
)

func TestReceiptRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	sub := tropa.Submission{Kind: tropa.KindSurrender, Situation: tropa.SituationAbsent, Channel: tropa.ChannelWeb,
		Contact: "Signal +7 900 000-00-00", Message: "Я в Ростове, нужна помощь"}
	r, err := f.desk.Submit(ctx, sub)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if groups := r.Groups(); len(groups) != seal.ReceiptDigits/4 {
		t.Errorf("receipt %q is in %d groups, want %d", r, len(groups), seal.ReceiptDigits/4)
	}

	forms := []struct{ name, text string }{
		{"as shown", r.String()},
		{"with dashes", strings.ReplaceAll(r.String(), " ", "-")},
		{"digits only", r.Lookup + r.Secret},
	}
	for _, form := range forms {
		t.Run(form.name, func(t *testing.T) {
			th, err := f.desk.ApplicantThread(ctx, form.text)
			if err != nil {
				t.Fatalf("ApplicantThread(%q): %v", form.text, err)
			}
			if th.Request.Kind != sub.Kind || th.Request.Situation != sub.Situation || th.Contact != sub.Contact {
				t.Errorf("thread shows kind %q, situation %q, contact %q; want %q, %q, %q",
					th.Request.Kind, th.Request.Situation, th.Contact, sub.Kind, sub.Situation, sub.Contact)
			}
			if th.Request.Urgency != tropa.UrgencyHigh {
				t.Errorf("urgency = %v, want high for a surrender", th.Request.Urgency)
			}
			if len(th.Messages) == 0 || th.Messages[0].Body != sub.Message || th.Messages[0].Author != tropa.AuthorApplicant {
				t.Errorf("messages = %+v, want the applicant's message first", th.Messages)
			}
		})
	}

	const more = "Забыл сказать: у меня нет паспорта"
	if err := f.desk.ApplicantReply(ctx, strings.ReplaceAll(r.String(), " ", "-"), more); err != nil {
		t.Fatalf("ApplicantReply: %v", err)
	}
	th, err := f.desk.ApplicantThread(ctx, r.String())
	if err != nil {
		t.Fatalf("ApplicantThread after reply: %v", err)
	}
	if len(th.Messages) != 2 || th.Messages[1].Body != more || th.Messages[1].Author != tropa.AuthorApplicant {
		t.Errorf("messages after ApplicantReply = %+v, want the reply second", th.Messages)
	}
	if !th.Request.AwaitingReply() {
		t.Errorf("request is not awaiting a staff reply after the applicant wrote")
	}
}

func TestWrongReceipt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	r, _ := f.submit(t, submission("contact", "message"))

	unknown := seal.Receipt{Lookup: otherDigit(r.Lookup), Secret: r.Secret}
	wrongSecret := seal.Receipt{Lookup: r.Lookup, Secret: otherDigit(r.Secret)}
	var errs []error
	for _, bad := range []seal.Receipt{unknown, wrongSecret} {
		_, err := f.desk.ApplicantThread(ctx, bad.String())
		wantError(t, "ApplicantThread("+bad.String()+")", err, tropa.ENOTFOUND, "ErrReceiptUnknown")
		errs = append(errs, err)
		err = f.desk.ApplicantReply(ctx, bad.String(), "let me in")
		wantError(t, "ApplicantReply("+bad.String()+")", err, tropa.ENOTFOUND, "ErrReceiptUnknown")
		errs = append(errs, err)
	}
	for _, err := range errs[1:] {
		if err == nil || errs[0] == nil || err.Error() != errs[0].Error() {
			t.Errorf("errors differ: %v and %v; an unknown and a wrong receipt must look alike", errs[0], err)
		}
	}
	if th, err := f.desk.ApplicantThread(ctx, r.String()); err != nil || len(th.Messages) != 1 {
		t.Errorf("thread after wrong receipts: %v; want only the first message", err)
	}

	malformed := []struct{ name, text string }{
		{"empty", ""},
		{"too short", r.String()[:len(r.String())-1]},
		{"too long", r.String() + "1"},
		{"letter O for zero", r.String()[:len(r.String())-1] + "O"},
		{"other separator", strings.ReplaceAll(r.String(), " ", "/")},
	}
	for _, m := range malformed {
		t.Run(m.name, func(t *testing.T) {
			_, err := f.desk.ApplicantThread(ctx, m.text)
			wantError(t, "ApplicantThread", err, tropa.EINVALID, "ErrReceiptFormat")
			err = f.desk.ApplicantReply(ctx, m.text, "hello")
			wantError(t, "ApplicantReply", err, tropa.EINVALID, "ErrReceiptFormat")
			var e *tropa.Error
			if errors.As(err, &e) && e.Data["Digits"] != seal.CheckedDigits {
				t.Errorf("error data = %v, want Digits %d for the message", e.Data, seal.CheckedDigits)
			}
		})
	}
}

// otherDigit returns digits with its last digit changed.
func otherDigit(digits string) string {
	last := digits[len(digits)-1]
	return digits[:len(digits)-1] + string('0'+(last-'0'+1)%10)
}
