package web

import (
	"net/http"

	"tropa"
	"tropa/admission"
	"tropa/desk"
)

// threadData is the applicant's view of his request. The receipt travels in
// a hidden field of the reply form, never in a URL or cookie, so it stays
// only in a page the browser is told not to keep.
type threadData struct {
	Receipt    string
	Thread     *tropa.Thread
	Draft      string
	MaxMessage int
}

// receiptFormData keeps what was typed when a receipt did not open: the
// receipt, and any message he was sending, which must not be lost.
type receiptFormData struct {
	Receipt string
	Draft   string
}

func (s *Server) receiptForm(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r)
	p.Data = receiptFormData{}
	s.render(w, http.StatusOK, "receipt_form", p)
	return nil
}

func (s *Server) receiptCheck(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	receipt := r.PostForm.Get("receipt")
	s.showThread(w, r, receipt, "", nil)
	return nil
}

func (s *Server) receiptReply(w http.ResponseWriter, r *http.Request) error {
	files, release, err := s.readPhotos(w, r)
	defer release()
	receipt, body := r.PostForm.Get("receipt"), textField(r, "message")
	if err != nil && receipt == "" {
		// Nothing arrived to show the request again with.
		return err
	}
	if err == nil {
		err = tropa.ValidateText(body, "message", 1, tropa.MaxMessageLen)
	}
	if err != nil {
		s.showThread(w, r, receipt, body, err)
		return nil
	}
	if !s.receipts.Allow(clientKey(r), s.Now()) {
		s.receiptFailed(w, r, receipt, body, errTooMany)
		return nil
	}
	c, err := s.Desk.ApplicantCase(r.Context(), receipt)
	if err != nil {
		s.receiptFailed(w, r, receipt, body, err)
		return nil
	}
	if err := c.Reply(r.Context(), body, files); err != nil {
		return s.showRefused(w, r, c, receipt, body, err)
	}
	return s.showDone(w, r, c, receipt, "NoticeMessageSent")
}

// showRefused shows the request again with the reply that was refused in
// the reply box and why above it, without checking the receipt again.
func (s *Server) showRefused(w http.ResponseWriter, r *http.Request, c *desk.ApplicantCase, receipt, draft string, err error) error {
	t, terr := c.Thread(r.Context())
	if terr != nil {
		return terr
	}
	p, perr := s.threadPage(r)
	if perr != nil {
		return perr
	}
	p.Error = p.Explain(err)
	p.Data = threadData{Receipt: receipt, Thread: t, Draft: draft, MaxMessage: tropa.MaxMessageLen}
	s.render(w, s.errorStatus(r, err), "thread", p)
	return nil
}

// showDone shows the request again after something the applicant did to
// it, with notice saying what.
func (s *Server) showDone(w http.ResponseWriter, r *http.Request, c *desk.ApplicantCase, receipt, notice string) error {
	t, err := c.Thread(r.Context())
	if err != nil {
		return err
	}
	p, err := s.threadPage(r)
	if err != nil {
		return err
	}
	p.Notice = p.T(notice)
	p.Data = threadData{Receipt: receipt, Thread: t, MaxMessage: tropa.MaxMessageLen}
	s.render(w, http.StatusOK, "thread", p)
	return nil
}

// showThread checks a receipt and shows the request it opens, with draft in
// the reply box and why it was refused, if it was, above it.
func (s *Server) showThread(w http.ResponseWriter, r *http.Request, receipt, draft string, refused error) {
	if !s.receipts.Allow(clientKey(r), s.Now()) {
		s.receiptFailed(w, r, receipt, draft, errTooMany)
		return
	}
	t, err := s.Desk.ApplicantThread(r.Context(), receipt)
	if err != nil {
		s.receiptFailed(w, r, receipt, draft, err)
		return
	}
	p, err := s.threadPage(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p.Data = threadData{Receipt: receipt, Thread: t, Draft: draft, MaxMessage: tropa.MaxMessageLen}
	status := http.StatusOK
	if refused != nil {
		p.Error = p.Explain(refused)
		status = s.errorStatus(r, refused)
		setRetryAfter(w, refused)
	}
	s.render(w, status, "thread", p)
}

// threadPage prepares the page of an applicant's request, whose times are
// on the organization's clocks: what the applicant reads is what staff
// there mean, and nothing about where he is is asked or kept.
func (s *Server) threadPage(r *http.Request) (*page, error) {
	p := s.newPage(r)
	loc, err := s.Desk.OrganizationLocation(r.Context())
	if err != nil {
		return nil, err
	}
	p.loc = loc
	return p, nil
}

// receiptFailed shows the receipt form again with why it did not open. An
// unknown receipt and a wrong one read alike.
func (s *Server) receiptFailed(w http.ResponseWriter, r *http.Request, receipt, draft string, err error) {
	err = admission.BusyRetry(err, "ErrCheckBusy")
	setRetryAfter(w, err)
	p := s.newPage(r)
	p.Error = p.Explain(err)
	p.Data = receiptFormData{Receipt: receipt, Draft: draft}
	s.render(w, s.errorStatus(r, err), "receipt_form", p)
}
