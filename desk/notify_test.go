package desk_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/internal/smtptest"
	"tropa/mail"
	"tropa/seal"
)

// notifier is a desk on f's store that sends notices by mail to srv, as a
// node of the same organization would.
func notifier(t testing.TB, f *fixture, srv *smtptest.Server) *desk.Desk {
	t.Helper()
	mc, err := mail.New(mail.Config{Host: "127.0.0.1", Port: srv.Port(), Security: mail.Plain, From: "tropa@example.org"})
	if err != nil {
		t.Fatalf("mail.New: %v", err)
	}
	return desk.New(desk.Config{Store: f.store, KDF: seal.NewKDF(2), ReceiptParams: seal.TestParams,
		PasswordParams: seal.TestParams, Now: f.clock.Now, NoticeChannels: []desk.NoticeChannel{mc},
		StaffURL: "https://staff.example.org/"})
}

// wantNotices asks for notices now, then checks that exactly n more
// arrived since seen, each for to, and returns the new count.
func wantNotices(t *testing.T, d *desk.Desk, srv *smtptest.Server, seen, n int, to string) int {
	t.Helper()
	if err := d.NotifyOnce(context.Background()); err != nil {
		t.Fatalf("NotifyOnce: %v", err)
	}
	got := srv.Messages()
	if len(got)-seen != n {
		t.Fatalf("%d notices arrived, want %d", len(got)-seen, n)
	}
	for _, m := range got[seen:] {
		if len(m.To) != 1 || m.To[0] != to {
			t.Errorf("a notice went to %v, want %s", m.To, to)
		}
	}
	return len(got)
}

func prefs(addr string, events ...tropa.NoticeEvent) tropa.NoticePrefs {
	return tropa.NoticePrefs{Channel: "mail", Address: addr, Events: events, Digest: 4 * time.Hour, Lead: 12 * time.Hour,
		Lang: "en"}
}

func saveNotices(t testing.TB, d *desk.Desk, s *desk.Session, p tropa.NoticePrefs) {
	t.Helper()
	if err := d.SaveMyNotices(context.Background(), s, p); err != nil {
		t.Fatalf("SaveMyNotices(%s): %v", s.Staff.Name, err)
	}
}

