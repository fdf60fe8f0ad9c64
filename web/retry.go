package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"tropa/admission"
)

// setRetryAfter tells programs when to try again, if err says.
func setRetryAfter(w http.ResponseWriter, err error) {
	var re *admission.RetryError
	if errors.As(err, &re) {
		w.Header().Set("Retry-After", strconv.Itoa(max(int((re.After+time.Second-1)/time.Second), 1)))
	}
}
