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
	"tropa/locale"
)

// demoStaff are the demo's fake staff. Their passwords are printed: they
// protect nothing but fake requests in a temporary directory.
var demoStaff = []struct {
	name   string
	role   tropa.Role
	intake bool
}{
	{"demo-coordinator", tropa.RoleCoordinator, true},
	{"demo-caseworker", tropa.RoleCaseworker, true},
	{"demo-volunteer", tropa.RoleCaseworker, true},
	// The lawyer takes only the cases referred to her.
	{"demo-lawyer", tropa.RoleCaseworker, false},
	{"demo-operator", tropa.RoleOperator, false},
	{"demo-admin", tropa.RoleAdmin, false},
	{"demo-analyst", tropa.RoleAnalyst, false},
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
	text, err := locale.NoticeText()
	if err != nil {
		return err
	}
	api, bot, err := startDemoBot(ctx, e.logger())
	if err != nil {
		return err
	}
	defer api.Close()
	d, db, err := openDesk(ctx, database{dir: &dir, url: new(string)}, 0, desk.Config{
		NoticeChannels: []desk.NoticeChannel{&demoMailbox{w: e.stdout}, bot.notices}, NoticeText: text, StaffURL: "http://" + *addr + "/",
		Chats: bot.replies})
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
	if err := setDemoNotices(ctx, d, sessions); err != nil {
		return err
	}
	receipt, err := addDemoRequests(ctx, d, sessions)
	if err != nil {
		return err
	}
	fingerprint, err := publishDemoChannels(ctx, d, time.Now().UTC())
	if err != nil {
		return err
	}
	for _, sess := range sessions {
		if err := d.Logout(ctx, sess); err != nil {
			return err
		}
	}
	if err := bot.attach(ctx, d, e.logger(), time.Now); err != nil {
		return err
	}
	return e.listenAndServe(ctx, d, listen{addr: *addr, telegram: bot, demoChat: demoChat{api}}, func(url, _ string) {
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
		fmt.Fprintf(e.stdout, "\nThe organization's signed list of official channels (fake, signed with a key made for\n"+
			"this demo): %schannels; its key's fingerprint: %s\n", url, fingerprint)
		fmt.Fprintf(e.stdout, "\nThe organization's Telegram bot, SIMULATED on this machine (nothing goes to Telegram):\n"+
			"  %sdemo/telegram\n", url)
		fmt.Fprintf(e.stdout, "\nStaff notifications are printed below as DEMO MAIL, never sent; each person chooses\n"+
			"theirs at %sstaff/account/notices.\n", url)
	})
}

