package tropa_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"tropa"
)

// A cause wrapped in an *Error is found by errors.Is and errors.As through
// the wrap, and through further wrapping by fmt.Errorf, while the code and
// the message id stay what callers and pages read.
func TestErrorWrapsItsCause(t *testing.T) {
	t.Parallel()
	pathErr := &fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}
	e := tropa.Wrap(tropa.EBUSY, fmt.Errorf("derive: %w", context.DeadlineExceeded), "key derivation")
	e.MessageID = "ErrBusy"
	outer := fmt.Errorf("submit: %w", e)

	if !errors.Is(outer, context.DeadlineExceeded) {
		t.Error("errors.Is does not find the cause through the wrap")
	}
	if errors.Is(outer, context.Canceled) {
		t.Error("errors.Is finds a cause that is not there")
	}
	var got *tropa.Error
	if !errors.As(outer, &got) || got != e {
		t.Errorf("errors.As finds %v, want the *tropa.Error", got)
	}
	if code := tropa.ErrorCode(outer); code != tropa.EBUSY {
		t.Errorf("code %q, want %q", code, tropa.EBUSY)
	}

	var pe *fs.PathError
	if !errors.As(tropa.Wrap(tropa.EINTERNAL, pathErr, "read"), &pe) || pe != pathErr {
		t.Error("errors.As does not find a typed cause through the wrap")
	}
	if !errors.Is(tropa.Wrap(tropa.EINTERNAL, pathErr, "read"), fs.ErrNotExist) {
		t.Error("errors.Is does not find the cause's own cause")
	}

	if s := e.Error(); !strings.Contains(s, "key derivation") || !strings.Contains(s, context.DeadlineExceeded.Error()) ||
		!strings.Contains(s, "ErrBusy") {
		t.Errorf("Error() = %q, want the message, the cause and the message id for the log", s)
	}
}

// An *Error without a cause unwraps to nothing.
func TestErrorWithoutCause(t *testing.T) {
	t.Parallel()
	e := tropa.UserError(tropa.EINVALID, "ErrX", nil)
	if errors.Unwrap(e) != nil {
		t.Errorf("Unwrap = %v, want nil", errors.Unwrap(e))
	}
	if errors.Is(e, context.DeadlineExceeded) {
		t.Error("errors.Is finds a cause in an error without one")
	}
	if s := tropa.Errorf(tropa.ENOTFOUND, "no row %d", 7).Error(); s != "tropa not_found: no row 7" {
		t.Errorf("Error() = %q", s)
	}
}
