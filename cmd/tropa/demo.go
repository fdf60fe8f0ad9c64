package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/pquerna/otp/totp"

	"tropa"
	"tropa/desk"
)

// demoStaff are the demo's fake staff. Their passwords are printed: they
// protect nothing but fake requests in a temporary directory.
var demoStaff = []struct {
	name string
	role tropa.Role
}{
	{"demo-coordinator", tropa.RoleCoordinator},
	{"demo-caseworker", tropa.RoleCaseworker},
	{"demo-lawyer", tropa.RoleCaseworker},
	{"demo-admin", tropa.RoleAdmin},
	{"demo-analyst", tropa.RoleAnalyst},
}

const demoPassword = "demo-password-not-secret"

// demoRequests are clearly fake requests, one of each kind of situation
// the desk sees most.
var demoRequests = []tropa.Submission{
	{Kind: tropa.KindLeaveUnit, Situation: tropa.SituationHospital, Channel: tropa.ChannelWeb,
		Contact: "[DEMO] @fake_handle_demo",
		Message: "[DEMO — fake request] I am in hospital after a wound. They will send me back to the unit in two weeks. My military ID was taken by the commander. What can I do?"},
	{Kind: tropa.KindLeaveCountry, Situation: tropa.SituationAbsent, Channel: tropa.ChannelWeb,
		Message: "[DEMO — fake request] I left the unit yesterday evening. I have my internal passport but no foreign passport. How do I get out?"},
	{Kind: tropa.KindRelative, Situation: tropa.SituationFront, Channel: tropa.ChannelAPI,
		Contact: "[DEMO] fake-mother@example.invalid",
		Message: "[DEMO — fake request] I am writing for my son, he is at the front and can rarely call. He wants to know his rights."},
	{Kind: tropa.KindSurrender, Situation: tropa.SituationFront, Channel: tropa.ChannelWeb,
		Message: "[DEMO — fake request] I want to surrender safely. How does it work?"},
}

func (e *cmdEnv) demo(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "tropa-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	d, db, err := openDesk(ctx, dir, 0)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := d.Init(ctx); err != nil {
		return err
	}
	secrets, sessions, err := addDemoStaff(ctx, d)
	if err != nil {
		return err
	}
	receipt, err := addDemoRequests(ctx, d, sessions["demo-caseworker"])
	if err != nil {
		return err
	}
	for _, sess := range sessions {
		if err := d.Logout(ctx, sess); err != nil {
			return err
		}
	}
	return e.listenAndServe(ctx, d, *addr, "", "", false, func(url string) {
		fmt.Fprintf(e.stdout, "tropa DEMO with FAKE data in %s (deleted when you stop it with Ctrl-C)\n\n", dir)
		fmt.Fprintf(e.stdout, "  Applicant site: %s\n  Staff site:     %sstaff/\n\n", url, url)
		fmt.Fprintf(e.stdout, "Demo staff, all with the password %q:\n", demoPassword)
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  NAME\tROLE\tTOTP SECRET")
		for _, s := range demoStaff {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.name, s.role, secrets[s.name])
		}
		tw.Flush()
		fmt.Fprintf(e.stdout, "\nThe login code: add the secret to an authenticator app, or run\n  go run ./cmd/tropa totp-code SECRET\n")
		fmt.Fprintf(e.stdout, "\nA demo receipt code, to read a request as its applicant at %scheck:\n  %s\n", url, receipt)
	})
}

// addDemoStaff adds the demo staff and enrols each one's TOTP through the
// same steps a person takes at first login. It returns their TOTP secrets
// and their sessions, which the caller ends.
func addDemoStaff(ctx context.Context, d *desk.Desk) (map[string]string, map[string]*desk.Session, error) {
	secrets := make(map[string]string)
	sessions := make(map[string]*desk.Session)
	for _, s := range demoStaff {
		if _, err := d.AddStaff(ctx, tropa.Staff{Name: s.name, Role: s.role, Intake: s.role.JoinsIntakeByDefault()}, demoPassword); err != nil {
			return nil, nil, err
		}
		sess, err := d.Login(ctx, s.name, demoPassword, "")
		if err != nil {
			return nil, nil, err
		}
		sessions[s.name] = sess
		key, err := d.PendingTOTP(ctx, sess)
		if err != nil {
			return nil, nil, err
		}
		// A code from the previous time step: the current one stays unused
		// for the person trying the demo.
		code, err := totp.GenerateCode(key.Secret(), time.Now().Add(-30*time.Second))
		if err != nil {
			return nil, nil, err
		}
		if err := d.ConfirmTOTP(ctx, sess, code); err != nil {
			return nil, nil, err
		}
		secrets[s.name] = key.Secret()
	}
	return secrets, sessions, nil
}

// addDemoRequests submits the demo requests and answers the first as the
// demo caseworker; it returns that request's receipt.
func addDemoRequests(ctx context.Context, d *desk.Desk, caseworker *desk.Session) (string, error) {
	var first string
	for i, sub := range demoRequests {
		r, err := d.Submit(ctx, sub)
		if err != nil {
			return "", err
		}
		if i == 0 {
			first = r.String()
		}
	}
	t, err := d.ApplicantThread(ctx, first)
	if err != nil {
		return "", err
	}
	err = d.Reply(ctx, caseworker, t.Request.ID, "[DEMO — fake reply] We have read your message. Do not tell anyone in the "+
		"unit that you wrote to us. Can you tell us which documents you still have with you?")
	return first, err
}