// addDemoStaff adds the demo staff and enrols each one's TOTP through the
// same steps a person takes at first login. It returns their TOTP secrets
// and their sessions, which the caller ends.
func addDemoStaff(ctx context.Context, d *desk.Desk) (map[string]string, map[string]*desk.Session, error) {
	secrets := make(map[string]string)
	sessions := make(map[string]*desk.Session)
	for _, s := range demoStaff {
		added, err := d.AddStaff(ctx, tropa.Staff{Name: s.name, Role: s.role, Intake: s.intake}, demoPassword)
		if err != nil {
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
		if err := d.ConfirmTOTP(ctx, sess, added.EnrolCode, code); err != nil {
			return nil, nil, err
		}
		secrets[s.name] = key.Secret()
	}
	return secrets, sessions, nil
}

// addDemoRequests submits the demo requests and works on them as a week
// of casework would have: triage, an owner, a running clock, documents, a
// call taken on the hotline with a meeting, and spam. It returns the first
// request's receipt.
func addDemoRequests(ctx context.Context, d *desk.Desk, staff map[string]*desk.Session) (string, error) {
	coordinator, caseworker, volunteer, operator := staff["demo-coordinator"], staff["demo-caseworker"],
		staff["demo-volunteer"], staff["demo-operator"]
	var receipts []string
	var ids []string
	for _, sub := range demoRequests {
		r, err := d.Submit(ctx, sub)
		if err != nil {
			return "", err
		}
		t, err := d.ApplicantThread(ctx, r.String())
		if err != nil {
			return "", err
		}
		receipts, ids = append(receipts, r.String()), append(ids, t.Request.ID)
	}
	now := time.Now()
	hospital, absent := ids[0], ids[1]
	steps := []func() error{
		func() error {
			return d.Reply(ctx, caseworker, hospital, "[DEMO — fake reply] We have read your message. Do not tell anyone in the "+
				"unit that you wrote to us. Can you tell us which documents you still have with you?")
		},
		func() error {
			return d.Triage(ctx, caseworker, hospital, desk.Triage{Version: 1, Disposition: tropa.DispositionCase})
		},
		func() error { return d.Assign(ctx, coordinator, hospital, caseworker.Staff.ID) },
		func() error {
			return d.SaveDetails(ctx, caseworker, hospital, 3, tropa.CaseDetails{Documents: map[string]tropa.DocumentStatus{
				tropa.DocumentMilitaryID: tropa.DocumentConfiscated, tropa.DocumentInternalPassport: tropa.DocumentHeld},
				Destination: "[DEMO] a fake country"})
		},
		func() error {
			return d.Triage(ctx, volunteer, absent, desk.Triage{Version: 1, Disposition: tropa.DispositionCase, Urgency: tropa.UrgencyHigh})
		},
		func() error { return d.Assign(ctx, coordinator, absent, volunteer.Staff.ID) },
		func() error { return d.RecordLeftUnit(ctx, volunteer, absent, now.Add(-30*time.Hour)) },
		func() error {
			return d.AddDeadline(ctx, volunteer, absent, tropa.DeadlineTask, now.Add(5*time.Hour), "[DEMO] call back about the route")
		},
		func() error {
			return d.AddNote(ctx, volunteer, absent, "[DEMO — fake note] Sounds calm; has money for a ticket.")
		},
		// Times read on Kyiv's clocks, and the operator's on Moscow's.
		func() error { return d.SetOrganizationZone(ctx, staff["demo-admin"], "Europe/Kyiv") },
		func() error { return d.SetOwnZone(ctx, operator, "Europe/Moscow") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return "", err
		}
	}
	if err := addDemoShelter(ctx, d, coordinator, caseworker, hospital, now); err != nil {
		return "", err
	}
	callReceipt, called, err := d.TakeCall(ctx, operator, tropa.NewCall{Caller: tropa.CallerRelative,
		Submission: tropa.Submission{Kind: tropa.KindSurrender, Situation: tropa.SituationFront,
			Message: "[DEMO — fake call] His mother calls: he wants to surrender; he can talk only at night."}})
	if err != nil {
		return "", err
	}
	if _, err := d.AddCall(ctx, operator, tropa.ReturningCall{Receipt: callReceipt.String(), Caller: tropa.CallerRelative,
		Said: "[DEMO — fake call] His mother again: he has moved; the night call stands."}); err != nil {
		return "", err
	}
	if err := demoMeeting(ctx, d, operator, called, now); err != nil {
		return "", err
	}
	if err := addDemoAsylum(ctx, d, caseworker, now); err != nil {
		return "", err
	}
	if err := addDemoSeries(ctx, d, now); err != nil {
		return "", err
	}
	spam, err := d.Submit(ctx, tropa.Submission{Kind: tropa.KindOther, Situation: tropa.SituationFront, Channel: tropa.ChannelWeb,
		Message: "[DEMO — fake spam] Buy cheap followers!"})
	if err != nil {
		return "", err
	}
	t, err := d.ApplicantThread(ctx, spam.String())
	if err != nil {
		return "", err
	}
	err = d.Triage(ctx, caseworker, t.Request.ID, desk.Triage{Version: 1, Disposition: tropa.DispositionSpam, Reason: "[DEMO] advertising"})
	return receipts[0], err
}

// addDemoShelter adds a volunteer's flat with three beds, gives the
// caseworker its key, and books him a stay there from tomorrow for a week.
func addDemoShelter(ctx context.Context, d *desk.Desk, coordinator, caseworker *desk.Session, requestID string, now time.Time) error {
	sh, err := d.AddShelter(ctx, coordinator, desk.ShelterInput{
		Name:    "[DEMO] Квартира Марты / Квартира Марти / Marta's flat",
		Address: "[DEMO] вымышленный адрес / вигадана адреса / a fake address",
		Contact: "[DEMO] Марта, звонить после 18:00 / Марта, телефонувати після 18:00 / Marta, call after 6 pm", Beds: 3})
	if err != nil {
		return err
	}
	if err := d.GrantShelter(ctx, coordinator, sh.ID, caseworker.Staff.ID); err != nil {
		return err
	}
	return d.BookStay(ctx, caseworker, requestID, desk.StayInput{ShelterID: sh.ID, First: now.AddDate(0, 0, 1),
		End: now.AddDate(0, 0, 8), Beds: 1})
}

// demoMeeting arranges and confirms a surrender meeting for the called-in
// case tomorrow from 10:00 to 11:00 on the operator's clocks (Moscow's).
func demoMeeting(ctx context.Context, d *desk.Desk, operator *desk.Session, requestID string, now time.Time) error {
	loc, err := d.StaffLocation(ctx, operator.Staff.ID)
	if err != nil {
		return err
	}
	y, m, day := now.In(loc).Date()
	start := time.Date(y, m, day+1, 10, 0, 0, 0, loc)
	id, err := d.ArrangeMeeting(ctx, operator, requestID, desk.MeetingInput{
		Window: tropa.Window{Start: start, End: start.Add(time.Hour), Zone: loc.String()},
		Place:  "[DEMO] вымышленная точка: заброшенная водокачка у дороги",
		Sign:   "[DEMO] белая повязка на левой руке",
		Phrase: "[DEMO] «Тихий Дон» — «течёт на юг»"})
	if err != nil {
		return err
	}
	return d.MoveMeeting(ctx, operator, requestID, id, tropa.MeetingConfirmed, "")
}
