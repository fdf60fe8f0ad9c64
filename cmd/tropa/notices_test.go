package main

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"tropa/desk"
	"tropa/internal/smtptest"
)

// TestNoticeFlags sets up mail from serve's flags, the password read from
// the file TROPA_SMTP_PASSWORD_FILE names, and sends through it.
func TestNoticeFlags(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.StartTLS)
	srv.User, srv.Password = "tropa", "from the file"
	file := filepath.Join(t.TempDir(), "smtp-password")
	if err := os.WriteFile(file, []byte("from the file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TROPA_SMTP_PASSWORD_FILE": file}
	e := &cmdEnv{getenv: func(k string) string { return env[k] }, stderr: io.Discard}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	nf := addNoticeFlags(fs)
	if err := e.parseFlags(fs, []string{"--smtp-host", "127.0.0.1", "--smtp-port", strconv.Itoa(srv.Port()),
		"--smtp-user", "tropa", "--smtp-from", "tropa@example.org", "--staff-url", "https://staff.example.org"}); err != nil {
		t.Fatal(err)
	}
	var cfg desk.Config
	if err := nf.apply(&cfg); err != nil {
		t.Fatalf("apply: %v", err)
	}
	if cfg.StaffURL != "https://staff.example.org/" || len(cfg.NoticeChannels) != 1 {
		t.Fatalf("config = %q, %d channels", cfg.StaffURL, len(cfg.NoticeChannels))
	}
	// The server's certificate is not one the system trusts: the send is
	// refused as a TLS failure, after STARTTLS, before any password.
	err := cfg.NoticeChannels[0].Send(context.Background(), "w7@example.org", cfg.NoticeText("ru", 2, cfg.StaffURL))
	if err == nil || !strings.Contains(err.Error(), "tls") {
		t.Errorf("Send to an untrusted server = %v, want a TLS failure", err)
	}
}

// TestNoticeFlagsRefused refuses settings that would send in the clear,
// from nowhere, or link to nowhere.
func TestNoticeFlagsRefused(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--smtp-host", "mail.example.org", "--smtp-security", "plain", "--smtp-from", "tropa@example.org"},
		{"--smtp-host", "mail.example.org"},
		{"--smtp-host", "mail.example.org", "--smtp-from", "tropa@example.org", "--smtp-password-file", "/nonexistent/x"},
		{"--staff-url", "staff.example.org"},
		{"--staff-url", "ftp://staff.example.org/"},
	} {
		e := &cmdEnv{getenv: func(string) string { return "" }, stderr: io.Discard}
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		nf := addNoticeFlags(fs)
		if err := e.parseFlags(fs, args); err != nil {
			t.Fatal(err)
		}
		if err := nf.apply(&desk.Config{}); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
