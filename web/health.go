package web

import (
	"io"
	"net/http"
)

// health tells a load balancer whether this node can serve: 200 while it
// reaches a set-up database, 503 otherwise, so that traffic moves to the
// other nodes. It says nothing more, to anyone who asks.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if ok, err := s.Desk.Initialised(r.Context()); err != nil || !ok {
		if err != nil {
			s.Logger.Error("health check", "err", err)
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "unavailable\n")
		return
	}
	io.WriteString(w, "ok\n")
}
