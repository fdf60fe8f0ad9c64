package tropa

import (
	"errors"
	"fmt"
)

// Error codes. The web layer maps each to an HTTP status and a page in the
// user's language. Only EINTERNAL and EUNAVAILABLE are logged: the others
// are the user's or the adversary's doing and say nothing about the system.
const (
	ECONFLICT     = "conflict"
	EFORBIDDEN    = "forbidden"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ETOOLARGE     = "too_large"
	EUNAUTHORIZED = "unauthorized"
	EBUSY         = "busy"
	ERATELIMIT    = "rate_limited"
	// EUNAVAILABLE is storage that takes nothing more, a full disk: the user
	// is asked to come back later, and an administrator must act.
	EUNAVAILABLE = "unavailable"
	EPROOF       = "proof_required"
)

// Error is an error that is safe to show: Code selects the status and the
// generic page; MessageID, when set, names a catalog message that explains
// the problem to the user, with Data filling its placeholders. Message is
// developer text and is never shown. Err, when set, is the cause: callers
// find it with errors.Is and errors.As, and only the log reads its text.
type Error struct {
	Code      string
	MessageID string
	Data      map[string]any
	Message   string
	Err       error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("tropa %s: %s", e.Code, e.Message)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.MessageID != "" {
		s += " (" + e.MessageID + ")"
	}
	return s
}

// Unwrap is the cause, or nil.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and developer message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with the given code and developer message whose
// cause is err, so that callers can tell causes apart with errors.Is
// rather than by their text or message ids.
func Wrap(code string, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// UserError returns an *Error whose explanation for the user is the catalog
// message messageID.
func UserError(code, messageID string, data map[string]any) *Error {
	return &Error{Code: code, MessageID: messageID, Data: data, Message: messageID}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// IsCode reports whether err carries code.
func IsCode(err error, code string) bool {
	return ErrorCode(err) == code
}
