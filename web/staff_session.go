package web

import (
	"errors"
	"net/http"

	"tropa"
	"tropa/desk"
)

// The cookie that holds a staff session's id and key: never readable by
// script, never sent by another site. Over HTTPS it is a __Host- cookie,
// which a browser takes only if Secure, for the whole host and from the
// host itself: no sibling domain, and no page served over plain HTTP (a
// network in the middle), can set or overwrite it. Plain HTTP is left only
// on loopback (see Config.TLS), where browsers would refuse a Secure
// cookie; it is then sent to the staff site only.
const (
	sessionCookie       = "tropa_staff"
	secureSessionCookie = "__Host-tropa_staff"
)

// sessionCookie returns the session cookie with value for this server.
func (s *Server) sessionCookie(value string) *http.Cookie {
	c := &http.Cookie{Name: sessionCookie, Value: value, Path: "/staff/", HttpOnly: true, SameSite: http.SameSiteStrictMode}
	if s.TLS {
		c.Name, c.Path, c.Secure = secureSessionCookie, "/", true
	}
	return c
}

type staffHandler func(w http.ResponseWriter, r *http.Request, sess *desk.Session) error

// staff serves h to staff with a full session; others are sent to log in.
func (s *Server) staff(h staffHandler) http.Handler {
	return s.withSession(tropa.SessionFull, h)
}

// enrolling serves h to staff who still have to enrol TOTP.
func (s *Server) enrolling(h staffHandler) http.Handler {
	return s.withSession(tropa.SessionEnroll, h)
}

// withSession serves h to staff whose session is at stage, or at any stage
// when stage is "".
func (s *Server) withSession(stage tropa.SessionStage, h staffHandler) http.Handler {
	return s.page(func(w http.ResponseWriter, r *http.Request) error {
		sess, err := s.session(r)
		if tropa.IsCode(err, tropa.EUNAUTHORIZED) {
			s.clearSession(w)
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
				return nil
			}
			return tropa.UserError(tropa.EUNAUTHORIZED, "ErrSessionEnded", nil)
		} else if err != nil {
			return err
		}
		if stage != "" && sess.Stage != stage {
			http.Redirect(w, r, stageHome(sess.Stage), http.StatusSeeOther)
			return nil
		}
		return h(w, r, sess)
	})
}

func stageHome(stage tropa.SessionStage) string {
	if stage == tropa.SessionEnroll {
		return "/staff/totp"
	}
	return "/staff/"
}

func (s *Server) session(r *http.Request) (*desk.Session, error) {
	c, err := r.Cookie(s.sessionCookie("").Name)
	if err != nil {
		return nil, tropa.Errorf(tropa.EUNAUTHORIZED, "no session cookie")
	}
	return s.Desk.Session(r.Context(), c.Value)
}

func (s *Server) setSession(w http.ResponseWriter, sess *desk.Session) {
	http.SetCookie(w, s.sessionCookie(sess.Token()))
}

func (s *Server) clearSession(w http.ResponseWriter) {
	c := s.sessionCookie("")
	c.MaxAge = -1
	http.SetCookie(w, c)
}

// staffPage is a page for a logged-in staff member.
func (s *Server) staffPage(r *http.Request, sess *desk.Session) (*page, error) {
	p := s.newPage(r)
	p.Staff = sess
	v, err := s.Desk.Vocabulary(r.Context())
	if err != nil {
		return nil, err
	}
	p.vocab = v
	if p.loc, err = s.Desk.StaffLocation(r.Context(), sess.Staff.ID); err != nil {
		return nil, err
	}
	return p, nil
}

// refuse shows a staff page again, by show, with why a change was refused,
// when the user can put it right there; any other error, or one the page
// cannot be shown for (such as a role that may not see it), goes to the
// error page.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, sess *desk.Session, err error,
	show func(p *page, status int) error) error {
	if !correctable(err) {
		return err
	}
	p, perr := s.staffPage(r, sess)
	if perr != nil {
		return perr
	}
	p.Error = p.Explain(err)
	if serr := show(p, s.errorStatus(r, err)); serr != nil {
		return err
	}
	return nil
}

// correctable reports whether err is something the user can put right on
// the page where it happened.
func correctable(err error) bool {
	var e *tropa.Error
	if !errors.As(err, &e) || e.MessageID == "" {
		return false
	}
	switch e.Code {
	case tropa.EINVALID, tropa.ECONFLICT, tropa.ENOTFOUND, tropa.EFORBIDDEN:
		return true
	}
	return false
}
