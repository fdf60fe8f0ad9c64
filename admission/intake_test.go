package admission

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/locale"
)

// The desk gives up on a submission that waited too long for argon2id work
// (desk.busy); the user is then told to come back in a fixed few minutes,
// and the node counts as saturated. It is told by its cause,
// desk.ErrKDFBusy, not by its message id. Other EBUSY errors, such as a
// full disk, keep their own message: retrying soon would not help them.
func TestIntakeFailed(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cs, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		err           error
		wantText      string
		wantAfter     time.Duration
		wantSaturated bool
	}{
		{"no argon2id slot in time", &tropa.Error{Code: tropa.EBUSY, MessageID: "ErrBusy", Message: "key derivation",
			Err: fmt.Errorf("%w: %w", desk.ErrKDFBusy, context.DeadlineExceeded)},
			"Please try again in 2 min.", 2 * time.Minute, true},
		{"busy, but not for argon2id", &tropa.Error{Code: tropa.EBUSY, MessageID: "ErrBusy", Message: "something else"},
			"We are receiving very many requests", 0, false},
		{"disk full", &tropa.Error{Code: tropa.EBUSY, MessageID: "ErrDiskFull", Message: "disk full"},
			"We cannot save anything right now", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := NewIntake(Config{Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			got := in.Failed(tt.err)
			if code := tropa.ErrorCode(got); code != tropa.EBUSY {
				t.Errorf("code %q, want %q", code, tropa.EBUSY)
			}
			if text := cs.In("en").Explain(got); !strings.Contains(text, tt.wantText) {
				t.Errorf("explained as %q, want it to say %q", text, tt.wantText)
			}
			var re *RetryError
			if errors.As(got, &re) != (tt.wantAfter > 0) || tt.wantAfter > 0 && re.After != tt.wantAfter {
				t.Errorf("retry %+v, want after %v", re, tt.wantAfter)
			}
			if in.Saturated() != tt.wantSaturated {
				t.Errorf("saturated = %v, want %v", !tt.wantSaturated, tt.wantSaturated)
			}
		})
	}
}
