package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"tropa"
	"tropa/desk"
)

// requestFormData fills the applicant form, keeping what he typed.
type requestFormData struct {
	Kinds      []tropa.Kind
	Situations []tropa.Situation
	Submission tropa.Submission
	MaxContact int
	MaxMessage int
	// Proof is the proof-of-work challenge, when one is asked for.
	Proof *proofView
}

func newRequestForm(sub tropa.Submission) *requestFormData {
	return &requestFormData{Kinds: tropa.Kinds, Situations: tropa.Situations, Submission: sub,
		MaxContact: tropa.MaxContactLen, MaxMessage: tropa.MaxMessageLen}
}

// receiptData is the page that shows a receipt once.
type receiptData struct {
	Groups []string
}

func (s *Server) requestForm(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r)
	form, err := s.requestFormFor(r.Context(), tropa.Submission{})
	if err != nil {
		return err
	}
	p.Data = form
	s.render(w, http.StatusOK, "request_form", p)
	return nil
}

func (s *Server) requestSubmit(w http.ResponseWriter, r *http.Request) error {
	files, release, readErr := s.readPhotos(w, r)
	defer release()
	sub := tropa.Submission{
		Kind:      tropa.Kind(r.PostForm.Get("kind")),
		Situation: tropa.Situation(r.PostForm.Get("situation")),
		Channel:   tropa.ChannelWeb,
		Contact:   textField(r, "contact"),
		Message:   textField(r, "message"),
		Files:     files,
	}
	p := s.newPage(r)
	err := readErr
	var checked *desk.Checked
	if err == nil {
		// Photos are checked before the limits: choosing a wrong file
		// costs the applicant none of his tries.
		checked, err = desk.Check(sub)
	}
	if err == nil {
		v, answered, perr := s.proveForm(w, r, p, sub)
		if answered || perr != nil {
			return perr
		}
		err = s.intake.AdmitProved(clientKey(r), v)
	}
	if err == nil {
		receipt, serr := s.Desk.SubmitChecked(r.Context(), checked)
		if serr == nil {
			p.HideLanguages = true
			p.Data = receiptData{Groups: receipt.Groups()}
			s.render(w, http.StatusOK, "receipt", p)
			return nil
		}
		err = s.intake.Failed(serr)
	}
	// Nothing was stored: show the form again with everything he typed.
	form, ferr := s.requestFormFor(r.Context(), sub)
	if ferr != nil {
		return ferr
	}
	p.Error = p.Explain(err)
	p.Data = form
	setRetryAfter(w, err)
	s.render(w, s.errorStatus(r, err), "request_form", p)
	return nil
}

var errTooMany = tropa.UserError(tropa.ERATELIMIT, "ErrTooManyRequests", map[string]any{"Minutes": 5})

// parseForm reads a posted form, turning an oversized body into a clear
// error rather than a truncated form.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return tropa.UserError(tropa.ETOOLARGE, "ErrBodyTooLarge", nil)
		}
		return tropa.UserError(tropa.EINVALID, "ErrBadForm", nil)
	}
	return nil
}

// textField reads a posted text area. Browsers send its line breaks as CRLF
// but count them as one character against maxlength; so does the server.
func textField(r *http.Request, name string) string { return formText(r.PostForm, name) }

// formText is textField of a form already read.
func formText(form url.Values, name string) string {
	return strings.ReplaceAll(form.Get(name), "\r\n", "\n")
}

func notFound(w http.ResponseWriter, r *http.Request) error {
	return tropa.Errorf(tropa.ENOTFOUND, "no route")
}
