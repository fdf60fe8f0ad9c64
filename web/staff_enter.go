package web

import (
	"net/http"

	"tropa"
	"tropa/desk"
)

// enterData is the hotline form, and after it the receipt to read out.
type enterData struct {
	Form      *requestFormData
	Receipt   []string
	RequestID string
}

// enterForm is the form an operator fills in while on the phone.
func (s *Server) enterForm(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	if !sess.Staff.Role.Can(tropa.PermEnter) {
		return tropa.UserError(tropa.EFORBIDDEN, "ErrRoleForbidden", nil)
	}
	p.Data = enterData{Form: newRequestForm(tropa.Submission{})}
	s.render(w, http.StatusOK, "enter", p)
	return nil
}

// enterRequest stores a request taken on the phone and shows its receipt,
// to be read out to the caller once.
func (s *Server) enterRequest(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	sub := tropa.Submission{Kind: tropa.Kind(r.PostForm.Get("kind")), Situation: tropa.Situation(r.PostForm.Get("situation")),
		Contact: textField(r, "contact"), Message: textField(r, "message")}
	receipt, id, err := s.Desk.EnterRequest(r.Context(), sess, sub)
	if err != nil {
		if !correctable(err) && !tropa.IsCode(err, tropa.EBUSY) && !tropa.IsCode(err, tropa.EUNAVAILABLE) {
			return err
		}
		p.Error = p.explain(err)
		p.Data = enterData{Form: newRequestForm(sub)}
		s.render(w, s.errorStatus(r, err), "enter", p)
		return nil
	}
	p.HideLanguages = true
	p.Data = enterData{Receipt: receipt.Groups(), RequestID: id}
	s.render(w, http.StatusOK, "entered", p)
	return nil
}
