package desk_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestNoPlaintextAtRest reads every file in the data directory, while the
// store is open and after it is closed, and finds none of the secrets and
// none of the text people typed.
func TestNoPlaintextAtRest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	ivan := f.caseworker(t, "ivan")
	r, requestID := f.submit(t, submission("MARKER-contact-b7e1 @deserter_handle", "MARKER-message-51c9 Меня зовут Пётр"))
	if err := f.desk.ApplicantReply(ctx, r.String(), "MARKER-applicant-reply-0d3a"); err != nil {
		t.Fatalf("ApplicantReply: %v", err)
	}
	if err := f.desk.Reply(ctx, ivan, requestID, "MARKER-staff-reply-9f42"); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	if _, err := openThread(ctx, f, ivan, requestID); err != nil {
		t.Fatalf("OpenRequest: %v", err)
	}

	secrets := map[string]string{
		"contact":            "MARKER-contact-b7e1",
		"handle":             "@deserter_handle",
		"message":            "MARKER-message-51c9",
		"name in message":    "Меня зовут Пётр",
		"applicant reply":    "MARKER-applicant-reply-0d3a",
		"staff reply":        "MARKER-staff-reply-9f42",
		"receipt secret":     r.Secret,
		"receipt as shown":   r.String(),
		"staff password":     password("ivan"),
		"TOTP secret":        f.totpSecrets["ivan"],
		"recovery secret":    f.recovery,
		"session cookie key": ivan.Token()[len(ivan.ID)+1:],
	}
	check := func(when string) {
		files, err := filepath.Glob(filepath.Join(f.dir, "*"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no files in the data directory (%v)", when, err)
		}
		// The staff name is kept in clear: finding it shows that the
		// search reads what the store wrote.
		control := false
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			control = control || bytes.Contains(b, []byte(ivan.Staff.Name))
			for what, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("%s: %s %q found in %s", when, what, s, filepath.Base(file))
				}
			}
		}
		if !control {
			t.Fatalf("%s: the staff name is in no file; the search misses what the store wrote", when)
		}
	}
	check("store open")
	if err := f.store.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	check("store closed")
}
