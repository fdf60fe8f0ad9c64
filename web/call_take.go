package web

import (
	"net/http"
	"net/url"

	"tropa"
	"tropa/desk"
)

// callTake stores a new call as a request and shows its receipt, to be
// read out to the caller once. The receipt is only in this response:
// "next call" is a plain link back to the desk, which has none.
func (s *Server) callTake(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	call := parseNewCall(r.PostForm)
	receipt, id, err := s.Desk.TakeCall(r.Context(), sess, call)
	if err != nil {
		if !correctable(err) && !tropa.IsCode(err, tropa.EBUSY) && !tropa.IsCode(err, tropa.EUNAVAILABLE) {
			return err
		}
		p.Error = p.Explain(err)
		setRetryAfter(w, err)
		return s.showCallDesk(w, r, sess, p, callDeskData{Form: newRequestForm(call.Submission), Caller: call.Caller,
			Urgent: call.Urgent}, s.errorStatus(r, err))
	}
	p.HideLanguages = true
	p.Data = callTakenData{Receipt: receipt.Groups(), RequestID: id}
	s.render(w, http.StatusOK, "call_taken", p)
	return nil
}

// parseNewCall reads the new-call form.
func parseNewCall(form url.Values) tropa.NewCall {
	return tropa.NewCall{Caller: tropa.Caller(form.Get("caller")), Urgent: form.Get("urgent") == "on",
		Submission: tropa.Submission{Kind: tropa.Kind(form.Get("kind")), Situation: tropa.Situation(form.Get("situation")),
			Channel: tropa.ChannelHotline, Contact: formText(form, "contact"), Message: formText(form, "message")}}
}
