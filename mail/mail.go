// Package mail sends tropa's notices by e-mail, through an SMTP server the
// organization names, with github.com/wneessen/go-mail. A notice says only
// that something waits and where; this package adds nothing to it.
package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/netip"
	"os"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"tropa"
	"tropa/desk"
)

// Security is how the connection to the SMTP server is protected.
type Security string

const (
	// StartTLS connects in plain text and must be upgraded with STARTTLS
	// before anything is sent; a server that does not offer it is refused.
	StartTLS Security = "starttls"
	// TLS speaks TLS from the first byte (SMTPS, usually port 465).
	TLS Security = "tls"
	// Plain sends in the clear; it is allowed only to a server on
	// loopback, for development and tests.
	Plain Security = "plain"
)

// Config names the SMTP server and the sender.
type Config struct {
	Host     string
	Port     int
	Security Security
	// User and Password authenticate to the server; no User, no AUTH.
	User     string
	Password string
	// From is the sender's address.
	From string
	// RootCAs, when set, replaces the system's trusted roots.
	RootCAs *x509.CertPool
	// Timeout bounds one send, connection included.
	Timeout time.Duration
}

// Client sends notices by e-mail. It implements desk.NoticeChannel.
type Client struct {
	cfg Config
}

var _ desk.NoticeChannel = (*Client)(nil)

// New checks c and returns a client for it. It connects to nothing yet.
func New(c Config) (*Client, error) {
	if c.Host == "" {
		return nil, errors.New("mail: no SMTP host")
	}
	if c.Port <= 0 || c.Port > 65535 {
		return nil, fmt.Errorf("mail: port %d out of range", c.Port)
	}
	switch c.Security {
	case StartTLS, TLS:
	case Plain:
		if !loopback(c.Host) {
			return nil, errors.New("mail: plain SMTP is allowed only to a server on loopback; use starttls or tls")
		}
	default:
		return nil, fmt.Errorf("mail: security %q is not starttls, tls or plain", c.Security)
	}
	if _, err := Address(c.From); err != nil {
		return nil, fmt.Errorf("mail: from: %w", err)
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	return &Client{cfg: c}, nil
}

// ReadPassword reads an SMTP password from a file, without its trailing
// line break.
func ReadPassword(file string) (string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("mail: password file: %w", err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// Name is the channel's key.
func (c *Client) Name() string { return "mail" }

// Address checks that s is one bare e-mail address and returns it.
func (c *Client) Address(s string) (string, error) { return Address(s) }

// Address checks that s is one bare e-mail address and returns it: no
// display name, which would only be one more thing in clear.
func Address(s string) (string, error) {
	s = strings.TrimSpace(s)
	a, err := netmail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || !strings.Contains(s, "@") {
		return "", tropa.UserError(tropa.EINVALID, "ErrNoticeAddress", nil)
	}
	return s, nil
}

// Send sends n to address.
func (c *Client) Send(ctx context.Context, address string, n desk.Notice) error {
	m := gomail.NewMsg()
	if err := m.From(c.cfg.From); err != nil {
		return &Error{class: "address", err: err}
	}
	if err := m.To(address); err != nil {
		return &Error{class: "address", err: err}
	}
	m.Subject(n.Subject)
	m.SetBodyString(gomail.TypeTextPlain, n.Body)
	m.SetDate()
	m.SetMessageID()
	client, err := gomail.NewClient(c.cfg.Host, c.options()...)
	if err != nil {
		return &Error{class: "config", err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, m); err != nil {
		return &Error{class: classify(err), err: err}
	}
	return nil
}

func (c *Client) options() []gomail.Option {
	tc := &tls.Config{ServerName: c.cfg.Host, RootCAs: c.cfg.RootCAs, MinVersion: tls.VersionTLS12}
	// The greeting names no host: the mail server need not learn what
	// this machine calls itself.
	opts := []gomail.Option{gomail.WithPort(c.cfg.Port), gomail.WithTimeout(c.cfg.Timeout), gomail.WithTLSConfig(tc),
		gomail.WithHELO("localhost")}
	switch c.cfg.Security {
	case TLS:
		opts = append(opts, gomail.WithSSL())
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case Plain:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if c.cfg.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(c.cfg.User),
			gomail.WithPassword(c.cfg.Password))
	}
	return opts
}

// Error is a failed send. Its class says what kind of failure it was in a
// word that admins may see; the error itself may quote the server, and is
// only for the log.
type Error struct {
	class string
	err   error
}

func (e *Error) Error() string { return "mail: " + e.class + ": " + e.err.Error() }
func (e *Error) Unwrap() error { return e.err }

// Class is the kind of failure: connect, timeout, tls, auth, rejected,
// address or config.
func (e *Error) Class() string { return e.class }

func classify(err error) string {
	var se *gomail.SendError
	var ne net.Error
	var opErr *net.OpError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.As(err, &certErr) || errors.As(err, &recErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) ||
		strings.Contains(err.Error(), "STARTTLS"):
		return "tls"
	case strings.Contains(err.Error(), "AUTH"):
		return "auth"
	case errors.As(err, &se):
		return "rejected"
	case errors.As(err, &opErr):
		return "connect"
	}
	return "other"
}
