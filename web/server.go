// Package web serves tropa over HTTP: the applicant site, which works with
// JavaScript off and sets no cookie, the staff site under /staff/, and a
// small JSON API for partner sites and other channels.
package web

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"tropa"
	"tropa/admission"
	"tropa/desk"
	"tropa/locale"
)

//go:embed static
var staticFiles embed.FS

// Config configures the web server.
type Config struct {
	Desk   *desk.Desk
	Logger *slog.Logger
	// TLS says that users reach tropa over HTTPS, directly or through a
	// proxy: the session cookie is then __Host- and Secure, and browsers
	// are told to stay on HTTPS.
	TLS bool
	// TrustedProxies are the proxies believed when they name the client in
	// X-Forwarded-For, for the limits per client.
	TrustedProxies []netip.Prefix
	// ProxyProtocol makes Serve read a PROXY protocol header from every
	// connection from loopback or a trusted proxy, as Tor sends with
	// HiddenServiceExportCircuitID haproxy.
	ProxyProtocol bool
	// Now is the clock for rate limits.
	Now func() time.Time
	// Timeouts bound how long one client may hold a connection; zero
	// fields take the defaults.
	Timeouts Timeouts
	// PhotoMemory bounds the photo data being received at once, in bytes;
	// 0 means photoMemory.
	PhotoMemory int64
	// ProofBits is the difficulty of the applicant form's proof of work,
	// in zero bits per puzzle; 0 is admission.DefaultProofBits.
	ProofBits int
	// IntakeRate is how many submissions a second all applicants together
	// may start, beyond which they are told at once to come back later;
	// zero means admission.DefaultIntakeRate. See admission.IntakeRateFor.
	IntakeRate float64
	// TelegramWebhook, when set, takes the updates Telegram posts to the
	// applicant site's /telegram for the organization's bot.
	TelegramWebhook http.Handler
	// DemoChat, in the demo only, plays a chat with the bot at
	// /demo/telegram.
	DemoChat DemoChat
}

// Timeouts are the real server's limits on slow clients. A client that
// trickles its headers or body is cut off when they run out, so that a
// few slow connections cannot hold the server for everyone else.
type Timeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
}

// defaultTimeouts leave room for a phone on a bad connection over Tor.
var defaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: 30 * time.Second,
	Write: 60 * time.Second, Idle: 120 * time.Second}

// orDefault fills the zero fields of t from defaultTimeouts.
func (t Timeouts) orDefault() Timeouts {
	d := defaultTimeouts
	return Timeouts{ReadHeader: cmp.Or(t.ReadHeader, d.ReadHeader), Read: cmp.Or(t.Read, d.Read),
		Write: cmp.Or(t.Write, d.Write), Idle: cmp.Or(t.Idle, d.Idle)}
}

// maxHeaderBytes bounds a request's headers; more gets 431.
const maxHeaderBytes = 16 << 10

// Server is tropa's HTTP side.
type Server struct {
	Config
	locales   *locale.Catalogs
	templates templates
	receipts  *admission.Limiter
	logins    *admission.Limiter
	accounts  *admission.Buckets
	intake    *admission.Intake
	photos    *budget

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
	c.Timeouts = c.Timeouts.orDefault()
	if c.PhotoMemory == 0 {
		c.PhotoMemory = photoMemory
	}
	intake, err := admission.NewIntake(admission.Config{Now: c.Now, Rate: c.IntakeRate, ProofBits: c.ProofBits, Proofs: c.Desk})
	if err != nil {
		return nil, err
	}
	loc, err := locale.Load()
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
		receipts: admission.NewLimiter(20*time.Second, 10, 20),
		logins:   admission.NewLimiter(20*time.Second, 10, 10),
		// Tries at one account, from anywhere: see accountEvery.
		accounts: admission.NewBuckets(accountEvery, accountBurst),
		intake:   intake,
		photos:   &budget{free: c.PhotoMemory},

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

// Site is the part of tropa one listener serves.
type Site int

const (
	// SiteAll is the applicant site, the API and the staff site together.
	SiteAll Site = iota
	// SitePublic is all but the staff site, which is then not there at
	// all: /staff/ is not found.
	SitePublic
	// SiteStaff is the staff site alone, with the static files it uses.
	SiteStaff
)

// serves reports whether the route pattern belongs to site.
func (site Site) serves(pattern string) bool {
	path := pattern
	if _, p, ok := strings.Cut(pattern, " "); ok {
		path = p
	}
	staff := strings.HasPrefix(path, "/staff/")
	switch site {
	case SitePublic:
		return !staff
	case SiteStaff:
		return staff || path == "/" || path == "/health" || strings.HasPrefix(path, "/static/")
	}
	return true
}

// siteMux registers only the routes of one site.
type siteMux struct {
	*http.ServeMux
	site Site
}

func (m siteMux) Handle(pattern string, h http.Handler) {
	if m.site.serves(pattern) {
		m.ServeMux.Handle(pattern, h)
	}
}

func (m siteMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(h))
}

// Handler returns the whole site with its middleware.
func (s *Server) Handler() http.Handler {
	return s.SiteHandler(SiteAll)
}

// SiteHandler returns one site with its middleware.
func (s *Server) SiteHandler(site Site) http.Handler {
	mux := http.NewServeMux()
	s.routes(siteMux{ServeMux: mux, site: site})
	return s.logRequests(s.secure(s.realClient(limitBody(mux, s.crossOrigin(mux)))))
}

// Serve serves the whole site on l until ctx is done, then shuts down
// gracefully, letting requests in flight (a submission being committed)
// finish.
func (s *Server) Serve(ctx context.Context, l net.Listener, certFile, keyFile string) error {
	return s.ServeSite(ctx, SiteAll, l, certFile, keyFile)
}

// ServeSite is Serve for one site.
func (s *Server) ServeSite(ctx context.Context, site Site, l net.Listener, certFile, keyFile string) error {
	if s.ProxyProtocol {
		l = proxyProtocol(l, s.TrustedProxies, s.Timeouts.ReadHeader)
	}
	srv := &http.Server{
		Handler:           s.SiteHandler(site),
		ReadHeaderTimeout: s.Timeouts.ReadHeader,
		ReadTimeout:       s.Timeouts.Read,
		WriteTimeout:      s.Timeouts.Write,
		IdleTimeout:       s.Timeouts.Idle,
		MaxHeaderBytes:    maxHeaderBytes,
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
