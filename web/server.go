// Package web serves tropa over HTTP: the applicant site, which works with
// JavaScript off and sets no cookie, the staff site under /staff/, and a
// small JSON API for partner sites and other channels.
package web

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"tropa"
	"tropa/desk"
)

//go:embed static
var staticFiles embed.FS

// Config configures the web server.
type Config struct {
	Desk   *desk.Desk
	Logger *slog.Logger
	// TLS says that users reach tropa over HTTPS, directly or through a
	// proxy: cookies are then Secure and browsers told to stay on HTTPS.
	TLS bool
	// Now is the clock for rate limits.
	Now func() time.Time
	// IntakeRate is how many submissions a second all applicants together
	// may start, beyond which they are told at once to come back later;
	// zero means DefaultIntakeRate. See IntakeRateFor.
	IntakeRate float64
}

// DefaultIntakeRate is the intake limit of a server not told its machine's
// capacity, and the least IntakeRateFor gives: about what one core's
// argon2id work for receipts allows.
const DefaultIntakeRate = 50

// IntakeRateFor is the intake limit for a machine that derives capacity
// receipt keys a second. Every submission costs one derivation, so the
// work, not the limit, must be what bounds a flood: the limit sits a
// quarter above the capacity. Submissions let through beyond the capacity
// wait for the KDF (at most intakeWait, then the applicant is told the
// desk is busy), so the queue stays bounded by a few seconds of work, and
// anything beyond the limit is refused at once without costing any. It is
// never below DefaultIntakeRate: a capacity measured while the machine was
// busy with something else (starting up, say) must not set it lower than
// a fixed limit would.
func IntakeRateFor(capacity float64) float64 {
	return max(capacity*1.25, DefaultIntakeRate)
}

// Server is tropa's HTTP side.
type Server struct {
	Config
	locales   *locales
	templates templates
	receipts  *limiter
	logins    *limiter
	intake    *limiter

	staticHandler http.Handler
}

// New prepares a server: catalogs and templates are parsed here, once, so
// that a broken one stops start-up instead of a page.
func New(c Config) (*Server, error) {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.IntakeRate <= 0 {
		c.IntakeRate = DefaultIntakeRate
	}
	loc, err := loadLocales()
	if err != nil {
		return nil, err
	}
	ts, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	return &Server{
		Config:    c,
		locales:   loc,
		templates: ts,
		// Receipt guesses and logins: a person mistyping has room; a
		// guesser on one network gets about three tries a minute, and all
		// guessers together twenty a second, which bounds argon2id work.
		receipts: newLimiter(20*time.Second, 10, 20),
		logins:   newLimiter(20*time.Second, 10, 10),
		intake:   newLimiter(time.Minute, 5, c.IntakeRate),

		staticHandler: http.FileServerFS(staticFiles),
	}, nil
}

// static serves the embedded assets; a missing one gets the site's own
// not-found page, with the site's headers.
func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	if fi, err := fs.Stat(staticFiles, strings.TrimPrefix(r.URL.Path, "/")); err != nil || fi.IsDir() {
		return tropa.Errorf(tropa.ENOTFOUND, "no static file")
	}
	s.staticHandler.ServeHTTP(w, r)
	return nil
}

// Handler returns the whole site with its middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	return s.logRequests(s.secure(limitBody(s.crossOrigin(mux))))
}

// Serve serves on l until ctx is done, then shuts down gracefully, letting
// requests in flight (a submission being committed) finish.
func (s *Server) Serve(ctx context.Context, l net.Listener, certFile, keyFile string) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          serverErrorLog(s.Logger),
	}
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- srv.ServeTLS(l, certFile, keyFile)
		} else {
			errc <- srv.Serve(l)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
