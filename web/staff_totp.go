package web

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/http"

	"html/template"

	"tropa/desk"
)

// totpData shows the key to enrol as a QR code and as text, for an
// authenticator that cannot scan.
type totpData struct {
	QR     template.URL
	Secret string
	// CodeGiven is set when the session was started with the enrolment
	// code, which is then not asked again.
	CodeGiven bool
}

func (s *Server) totpForm(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.showTOTP(w, r, sess, "", http.StatusOK)
}

func (s *Server) showTOTP(w http.ResponseWriter, r *http.Request, sess *desk.Session, errMsg string, status int) error {
	key, err := s.Desk.PendingTOTP(r.Context(), sess)
	if err != nil {
		return err
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	p.Error = errMsg
	// A data: URL keeps the secret out of any file or second request.
	p.Data = totpData{QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())),
		Secret: key.Secret(), CodeGiven: sess.EnrolCodeGiven()}
	s.render(w, status, "totp", p)
	return nil
}

func (s *Server) totpConfirm(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	err := s.accountTry(r, sess.Staff.Name, func() error {
		return s.Desk.ConfirmTOTP(r.Context(), sess, r.PostForm.Get("enrol_code"), r.PostForm.Get("code"))
	})
	if err != nil {
		setRetryAfter(w, err)
		p := s.newPage(r)
		return s.showTOTP(w, r, sess, p.Explain(err), s.errorStatus(r, err))
	}
	http.Redirect(w, r, "/staff/", http.StatusSeeOther)
	return nil
}
