// Package smtptest is a small SMTP server for tests: it listens on
// loopback only, speaks as much SMTP as a mail client needs (EHLO,
// STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA), and records every message it
// accepts. It can be told to refuse mail, to test a failing server.
package smtptest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one message the server accepted.
type Message struct {
	From string
	To   []string
	// Data is the message as sent, headers and body.
	Data string
	// User is who authenticated, "" for no one.
	User string
}

// Text is the message as a person reads it: every header with its encoded
// words decoded, then the body with its transfer encoding undone, so that
// a test can look for words in it whatever the encoding.
func (m Message) Text() (string, error) {
	msg, err := netmail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	dec := new(mime.WordDecoder)
	for name, values := range msg.Header {
		for _, v := range values {
			d, err := dec.DecodeHeader(v)
			if err != nil {
				return "", err
			}
			b.WriteString(name + ": " + d + "\n")
		}
	}
	body := msg.Body
	switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		return "", err
	}
	b.Write(text)
	return b.String(), nil
}

// Mode is how a client reaches the server.
type Mode int

const (
	// Plain offers no TLS at all.
	Plain Mode = iota
	// StartTLS offers STARTTLS and refuses mail before it.
	StartTLS
	// ImplicitTLS speaks TLS from the first byte.
	ImplicitTLS
)

// Server is a running test server.
type Server struct {
	Addr string
	// Roots trusts the server's certificate.
	Roots *x509.CertPool
	// User and Password, when User is set, are the only credentials
	// accepted, and mail is refused without them.
	User, Password string

	ln   net.Listener
	mode Mode
	tls  *tls.Config

	mu       sync.Mutex
	messages []Message
	failing  bool
	tries    int
	wg       sync.WaitGroup
}

// Start starts a server on loopback that stops when the test ends.
func Start(tb testing.TB, mode Mode) *Server {
	tb.Helper()
	cert, roots := selfSigned(tb)
	s := &Server{mode: mode, Roots: roots, tls: &tls.Config{Certificates: []tls.Certificate{cert}}}
	var err error
	if mode == ImplicitTLS {
		s.ln, err = tls.Listen("tcp", "127.0.0.1:0", s.tls)
	} else {
		s.ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		tb.Fatalf("smtptest: listen: %v", err)
	}
	s.Addr = s.ln.Addr().String()
	s.wg.Go(s.serve)
	tb.Cleanup(func() {
		s.ln.Close()
		s.wg.Wait()
	})
	return s
}

// Port is the port the server listens on.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Messages returns what the server has accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// SetFailing makes the server refuse every message with a temporary error
// until it is set back.
func (s *Server) SetFailing(failing bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing = failing
}

// Tries counts the messages clients tried to send, accepted or not.
func (s *Server) Tries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tries
}

func (s *Server) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Go(func() { s.session(c) })
	}
}

// session speaks SMTP with one client.
func (s *Server) session(c net.Conn) {
	defer func() { c.Close() }()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	reply := func(line string) {
		w.WriteString(line + "\r\n")
		w.Flush()
	}
	reply("220 smtptest ready")
	secure := s.mode == ImplicitTLS
	var user string
	var cur *Message
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			exts := []string{"250-smtptest", "250-8BITMIME"}
			if s.mode == StartTLS && !secure {
				exts = append(exts, "250-STARTTLS")
			}
			if s.User != "" {
				exts = append(exts, "250-AUTH PLAIN")
			}
			reply(strings.Join(exts, "\r\n") + "\r\n250 SIZE 1000000")
		case "STARTTLS":
			if s.mode != StartTLS || secure {
				reply("502 no")
				continue
			}
			reply("220 go ahead")
			tc := tls.Server(c, s.tls)
			if tc.Handshake() != nil {
				return
			}
			c, secure = tc, true
			r, w = bufio.NewReader(c), bufio.NewWriter(c)
		case "AUTH":
			user = s.auth(arg)
			if user == "" {
				reply("535 authentication failed")
				continue
			}
			reply("235 ok")
		case "MAIL":
			s.mu.Lock()
			s.tries++
			failing := s.failing
			s.mu.Unlock()
			switch {
			case s.mode == StartTLS && !secure:
				reply("530 must issue STARTTLS first")
			case s.User != "" && user == "":
				reply("530 authentication required")
			case failing:
				reply("451 try again later")
			default:
				cur = &Message{From: addrOf(arg), User: user}
				reply("250 ok")
			}
		case "RCPT":
			if cur == nil {
				reply("503 need MAIL first")
				continue
			}
			cur.To = append(cur.To, addrOf(arg))
			reply("250 ok")
		case "DATA":
			if cur == nil || len(cur.To) == 0 {
				reply("503 need RCPT first")
				continue
			}
			reply("354 end with .")
			data, err := readData(r)
			if err != nil {
				return
			}
			cur.Data = data
			s.mu.Lock()
			s.messages = append(s.messages, *cur)
			s.mu.Unlock()
			cur = nil
			reply("250 queued")
		case "RSET":
			cur = nil
			reply("250 ok")
		case "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("500 unknown command")
		}
	}
}

// auth checks an AUTH PLAIN given on one line, returning the user it
// proves, or "".
func (s *Server) auth(arg string) string {
	mech, resp, _ := strings.Cut(arg, " ")
	if !strings.EqualFold(mech, "PLAIN") || s.User == "" {
		return ""
	}
	b, err := base64.StdEncoding.DecodeString(resp)
	if err != nil {
		return ""
	}
	parts := strings.Split(string(b), "\x00")
	if len(parts) != 3 || parts[1] != s.User || parts[2] != s.Password {
		return ""
	}
	return parts[1]
}

// addrOf takes the address out of "FROM:<a@b>" or "TO:<a@b> ...".
func addrOf(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}

// readData reads a message up to its lone dot, undoing dot-stuffing.
func readData(r *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		if line == ".\r\n" || line == ".\n" {
			return b.String(), nil
		}
		b.WriteString(strings.TrimPrefix(line, "."))
	}
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(tb testing.TB) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "smtptest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, roots
}
