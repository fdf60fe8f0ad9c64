package web

import (
	"net/http"

	"tropa"
	"tropa/desk"
)

// errEraseUnconfirmed refuses an erasure whose box was not ticked: what is
// erased cannot be brought back, so it is never done by a stray click.
var errEraseUnconfirmed = tropa.UserError(tropa.EINVALID, "ErrEraseConfirm", nil)

// eraseConfirmed reports whether the form's confirmation box was ticked.
func eraseConfirmed(r *http.Request) bool { return r.PostForm.Get("confirm") == "yes" }

// receiptEraseContact erases the applicant's contact details at once, at
// his request. His receipt travels in the form, as with a reply.
func (s *Server) receiptEraseContact(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	receipt := r.PostForm.Get("receipt")
	if !eraseConfirmed(r) {
		s.showThread(w, r, receipt, "", errEraseUnconfirmed)
		return nil
	}
	if !s.receipts.Allow(clientKey(r), s.Now()) {
		s.receiptFailed(w, r, receipt, "", errTooMany)
		return nil
	}
	c, err := s.Desk.ApplicantCase(r.Context(), receipt)
	if err == nil {
		err = c.EraseContact(r.Context())
	}
	if err != nil {
		s.receiptFailed(w, r, receipt, "", err)
		return nil
	}
	return s.showDone(w, r, c, receipt, "NoticeYourContactErased")
}

// caseEraseContact erases the applicant's contact details, when he asks a
// staff member to.
func (s *Server) caseEraseContact(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "contact", "erased", func(id string) error {
		if !eraseConfirmed(r) {
			return errEraseUnconfirmed
		}
		return s.Desk.EraseContact(r.Context(), sess, id)
	})
}
