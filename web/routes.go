package web

import "net/http"

// routes lists every route tropa serves.
func (s *Server) routes(mux *http.ServeMux) {
	mux.Handle("GET /static/", s.page(s.static))

	// The applicant site.
	mux.Handle("GET /{$}", s.page(s.requestForm))
	mux.Handle("POST /{$}", s.page(s.requestSubmit))
	mux.Handle("GET /check", s.page(s.receiptForm))
	mux.Handle("POST /check", s.page(s.receiptCheck))
	mux.Handle("POST /check/reply", s.page(s.receiptReply))

	// The JSON API.
	mux.Handle("POST /api/v1/requests", s.api(s.apiRequestSubmit))
	mux.Handle("GET /api/v1/requests/self", s.api(s.apiRequestSelf))
	mux.Handle("POST /api/v1/requests/self/messages", s.api(s.apiRequestReply))

	// The staff site.
	mux.Handle("GET /staff/{$}", s.staff(s.staffHome))
	mux.Handle("GET /staff/login", s.page(s.loginForm))
	mux.Handle("POST /staff/login", s.page(s.login))
	mux.Handle("POST /staff/logout", s.withSession("", s.logout))
	mux.Handle("GET /staff/totp", s.enrolling(s.totpForm))
	mux.Handle("POST /staff/totp", s.enrolling(s.totpConfirm))
	mux.Handle("GET /staff/inbox", s.staff(s.inbox))
	mux.Handle("GET /staff/requests/{id}", s.staff(s.requestShow))
	mux.Handle("POST /staff/requests/{id}/reply", s.staff(s.requestReply))

	mux.Handle("/", s.page(notFound))
}
