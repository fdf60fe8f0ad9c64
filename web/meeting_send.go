package web

import (
	"net/http"
	"slices"
	"strings"

	"tropa"
	"tropa/desk"
	"tropa/locale"
)

// meetingSend sends the applicant the meeting details ticked on the case
// page, in the language chosen there, as a staff reply.
func (s *Server) meetingSend(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "meeting-"+r.PathValue("meeting"), "sent", func(id string) error {
		// Not "lang", which would turn the staff member's own page into
		// the applicant's language.
		lang := r.PostForm.Get("language")
		if !locale.Speaks(lang) {
			return tropa.UserError(tropa.EINVALID, "ErrMeetingSendLanguage", nil)
		}
		var details []tropa.MeetingDetail
		for _, d := range tropa.MeetingDetails {
			if slices.Contains(r.PostForm["detail"], string(d)) {
				details = append(details, d)
			}
		}
		t := s.locales.In(lang)
		return s.Desk.SendMeeting(r.Context(), sess, id, r.PathValue("meeting"), details, func(m tropa.Meeting) string {
			return meetingMessage(t, m)
		})
	})
}

// meetingMessage tells the applicant, in t's language, what of a meeting
// is set: the window on the clocks of the zone it was typed in, naming it.
func meetingMessage(t *locale.Catalog, m tropa.Meeting) string {
	lines := []string{t.T("MeetingToApplicant")}
	if !m.Window.Start.IsZero() {
		lines = append(lines, t.T("MeetingToApplicantWindow", "Window", windowIn(m.Window, nil)))
	}
	for _, f := range []struct{ id, value string }{{"MeetingToApplicantPlace", m.Place},
		{"MeetingToApplicantSign", m.Sign}, {"MeetingToApplicantPhrase", m.Phrase}} {
		if f.value != "" {
			lines = append(lines, t.T(f.id, "Value", f.value))
		}
	}
	return strings.Join(lines, "\n")
}