// TestNoticeTriggers walks each thing that needs a caseworker or a
// coordinator through the notices it sends, with the clock moved by hand.
func TestNoticeTriggers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	srv := smtptest.Start(t, smtptest.Plain)
	nd := notifier(t, f, srv)
	olena := f.caseworker(t, "olena")
	f.addStaff(t, "marta", tropa.RoleCoordinator, true)
	marta := f.enroll(t, "marta")
	f.addStaff(t, "yurii", tropa.RoleCaseworker, false)
	yurii := f.enroll(t, "yurii")
	all := tropa.NoticeEvents
	saveNotices(t, nd, olena, prefs("w7@example.org", all...))
	seen := wantNotices(t, nd, srv, 0, 0, "")

	// An urgent request is told of at once.
	urgent := submission("signal: +7 900 111 22 33", "Ушёл из части вчера")
	urgent.Situation = tropa.SituationAbsent
	_, urgentID := f.submit(t, urgent)
	seen = wantNotices(t, nd, srv, seen, 1, "w7@example.org")
	seen = wantNotices(t, nd, srv, seen, 0, "")

	// Others wait for the digest, which comes Digest after the last notice.
	_, calmID := f.submit(t, submission("telegram: @calm_one", "Хочу уехать"))
	seen = wantNotices(t, nd, srv, seen, 0, "")
	f.clock.Advance(5 * time.Hour)
	seen = wantNotices(t, nd, srv, seen, 1, "w7@example.org")

	// An applicant's message in a case she holds: at once.
	receipt, replyID := f.submit(t, submission("phone: 8 800", "первое"))
	f.clock.Advance(5 * time.Hour)
	seen = wantNotices(t, nd, srv, seen, 1, "w7@example.org")
	if err := f.desk.ApplicantReply(ctx, receipt.String(), "Я снова пишу"); err != nil {
		t.Fatalf("ApplicantReply: %v", err)
	}
	seen = wantNotices(t, nd, srv, seen, 1, "w7@example.org")

	// A due time within her lead time: once, when it comes within it.
	if err := f.desk.AddDeadline(ctx, olena, replyID, tropa.DeadlineTask, f.clock.Now().Add(20*time.Hour), "паспорт"); err != nil {
		t.Fatalf("AddDeadline: %v", err)
	}
	seen = wantNotices(t, nd, srv, seen, 0, "")
	f.clock.Advance(9 * time.Hour)
	seen = wantNotices(t, nd, srv, seen, 1, "w7@example.org")
	seen = wantNotices(t, nd, srv, seen, 0, "")

	// The coordinator, who holds nothing, is told of a triaged case that
	// nobody owns.
	saveNotices(t, nd, marta, prefs("c1@example.org", all...))
	if err := f.desk.Triage(ctx, olena, urgentID, desk.Triage{Version: 1, Disposition: tropa.DispositionCase,
		Urgency: tropa.UrgencyHigh}); err != nil {
		t.Fatalf("Triage: %v", err)
	}
	seen = wantNotices(t, nd, srv, seen, 1, "c1@example.org")

	// A case assigned to Yurii, then referred to him: each at once.
	saveNotices(t, nd, yurii, prefs("y3@example.org", tropa.NoticeAssigned))
	if err := f.desk.Assign(ctx, marta, urgentID, yurii.Staff.ID); err != nil {
		t.Fatalf("Assign: %v", err)
	}
	seen = wantNotices(t, nd, srv, seen, 1, "y3@example.org")
	if err := f.desk.Triage(ctx, olena, calmID, desk.Triage{Version: 1, Disposition: tropa.DispositionCase}); err != nil {
		t.Fatalf("Triage: %v", err)
	}
	// Marta learns that the calm case has no owner either.
	seen = wantNotices(t, nd, srv, seen, 1, "c1@example.org")
	if err := f.desk.Refer(ctx, marta, calmID, yurii.Staff.ID); err != nil {
		t.Fatalf("Refer: %v", err)
	}
	seen = wantNotices(t, nd, srv, seen, 1, "y3@example.org")

	// Yurii is deactivated: the case he owned has no owner, and the
	// coordinator is told.
	if _, err := f.desk.Deactivate(ctx, marta, yurii.Staff.ID); err != nil {
		t.Fatalf("Deactivate: %v", err)
	}
	seen = wantNotices(t, nd, srv, seen, 1, "c1@example.org")
	seen = wantNotices(t, nd, srv, seen, 0, "")

	// Given to Olena, then left without an owner again: told again.
	if err := f.desk.Assign(ctx, marta, urgentID, olena.Staff.ID); err != nil {
		t.Fatalf("Assign: %v", err)
	}
	seen = wantNotices(t, nd, srv, seen, 1, "w7@example.org")
	if _, err := f.desk.Deactivate(ctx, marta, olena.Staff.ID); err != nil {
		t.Fatalf("Deactivate: %v", err)
	}
	seen = wantNotices(t, nd, srv, seen, 1, "c1@example.org")
	wantNotices(t, nd, srv, seen, 0, "")

	// Nothing in any notice names or describes a case.
	refs := caseRefs(t, f, marta)
	for _, m := range srv.Messages() {
		text, err := m.Text()
		if err != nil {
			t.Fatalf("a notice does not read: %v", err)
		}
		for _, marker := range []string{"+7 900 111 22 33", "calm_one", "8 800", "Ушёл", "Хочу", "первое", "снова",
			"паспорт", string(tropa.KindLeaveUnit), string(tropa.SituationAbsent), "olena", "yurii", "marta",
			urgentID, calmID, replyID} {
			if strings.Contains(text, marker) {
				t.Errorf("a notice carries %q:\n%s", marker, text)
			}
		}
		for _, ref := range refs {
			if strings.Contains(text, ref) {
				t.Errorf("a notice carries the case reference %q", ref)
			}
		}
		if !strings.Contains(text, "https://staff.example.org/staff/inbox") {
			t.Errorf("a notice has no link to the staff site:\n%s", text)
		}
	}
}

func caseRefs(t *testing.T, f *fixture, s *desk.Session) []string {
	t.Helper()
	list, err := f.desk.Queue(context.Background(), s, tropa.QueueFilter{})
	if err != nil {
		t.Fatalf("Queue: %v", err)
	}
	var refs []string
	for _, r := range list {
		refs = append(refs, r.Ref)
	}
	if len(refs) == 0 {
		t.Fatal("no case references to look for")
	}
	return refs
}

