package web

import (
	"net/http"
	"net/url"

	"tropa"
	"tropa/desk"
)

// callAdd adds a returning caller's call to the case his receipt opens,
// and opens it. A wrong receipt is answered as on /check, and receipt
// tries count against the same limits.
func (s *Server) callAdd(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	call := parseReturningCall(r.PostForm)
	err := call.Validate()
	if err == nil && !s.receipts.Allow(clientKey(r), s.Now()) {
		err = errTooMany
	}
	var id string
	if err == nil {
		id, err = s.Desk.AddCall(r.Context(), sess, call)
	}
	if err != nil {
		if !correctable(err) && !tropa.IsCode(err, tropa.EBUSY) && !tropa.IsCode(err, tropa.ERATELIMIT) {
			return err
		}
		p, perr := s.staffPage(r, sess)
		if perr != nil {
			return perr
		}
		p.Error = p.Explain(err)
		setRetryAfter(w, err)
		return s.showCallDesk(w, r, sess, p, callDeskData{Returning: call}, s.errorStatus(r, err))
	}
	http.Redirect(w, r, s.newPage(r).URL("/staff/requests/"+id+"?done=call"), http.StatusSeeOther)
	return nil
}

// parseReturningCall reads the returning-caller form.
func parseReturningCall(form url.Values) tropa.ReturningCall {
	return tropa.ReturningCall{Receipt: form.Get("receipt"), Caller: tropa.Caller(form.Get("caller")),
		Said: formText(form, "said")}
}
