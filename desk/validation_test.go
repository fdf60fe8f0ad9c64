package desk_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"tropa"
)

// invalidTexts are message bodies every form refuses, with the catalog
// message that tells the user why.
var invalidTexts = []struct {
	name, body, messageID string
}{
	{"empty", "", "ErrFieldRequired"},
	{"too long", strings.Repeat("я", tropa.MaxMessageLen+1), "ErrFieldTooLong"},
	{"invalid UTF-8", "привет \xff\xfe", "ErrInvalidText"},
	{"overlong encoding", "\xc0\xafetc", "ErrInvalidText"},
	{"lone surrogate", "\xed\xa0\x80", "ErrInvalidText"},
	{"NUL", "привет\x00", "ErrControlText"},
	{"bidi override", "Курск \u202eкср", "ErrControlText"},
	{"bidi isolate", "\u2067Курск", "ErrControlText"},
	{"escape code", "\x1b[31mred", "ErrControlText"},
	{"C1 control", "\u0085next", "ErrControlText"},
}

func TestSubmitValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	ivan := f.caseworker(t, "ivan")

	type testCase struct {
		name      string
		sub       tropa.Submission
		messageID string
		field     string
	}
	tests := []testCase{
		{"unknown kind", tropa.Submission{Kind: "desert", Situation: tropa.SituationFront, Message: "m"}, "ErrKindRequired", ""},
		{"no kind", tropa.Submission{Situation: tropa.SituationFront, Message: "m"}, "ErrKindRequired", ""},
		{"unknown situation", tropa.Submission{Kind: tropa.KindLegal, Situation: "moon", Message: "m"}, "ErrSituationRequired", ""},
		{"contact too long", submission(strings.Repeat("x", tropa.MaxContactLen+1), "m"), "ErrFieldTooLong", "contact"},
		{"contact invalid UTF-8", submission("\xc3", "m"), "ErrInvalidText", "contact"},
	}
	for _, bad := range invalidTexts {
		tests = append(tests, testCase{"message " + bad.name, submission("contact", bad.body), bad.messageID, "message"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := f.desk.Submit(ctx, tt.sub)
			wantError(t, "Submit", err, tropa.EINVALID, tt.messageID)
			if r.Lookup != "" || r.Secret != "" {
				t.Errorf("Submit gave receipt %q with its error", r)
			}
			var e *tropa.Error
			if tt.field != "" && errors.As(err, &e) && e.Data["Field"] != tt.field {
				t.Errorf("error names field %v, want %q", e.Data["Field"], tt.field)
			}
		})
	}
	if list, err := f.desk.Queue(ctx, ivan, tropa.QueueFilter{}); err != nil || len(list) != 0 {
		t.Errorf("Inbox after refused submissions = %+v, %v; want empty", list, err)
	}
	var requests, messages int
	db := f.rawDB(t)
	if err := db.QueryRow(`SELECT (SELECT COUNT(*) FROM requests), (SELECT COUNT(*) FROM messages)`).Scan(&requests, &messages); err != nil {
		t.Fatalf("count rows: %v", err)
	}
	if requests != 0 || messages != 0 {
		t.Errorf("database holds %d requests and %d messages after refused submissions, want none", requests, messages)
	}

	longest := submission(strings.Repeat("x", tropa.MaxContactLen), strings.Repeat("я", tropa.MaxMessageLen))
	if _, err := f.desk.Submit(ctx, longest); err != nil {
		t.Errorf("Submit of the longest fields allowed: %v", err)
	}
}

func TestReplyValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	ivan := f.caseworker(t, "ivan")
	r, requestID := f.submit(t, submission("contact", "message"))

	for _, bad := range invalidTexts {
		t.Run(bad.name, func(t *testing.T) {
			wantError(t, "Reply", f.desk.Reply(ctx, ivan, requestID, bad.body), tropa.EINVALID, bad.messageID)
			wantError(t, "ApplicantReply", f.desk.ApplicantReply(ctx, r.String(), bad.body), tropa.EINVALID, bad.messageID)
		})
	}
	th, err := openThread(ctx, f, ivan, requestID)
	if err != nil {
		t.Fatalf("OpenRequest: %v", err)
	}
	if len(th.Messages) != 1 {
		t.Errorf("thread has %d messages after refused replies, want 1", len(th.Messages))
	}
	if !th.Request.LastStaffAt.IsZero() {
		t.Errorf("refused staff replies set last staff time to %v", th.Request.LastStaffAt)
	}
}