// TestNoticeQuietHours holds a notice through the person's quiet hours and
// sends it after.
func TestNoticeQuietHours(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := smtptest.Start(t, smtptest.Plain)
	nd := notifier(t, f, srv)
	olena := f.caseworker(t, "olena")
	p := prefs("w7@example.org", tropa.NoticeNew)
	p.QuietStart, p.QuietEnd = 22*60, 7*60
	saveNotices(t, nd, olena, p)
	// The fixture's clock is at 10:00 UTC; 13 hours on is 23:00.
	f.clock.Advance(13 * time.Hour)
	urgent := submission("signal: +7 900 111 22 33", "Ушёл из части")
	urgent.Situation = tropa.SituationAbsent
	f.submit(t, urgent)
	seen := wantNotices(t, nd, srv, 0, 0, "")
	f.clock.Advance(7 * time.Hour)
	seen = wantNotices(t, nd, srv, seen, 0, "")
	f.clock.Advance(time.Hour)
	wantNotices(t, nd, srv, seen, 1, "w7@example.org")
}

// TestNoticeRetry sends to a server that refuses mail: the notice is
// retried with a growing wait, admins see the failure without its text,
// casework goes on, and once the server is back the notice goes.
func TestNoticeRetry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	srv := smtptest.Start(t, smtptest.Plain)
	nd := notifier(t, f, srv)
	f.addStaff(t, "adam", tropa.RoleAdmin, false)
	adam := f.enroll(t, "adam")
	olena := f.caseworker(t, "olena")
	saveNotices(t, nd, olena, prefs("w7@example.org", tropa.NoticeNew))
	srv.SetFailing(true)
	urgent := submission("signal: +7 900 111 22 33", "Ушёл из части")
	urgent.Situation = tropa.SituationAbsent
	f.submit(t, urgent)

	// The first try fails; the next come 1, 2, 4 minutes after the one
	// before, and a look in between tries nothing.
	wantNotices(t, nd, srv, 0, 0, "")
	for i, w := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		f.clock.Advance(w - time.Second)
		wantNotices(t, nd, srv, 0, 0, "")
		if got := srv.Tries(); got != i+1 {
			t.Fatalf("%d tries a second before try %d, want %d", got, i+2, i+1)
		}
		f.clock.Advance(time.Second)
		wantNotices(t, nd, srv, 0, 0, "")
		if got := srv.Tries(); got != i+2 {
			t.Fatalf("%d tries, want %d", got, i+2)
		}
	}
	h, err := nd.NoticeHealth(ctx, adam)
	if err != nil {
		t.Fatalf("NoticeHealth: %v", err)
	}
	if h.Failing != 1 || h.LastError != "rejected" || h.FailingSince.IsZero() || !h.People[olena.Staff.ID].Failing {
		t.Errorf("health = %+v, want one failing with class rejected", h)
	}
	// Casework goes on while mail fails.
	f.submit(t, submission("telegram: @another", "ещё"))

	// Another node, started afresh, picks the notice up once mail is back.
	srv.SetFailing(false)
	f.clock.Advance(8 * time.Minute)
	wantNotices(t, notifier(t, f, srv), srv, 0, 1, "w7@example.org")
	if h, err := nd.NoticeHealth(ctx, adam); err != nil || h.Failing != 0 {
		t.Errorf("health after recovery = %+v, %v; want nothing failing", h, err)
	}
}

// TestNoticeOnceAcrossNodes runs two desks on one database at once: each
// notice is sent once.
func TestNoticeOnceAcrossNodes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := smtptest.Start(t, smtptest.Plain)
	a, b := notifier(t, f, srv), notifier(t, f, srv)
	olena := f.caseworker(t, "olena")
	saveNotices(t, a, olena, prefs("w7@example.org", tropa.NoticeNew))
	for round := range 3 {
		urgent := submission("signal: +7 900 111 22 33", "Ушёл из части")
		urgent.Situation = tropa.SituationAbsent
		f.submit(t, urgent)
		var wg sync.WaitGroup
		for _, d := range []*desk.Desk{a, b, a, b} {
			wg.Go(func() {
				if err := d.NotifyOnce(context.Background()); err != nil {
					t.Errorf("NotifyOnce: %v", err)
				}
			})
		}
		wg.Wait()
		if got := len(srv.Messages()); got != round+1 {
			t.Fatalf("after round %d, %d notices were sent, want %d", round+1, got, round+1)
		}
	}
}

