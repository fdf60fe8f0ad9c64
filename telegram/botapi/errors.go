package botapi

import (
	"errors"
	"fmt"
	"time"
)

// Errors a caller acts on, matched with errors.Is. An API refusal is an
// *Error (errors.As gives the code, the description and the wait); a call
// that never got the Bot API's answer wraps ErrUnreachable instead, so that
// "Telegram said no" and "Telegram did not say" are never confused.
var (
	// ErrTooManyRequests is Telegram's flood control (429): wait
	// Error.RetryAfter before calling again.
	ErrTooManyRequests = errors.New("botapi: too many requests")
	// ErrBlocked is a 403: the user blocked the bot, deleted his account,
	// or never started it. Nothing sent to that chat will arrive.
	ErrBlocked = errors.New("botapi: blocked by the user")
	// ErrUnauthorized is a 401 or 404 on the token: it was revoked or
	// never existed. Every call will fail until an admin sets a new one.
	ErrUnauthorized = errors.New("botapi: token refused")
	// ErrBadRequest is a 400: the call itself was wrong (a message too
	// long, a message to delete that is gone, a chat that is not known).
	// Sending it again will fail again.
	ErrBadRequest = errors.New("botapi: bad request")
	// ErrConflict is a 409: getUpdates while a webhook is set, or two
	// pollers on one bot.
	ErrConflict = errors.New("botapi: conflict")
	// ErrUnreachable is a call without the Bot API's answer: no
	// connection, a timeout, a proxy's error page, a server error (5xx).
	// The same call may well succeed later.
	ErrUnreachable = errors.New("botapi: Telegram unreachable")
	// ErrTooLarge is a file over the caller's size limit, refused before
	// or while downloading it.
	ErrTooLarge = errors.New("botapi: file too large")
)

// Error is the Bot API's refusal of a call.
type Error struct {
	Method      string
	Code        int
	Description string
	// RetryAfter is parameters.retry_after, set on a 429.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("botapi %s: %d %s (retry after %s)", e.Method, e.Code, e.Description, e.RetryAfter)
	}
	return fmt.Sprintf("botapi %s: %d %s", e.Method, e.Code, e.Description)
}

// Is maps the code to the sentinel errors above.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrTooManyRequests:
		return e.Code == 429
	case ErrBlocked:
		return e.Code == 403
	case ErrUnauthorized:
		return e.Code == 401 || e.Code == 404
	case ErrBadRequest:
		return e.Code == 400
	case ErrConflict:
		return e.Code == 409
	}
	return false
}

// RetryAfter is how long to wait before calling again after err, and
// whether err asks for a wait at all (a 429).
func RetryAfter(err error) (time.Duration, bool) {
	var e *Error
	if errors.As(err, &e) && e.Code == 429 {
		return e.RetryAfter, true
	}
	return 0, false
}

// unreachableError is a call that got no answer from the Bot API. Its text
// is made when it is built, with the token taken out of any URL in it, and
// it does not keep the *url.Error that holds the URL.
type unreachableError struct {
	msg   string
	cause error
}

func (e *unreachableError) Error() string   { return e.msg }
func (e *unreachableError) Unwrap() []error { return []error{ErrUnreachable, e.cause} }
