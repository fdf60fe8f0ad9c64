package mail_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"tropa/desk"
	"tropa/internal/smtptest"
	"tropa/mail"
)

var notice = desk.Notice{Subject: "Something needs you in tropa", Body: "Waiting: 2.\nhttps://staff.example.org/staff/inbox\n"}

// TestSend sends a notice over each kind of connection to a local server
// and reads what arrived.
func TestSend(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		mode     smtptest.Mode
		security mail.Security
		user     string
	}{
		{"plain on loopback", smtptest.Plain, mail.Plain, ""},
		{"starttls with a password", smtptest.StartTLS, mail.StartTLS, "tropa"},
		{"implicit tls", smtptest.ImplicitTLS, mail.TLS, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.Start(t, tc.mode)
			srv.User, srv.Password = tc.user, "s3cret pass"
			c, err := mail.New(mail.Config{Host: "127.0.0.1", Port: srv.Port(), Security: tc.security, User: tc.user,
				Password: "s3cret pass", From: "tropa@example.org", RootCAs: srv.Roots})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if err := c.Send(context.Background(), "w7@example.org", notice); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := srv.Messages()
			if len(got) != 1 {
				t.Fatalf("%d messages arrived, want 1", len(got))
			}
			m := got[0]
			if m.From != "tropa@example.org" || len(m.To) != 1 || m.To[0] != "w7@example.org" || m.User != tc.user {
				t.Errorf("message from %q to %v by %q", m.From, m.To, m.User)
			}
			if !strings.Contains(m.Data, "Subject: Something needs you in tropa") ||
				!strings.Contains(m.Data, "https://staff.example.org/staff/inbox") {
				t.Errorf("message lacks the notice:\n%s", m.Data)
			}
		})
	}
}

// TestSendFails names the kind of each failure, for admins to see.
func TestSendFails(t *testing.T) {
	t.Parallel()
	refusing := smtptest.Start(t, smtptest.Plain)
	refusing.SetFailing(true)
	noTLS := smtptest.Start(t, smtptest.Plain)
	withPassword := smtptest.Start(t, smtptest.StartTLS)
	withPassword.User, withPassword.Password = "tropa", "right"
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	for _, tc := range []struct {
		name, class string
		cfg         mail.Config
	}{
		{"refused", "rejected", mail.Config{Port: refusing.Port(), Security: mail.Plain}},
		{"no starttls", "tls", mail.Config{Port: noTLS.Port(), Security: mail.StartTLS}},
		{"untrusted certificate", "tls", mail.Config{Port: withPassword.Port(), Security: mail.StartTLS}},
		{"wrong password", "auth", mail.Config{Port: withPassword.Port(), Security: mail.StartTLS, User: "tropa",
			Password: "wrong", RootCAs: withPassword.Roots}},
		{"nobody listening", "connect", mail.Config{Port: closedPort, Security: mail.Plain}},
	} {
		cfg := tc.cfg
		cfg.Host, cfg.From = "127.0.0.1", "tropa@example.org"
		c, err := mail.New(cfg)
		if err != nil {
			t.Fatalf("%s: New: %v", tc.name, err)
		}
		err = c.Send(context.Background(), "w7@example.org", notice)
		var me *mail.Error
		if !errors.As(err, &me) || me.Class() != tc.class {
			t.Errorf("%s: Send = %v, want class %q", tc.name, err, tc.class)
		}
	}
}

// TestNewRefuses refuses plain SMTP off loopback and a sender that is not
// one bare address.
func TestNewRefuses(t *testing.T) {
	t.Parallel()
	for _, cfg := range []mail.Config{
		{Host: "mail.example.org", Port: 25, Security: mail.Plain, From: "tropa@example.org"},
		{Host: "mail.example.org", Port: 587, Security: "maybe", From: "tropa@example.org"},
		{Host: "mail.example.org", Port: 0, Security: mail.TLS, From: "tropa@example.org"},
		{Host: "mail.example.org", Port: 465, Security: mail.TLS, From: "Tropa <tropa@example.org>"},
		{Host: "", Port: 465, Security: mail.TLS, From: "tropa@example.org"},
	} {
		if _, err := mail.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
	for _, bad := range []string{"", "olena", "Olena Petrenko <w7@example.org>", "a@b, c@d", "w7@example.org\r\nBcc: x@y"} {
		if _, err := mail.Address(bad); err == nil {
			t.Errorf("Address(%q) accepted", bad)
		}
	}
}
