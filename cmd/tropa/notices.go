package main

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strings"

	"tropa/desk"
	"tropa/locale"
	"tropa/mail"
)

// noticeFlags configure how serve notifies staff: the SMTP server that
// carries mail, and the staff site's address that notices link to.
type noticeFlags struct {
	host, security, user, passwordFile, from, staffURL *string
	port                                               *int
}

func addNoticeFlags(fs *flag.FlagSet) noticeFlags {
	return noticeFlags{
		host: fs.String("smtp-host", "", "SMTP server that sends staff notifications (none: no notifications are sent)"),
		port: fs.Int("smtp-port", 587, "SMTP server port (587 for starttls, 465 for tls)"),
		security: fs.String("smtp-security", string(mail.StartTLS), "how the SMTP connection is protected: "+
			"starttls, tls, or plain (only to a server on loopback)"),
		user:         fs.String("smtp-user", "", "SMTP login (none: no AUTH)"),
		passwordFile: fs.String("smtp-password-file", "", "file holding the SMTP password"),
		from:         fs.String("smtp-from", "", "sender address of notifications, such as tropa@example.org"),
		staffURL: fs.String("staff-url", "", "the staff site's address as staff reach it, such as "+
			"https://staff.example.org/: the link in notifications"),
	}
}

// apply sets cfg's notices from the flags: the words and the link of every
// channel's notices and, with --smtp-host, the mail channel.
func (f noticeFlags) apply(cfg *desk.Config) error {
	staffURL, err := parseStaffURL(*f.staffURL)
	if err != nil {
		return err
	}
	text, err := locale.NoticeText()
	if err != nil {
		return err
	}
	cfg.NoticeText, cfg.StaffURL = text, staffURL
	if *f.host == "" {
		return nil
	}
	if *f.from == "" {
		return errors.New("--smtp-from is required with --smtp-host")
	}
	var password string
	if *f.passwordFile != "" {
		if password, err = mail.ReadPassword(*f.passwordFile); err != nil {
			return err
		}
	}
	mc, err := mail.New(mail.Config{Host: *f.host, Port: *f.port, Security: mail.Security(*f.security), User: *f.user,
		Password: password, From: *f.from})
	if err != nil {
		return err
	}
	cfg.NoticeChannels = []desk.NoticeChannel{mc}
	return nil
}

// parseStaffURL checks the staff site's address and makes it end in "/".
func parseStaffURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("--staff-url: %q is not an http(s) address such as https://staff.example.org/", s)
	}
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s, nil
}
