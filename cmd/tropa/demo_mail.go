package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"tropa"
	"tropa/desk"
	"tropa/mail"
)

// demoMailbox is the demo's notice channel: it sends nothing anywhere and
// prints each notice on the console, marked as demo mail, so that someone
// trying tropa sees what staff would receive.
type demoMailbox struct {
	mu sync.Mutex
	w  io.Writer
}

func (m *demoMailbox) Name() string { return "mail" }

func (m *demoMailbox) Address(s string) (string, error) { return mail.Address(s) }

func (m *demoMailbox) Send(ctx context.Context, address string, n desk.Notice) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	body := strings.TrimRight(n.Body, "\n")
	_, err := fmt.Fprintf(m.w, "\n----- DEMO MAIL: printed here, sent nowhere -----\nTo: %s\nSubject: %s\n\n%s\n"+
		"----- end of demo mail -----\n", address, n.Subject, body)
	return err
}

// demoNotices are the demo staff's notice addresses and languages: names
// that do not name them, as docs/security.md advises.
var demoNotices = map[string]struct{ address, lang string }{
	"demo-coordinator": {"desk-7@example.invalid", "en"},
	"demo-caseworker":  {"lime-42@example.invalid", "ru"},
	"demo-volunteer":   {"owl-19@example.invalid", "uk"},
}

// setDemoNotices has the demo staff above choose notices of everything,
// before the demo requests arrive, so that the first notices print when
// the demo starts.
func setDemoNotices(ctx context.Context, d *desk.Desk, sessions map[string]*desk.Session) error {
	for name, n := range demoNotices {
		err := d.SaveMyNotices(ctx, sessions[name], tropa.NoticePrefs{Channel: "mail", Address: n.address,
			Events: tropa.NoticeEvents, Digest: desk.DefaultNoticeDigest, Lead: desk.DefaultNoticeLead, Lang: n.lang})
		if err != nil {
			return err
		}
	}
	return nil
}
