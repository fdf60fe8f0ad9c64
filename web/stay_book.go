package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tropa"
	"tropa/desk"
)

// parseDate reads a date field: a day as the staff member's calendar shows
// it, kept as that date. A year before 2000 is a slip of the keyboard.
func parseDate(value string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(value))
	if err != nil || t.Year() < 2000 {
		return time.Time{}, tropa.UserError(tropa.EINVALID, "ErrStayDate", nil)
	}
	return t, nil
}

// parseStay reads the form that books a stay.
func parseStay(form url.Values) (desk.StayInput, error) {
	in := desk.StayInput{ShelterID: form.Get("shelter")}
	var err error
	if in.First, err = parseDate(form.Get("first")); err != nil {
		return in, err
	}
	if in.End, err = parseDate(form.Get("end")); err != nil {
		return in, err
	}
	if in.Beds, err = strconv.Atoi(strings.TrimSpace(form.Get("beds"))); err != nil {
		return in, tropa.UserError(tropa.EINVALID, "ErrStayBeds", nil)
	}
	return in, nil
}

// parseStayChange reads the form that changes a stay: the change, and for
// an extension the new day of leaving.
func parseStayChange(form url.Values) (desk.StayChange, time.Time, error) {
	change := desk.StayChange(form.Get("change"))
	switch change {
	case desk.StayExtend:
		end, err := parseDate(form.Get("end"))
		return change, end, err
	case desk.StayEndToday, desk.StayCancel:
		return change, time.Time{}, nil
	}
	return change, time.Time{}, tropa.UserError(tropa.EINVALID, "ErrStayChange", nil)
}

func (s *Server) stayBook(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "stays", "saved", func(id string) error {
		in, err := parseStay(r.PostForm)
		if err != nil {
			return err
		}
		return s.Desk.BookStay(r.Context(), sess, id, in)
	})
}

func (s *Server) stayChange(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "stays", "saved", func(id string) error {
		change, end, err := parseStayChange(r.PostForm)
		if err != nil {
			return err
		}
		return s.Desk.ChangeStay(r.Context(), sess, id, r.PathValue("stay"), change, end)
	})
}
