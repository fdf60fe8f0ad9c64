package web

import (
	"net/http"

	"tropa/desk"
)

// noticesLink makes the staff member a one-time code to link his own
// Telegram chat with the bot to his notices, and shows it on the notices
// page. The code is in this answer alone: never in an address, a log or
// the database.
func (s *Server) noticesLink(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	code, err := s.Desk.NewNoticeLinkCode(r.Context(), sess)
	if err != nil {
		return err
	}
	rec, err := s.Desk.MyNotices(r.Context(), sess)
	if err != nil {
		return err
	}
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	return s.showNotices(w, r, sess, p, http.StatusOK, rec, formOf(&rec.NoticePrefs), code)
}