// TestNoticePrefsRefused refuses settings no one could choose on the page.
func TestNoticePrefsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	srv := smtptest.Start(t, smtptest.Plain)
	nd := notifier(t, f, srv)
	olena := f.caseworker(t, "olena")
	for _, tc := range []struct {
		name, msg string
		change    func(*tropa.NoticePrefs)
	}{
		{"unknown channel", "ErrNoticeChannel", func(p *tropa.NoticePrefs) { p.Channel = "pigeon" }},
		{"bad address", "ErrNoticeAddress", func(p *tropa.NoticePrefs) { p.Address = "Olena <w7@example.org>" }},
		{"unknown event", "ErrNoticeEvent", func(p *tropa.NoticePrefs) { p.Events = []tropa.NoticeEvent{"gossip"} }},
		{"digest too short", "ErrNoticeDigest", func(p *tropa.NoticePrefs) { p.Digest = time.Minute }},
		{"lead too long", "ErrNoticeLead", func(p *tropa.NoticePrefs) { p.Lead = 30 * 24 * time.Hour }},
		{"quiet out of the day", "ErrNoticeQuiet", func(p *tropa.NoticePrefs) { p.QuietEnd = 24 * 60 }},
		{"language", "ErrNoticeLang", func(p *tropa.NoticePrefs) { p.Lang = "de" }},
	} {
		p := prefs("w7@example.org", tropa.NoticeNew)
		tc.change(&p)
		wantError(t, tc.name, nd.SaveMyNotices(ctx, olena, p), tropa.EINVALID, tc.msg)
	}
	// A caseworker is not told of cases nobody owns: that is for those who
	// assign work.
	saveNotices(t, nd, olena, prefs("w7@example.org", tropa.NoticeNew, tropa.NoticeUnowned))
	got, err := nd.MyNotices(ctx, olena)
	if err != nil || got.Wants(tropa.NoticeUnowned) {
		t.Errorf("MyNotices = %+v, %v; want no unowned", got, err)
	}
}

// tickTimer is a desk's After that fires only when the test ticks it.
type tickTimer struct {
	mu      sync.Mutex
	waiting map[time.Duration][]chan time.Time
}

func (tt *tickTimer) After(d time.Duration) <-chan time.Time {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	c := make(chan time.Time, 1)
	tt.waiting[d] = append(tt.waiting[d], c)
	return c
}

// tick fires every wait of d.
func (tt *tickTimer) tick(d time.Duration) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	for _, c := range tt.waiting[d] {
		c <- time.Time{}
	}
	tt.waiting[d] = nil
}

// waitNotices waits until n notices have arrived in all, ticking the
// timer's minutes with tick set, for a loop that may be only about to wait.
func waitNotices(t *testing.T, srv *smtptest.Server, timer *tickTimer, n int, tick bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(srv.Messages()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d notices arrived, want %d", len(srv.Messages()), n)
		}
		if tick {
			timer.tick(time.Minute)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestNoticesRun sends notices as the desk's background work: at start,
// and again every minute.
func TestNoticesRun(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := smtptest.Start(t, smtptest.Plain)
	olena := f.caseworker(t, "olena")
	mc, err := mail.New(mail.Config{Host: "127.0.0.1", Port: srv.Port(), Security: mail.Plain, From: "tropa@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	timer := &tickTimer{waiting: map[time.Duration][]chan time.Time{}}
	d := desk.New(desk.Config{Store: f.store, KDF: seal.NewKDF(2), PasswordParams: seal.TestParams, Now: f.clock.Now,
		After: timer.After, NoticeChannels: []desk.NoticeChannel{mc}})
	saveNotices(t, d, olena, prefs("w7@example.org", tropa.NoticeNew))
	urgent := submission("signal: +7 900 111 22 33", "Ушёл из части")
	urgent.Situation = tropa.SituationAbsent
	f.submit(t, urgent)

	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { stop(); <-done }()
	// The first look is at once, without a tick.
	waitNotices(t, srv, timer, 1, false)
	f.submit(t, urgent)
	waitNotices(t, srv, timer, 2, true)
}
