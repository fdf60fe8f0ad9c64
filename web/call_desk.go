package web

import (
	"net/http"

	"tropa"
	"tropa/desk"
)

// callDeskData is the call desk: a form for a new call, one for a caller
// who reads out his receipt, the calls taken today and, for those who may
// see it, the day's load against a week before.
type callDeskData struct {
	Form      *requestFormData
	Callers   []tropa.Caller
	Caller    tropa.Caller
	Urgent    bool
	Returning tropa.ReturningCall
	Calls     []tropa.Call
	Load      *desk.CallLoad
}

// callTakenData is the receipt of a new call, shown once to be read out.
type callTakenData struct {
	Receipt   []string
	RequestID string
}

// callDesk shows the call desk, empty.
func (s *Server) callDesk(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	return s.showCallDesk(w, r, sess, p, callDeskData{Form: newRequestForm(tropa.Submission{}), Caller: tropa.CallerSelf},
		http.StatusOK)
}

// showCallDesk renders the call desk with data as typed, and the day's
// calls and load read afresh.
func (s *Server) showCallDesk(w http.ResponseWriter, r *http.Request, sess *desk.Session, p *page, data callDeskData, status int) error {
	if !sess.Staff.Role.Can(tropa.PermEnter) {
		return tropa.UserError(tropa.EFORBIDDEN, "ErrRoleForbidden", nil)
	}
	calls, err := s.Desk.CallsToday(r.Context(), sess)
	if err != nil {
		return err
	}
	data.Calls, data.Callers = calls, tropa.Callers
	if sess.Staff.Role.Can(tropa.PermCallLoad) {
		if data.Load, err = s.Desk.CallLoad(r.Context(), sess); err != nil {
			return err
		}
	}
	if data.Form == nil {
		data.Form = newRequestForm(tropa.Submission{})
	}
	if data.Caller == "" {
		data.Caller = tropa.CallerSelf
	}
	p.Data = data
	s.render(w, status, "calls", p)
	return nil
}

// LoadChange says how a count compares with a week before: "+70%", or a
// dash when there is nothing to compare with.
func (p *page) LoadChange(c desk.LoadCount) string {
	if s := c.Change().Signed(); s != "" {
		return s
	}
	return "—"
}
