package web

import (
	"net/http"
	"net/url"

	"tropa"
	"tropa/desk"
)

// caseData is a case as a staff member who holds its key sees it.
type caseData struct {
	Case       *tropa.Case
	StaffNames map[string]string
	// Colleagues are the people the case can be assigned or referred to.
	Colleagues []tropa.Staff
	// Posted names the form that was refused, and Form holds what was
	// typed into it, to be shown again.
	Posted     string
	Form       url.Values
	MaxMessage int
	MaxRoute   int
	// Stays are the case's stays in shelters; Shelters those the viewer
	// may book in.
	Stays    []desk.StayView
	Shelters []desk.ShelterView
	// Meetings are the case's safe-surrender meetings.
	Meetings []tropa.Meeting
}

// MeetingDeadline reports whether a deadline is a meeting's, which closes
// with the meeting, not on its own.
func (d caseData) MeetingDeadline(id string) bool {
	for _, m := range d.Meetings {
		if m.ID == id {
			return true
		}
	}
	return false
}

// Value is what a field of a form shows: what was typed, if that form was
// just refused, else the current value.
func (d caseData) Value(form, field, current string) string {
	if d.Posted == form {
		return d.Form.Get(field)
	}
	return current
}

// Wanted is the case's open clock to being declared wanted, if one runs.
func (d caseData) Wanted() *tropa.Deadline {
	for i, dl := range d.Case.Deadlines {
		if dl.Kind == tropa.DeadlineWanted && dl.Open() {
			return &d.Case.Deadlines[i]
		}
	}
	return nil
}

// caseNotices are the notices a case page shows after a change.
var caseNotices = map[string]string{"sent": "NoticeReplySent", "note": "NoticeNoteAdded", "saved": "NoticeSaved",
	"erased": "NoticeContactErased", "call": "NoticeCallAdded"}

func (s *Server) caseShow(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	if id, ok := caseNotices[r.URL.Query().Get("done")]; ok {
		p.Notice = p.T(id)
	}
	return s.showCase(w, r, sess, p, "", http.StatusOK)
}

// showCase renders a case; posted names the form whose input is shown again.
func (s *Server) showCase(w http.ResponseWriter, r *http.Request, sess *desk.Session, p *page, posted string, status int) error {
	ctx := r.Context()
	c, err := s.Desk.OpenCase(ctx, sess, r.PathValue("id"))
	if err != nil {
		return err
	}
	names, err := s.Desk.StaffNames(ctx, sess)
	if err != nil {
		return err
	}
	data := caseData{Case: c, StaffNames: names, Posted: posted, Form: r.PostForm,
		MaxMessage: tropa.MaxMessageLen, MaxRoute: tropa.MaxRouteLen}
	if data.Meetings, err = s.Desk.Meetings(ctx, sess, c.Request.ID); err != nil {
		return err
	}
	if sess.Staff.Role.Can(tropa.PermRefer) {
		if data.Colleagues, err = s.Desk.Colleagues(ctx, sess); err != nil {
			return err
		}
	}
	if data.Stays, err = s.Desk.CaseStays(ctx, sess, c.Request.ID); err != nil {
		return err
	}
	if sess.Staff.Role.Can(tropa.PermPlace) {
		if data.Shelters, err = s.Desk.Shelters(ctx, sess); err != nil {
			return err
		}
	}
	p.Data = data
	s.render(w, status, "request", p)
	return nil
}

// caseAction runs one change of a case posted from its page and comes back
// to the page (post/redirect/get). A change that is refused for a reason
// the user can act on is shown on the case page, with what was typed.
func (s *Server) caseAction(w http.ResponseWriter, r *http.Request, sess *desk.Session, form, notice string,
	act func(id string) error) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := act(id); err != nil {
		return s.refuse(w, r, sess, err, func(p *page, status int) error {
			return s.showCase(w, r, sess, p, form, status)
		})
	}
	http.Redirect(w, r, s.newPage(r).URL("/staff/requests/"+id+"?done="+notice)+"#"+form, http.StatusSeeOther)
	return nil
}

// caseReply sends a staff reply; one that is refused is shown again, as
// typed.
func (s *Server) caseReply(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "reply", "sent", func(id string) error {
		return s.Desk.Reply(r.Context(), sess, id, textField(r, "message"))
	})
}

// caseNote adds an internal note, which the applicant never sees.
func (s *Server) caseNote(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "note", "note", func(id string) error {
		return s.Desk.AddNote(r.Context(), sess, id, textField(r, "note"))
	})
}
