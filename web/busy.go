package web

import (
	"errors"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"tropa"
	"tropa/desk"
)

// kdfRetry is when an applicant turned away for want of argon2id time is
// asked to come back: long enough for a burst to pass.
const kdfRetry = 2 * time.Minute

// saturationMemory is how long a node remembers that its intake was
// saturated, for the automatic proof of work.
const saturationMemory = 15 * time.Minute

// retryError is a refusal that says when to try again: the page in whole
// minutes, rounded up, and a Retry-After header in seconds.
type retryError struct {
	err   error
	after time.Duration
}

func (e *retryError) Error() string { return e.err.Error() }
func (e *retryError) Unwrap() error { return e.err }

func retryLater(code, messageID string, after time.Duration) error {
	minutes := int((after + time.Minute - 1) / time.Minute)
	return &retryError{err: tropa.UserError(code, messageID, map[string]any{"Minutes": max(minutes, 1)}), after: after}
}

// setRetryAfter tells programs when to try again, if err says.
func setRetryAfter(w http.ResponseWriter, err error) {
	var re *retryError
	if errors.As(err, &re) {
		w.Header().Set("Retry-After", strconv.Itoa(max(int((re.after+time.Second-1)/time.Second), 1)))
	}
}

// saturation remembers when a node's intake last turned someone away for
// want of capacity: everyone's limit spent, or no argon2id slot in time.
type saturation struct {
	at atomic.Int64 // Unix nanoseconds; 0 for never
}

func (s *saturation) mark(now time.Time) { s.at.Store(now.UnixNano()) }

// recent reports whether the intake was saturated within saturationMemory.
func (s *saturation) recent(now time.Time) bool {
	at := s.at.Load()
	return at != 0 && now.Sub(time.Unix(0, at)) < saturationMemory
}

// admitIntake takes a submission's try from the intake limits, or says when
// to come back.
func (s *Server) admitIntake(r *http.Request) error {
	now := s.Now()
	wait, everyone := s.intake.reserve(r, now)
	switch {
	case wait == 0:
		return nil
	case everyone:
		s.saturated.mark(now)
		return retryLater(tropa.EBUSY, "ErrIntakeBusy", wait)
	}
	return retryLater(tropa.ERATELIMIT, "ErrTooManyRequests", wait)
}

// intakeFailed explains a submission the desk could not take. Argon2id work
// that could not start in time means the node is saturated: the applicant
// is told when to come back.
func (s *Server) intakeFailed(err error) error {
	if kdfBusy(err) {
		s.saturated.mark(s.Now())
	}
	return busyRetry(err, "ErrIntakeBusy")
}

// busyRetry explains, with messageID, argon2id work the desk could not
// start in time, and when to come back; other errors are returned as they
// are.
func busyRetry(err error, messageID string) error {
	if kdfBusy(err) {
		return retryLater(tropa.EBUSY, messageID, kdfRetry)
	}
	return err
}

// kdfBusy reports the desk's error for argon2id work that could not start
// in time.
func kdfBusy(err error) bool { return errors.Is(err, desk.ErrKDFBusy) }
