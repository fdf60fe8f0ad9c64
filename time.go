package tropa

import "time"

// The grains of the times kept in clear. An exact time of a person's life
// (when he wrote, when he left his unit, when he is to meet someone) is
// sealed under the case key; what stays in clear beside it, for queues and
// figures, is cut down to one of these grains, so that a seized database
// does not narrow a moment down to one man. docs/security.md says why each
// grain is the one it is.

// Day is t cut down to the start of its UTC day: the grain of every time in
// clear that describes a request. The zero time stays zero.
func Day(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(24 * time.Hour)
}

// DueHour is t cut down to the start of its UTC hour: the grain of a case's
// due time in the queue. It rounds down, so that a case shows as due, and
// comes first, up to an hour early, never late. The zero time stays zero.
func DueHour(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Hour)
}

// IsDay reports whether t is a time of day grain, as a time kept only in
// clear is: it is then shown as a date.
func IsDay(t time.Time) bool {
	return !t.IsZero() && t.Equal(Day(t))
}
