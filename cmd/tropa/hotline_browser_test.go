package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"tropa/seal"
)

// demoSite is "tropa demo" running in this process: its demo data, its
// demo staff and the TOTP secrets it printed for them.
type demoSite struct {
	url     string // with the trailing slash
	secrets map[string]string
}

var demoSiteLine = regexp.MustCompile(`Applicant site: (http://\S+/)`)

// startDemo runs "tropa demo" on a free port of the loopback and reads the
// demo staff's TOTP secrets from what it prints, as a person trying it
// would.
func startDemo(t *testing.T) *demoSite {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0"}, noEnv, strings.NewReader(""), out, out)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	deadline := time.After(60 * time.Second)
	for {
		if m := demoSiteLine.FindSubmatch(out.Bytes()); m != nil && strings.Contains(string(out.Bytes()), "totp-code") {
			s := &demoSite{url: string(m[1]), secrets: map[string]string{}}
			for _, st := range demoStaff {
				row := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(st.name) + `\s+\S+\s+(\S+)\s*$`)
				sm := row.FindSubmatch(out.Bytes())
				if sm == nil {
					t.Fatalf("the demo printed no TOTP secret for %s:\n%s", st.name, out.Bytes())
				}
				s.secrets[st.name] = string(sm[1])
			}
			return s
		}
		select {
		case err := <-done:
			t.Fatalf("tropa demo stopped: %v\n%s", err, out.Bytes())
		case <-deadline:
			t.Fatalf("tropa demo did not start:\n%s", out.Bytes())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// login logs the demo staff member name in, with the password and the
// login code the demo's instructions give.
func (s *demoSite) login(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	code, err := totp.GenerateCode(s.secrets[name], time.Now())
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "log in as "+name, chromedp.Navigate(s.url+"staff/login"),
		chromedp.SendKeys(chromedp.ID("name"), name),
		chromedp.SendKeys(chromedp.ID("password"), demoPassword),
		chromedp.SendKeys(chromedp.ID("code"), code))
	follow(t, ctx, `form.login button[type=submit]`)
	if loc := location(t, ctx); !strings.HasSuffix(loc, "/staff/inbox") {
		t.Fatalf("after logging in %s is at %s, want the inbox", name, loc)
	}
}

// localInput is t on the clocks of loc as a datetime-local field holds it.
func localInput(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02T15:04")
}

// reads fails the test unless the text of sel contains every one of
// want.
func reads(t *testing.T, ctx context.Context, sel, what string, want ...string) {
	t.Helper()
	got := text(t, ctx, sel)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s reads %q, want %q in it", what, got, w)
		}
	}
}

// followText clicks the link within the element sel whose text contains
// linkText, and waits for the page it leads to.
func followText(t *testing.T, ctx context.Context, sel, linkText string) {
	t.Helper()
	ctx2, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	links, err := chromedp.Run(ctx2, chromedp.Nodes(chromedp.CSSAll(sel+" a")))
	if err != nil {
		t.Fatalf("links in %s: %v", sel, err)
	}
	for _, n := range links {
		label, err := chromedp.Run(ctx2, chromedp.Text(chromedp.NodeIDs{n.NodeID}))
		if err == nil && strings.Contains(label, linkText) {
			follow(t, ctx, `a[href="`+n.AttributeValue("href")+`"]`)
			return
		}
	}
	t.Fatalf("no link in %s reads %q", sel, linkText)
}

// TestHotlineDayBrowser is the surrender hotline's working day in the
// demo, in Russian, with JavaScript off: the operator takes a call,
// arranges a surrender meeting on the new case from its page (a window
// typed on his clocks, Moscow's), is refused a window that ends before it
// starts with what he typed kept, confirms the meeting, finds it first on
// the day board, and closes it as completed; the caseworker books a stay
// in the shelter for the man with the asylum application, sees the bed
// taken on the shelters page, adds a step of the organization's own and
// records the decision expected on its own step. No page is wider than
// the window.
//
//	TROPA_TEST_CHROMIUM=/usr/bin/chromium go test -run TestHotlineDayBrowser ./cmd/tropa/
func TestHotlineDayBrowser(t *testing.T) {
	browser := startChrome(t)
	s := startDemo(t)

	t.Run("operator", func(t *testing.T) {
		operator := anotherPerson(t, browser)
		noScript(t, operator)
		speaks(t, operator, "ru-RU,ru;q=0.9")
		s.login(t, operator, "demo-operator")
		operatorMeeting(t, operator, s)
	})
	t.Run("caseworker", func(t *testing.T) {
		caseworker := anotherPerson(t, browser)
		noScript(t, caseworker)
		speaks(t, caseworker, "ru-RU,ru;q=0.9")
		s.login(t, caseworker, "demo-caseworker")
		caseworkerShelterAndAsylum(t, caseworker, s)
	})
}

// operatorMeeting is the operator's part of the day, in ctx, logged in; the
// demo has set his clocks to Moscow's.
func operatorMeeting(t *testing.T, ctx context.Context, s *demoSite) {
	const (
		said   = "Звонит сам: хочет сдаться, ночью может говорить."
		place  = "Старая водокачка у трассы, северная сторона"
		sign   = "Белая повязка на левой руке"
		phrase = "«Тихий Дон» — «течёт на юг»"
	)
	moscow, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	follow(t, ctx, `nav.staff-nav a[href="/staff/calls"]`)
	do(t, ctx, "type the call",
		chromedp.Click(chromedp.CSS(`#new-call input[name=caller][value=self]`)),
		chromedp.Click(chromedp.CSS(`#new-call input[name=kind][value=surrender]`)),
		chromedp.Click(chromedp.CSS(`#new-call input[name=situation][value=front]`)),
		chromedp.SendKeys(chromedp.CSS(`#new-call textarea#message`), said))
	follow(t, ctx, `#new-call button[type=submit]`)
	receipt := text(t, ctx, "p.receipt")
	if _, err := seal.ParseReceipt(receipt); err != nil {
		t.Fatalf("the call's receipt page shows %q: %v", receipt, err)
	}
	followText(t, ctx, "main", "Открыть обращение")
	reads(t, ctx, "#meetings", "the new case's meetings", "Встреч не назначено.")
	reads(t, ctx, "#deadline-not-meeting", "the form adding a deadline", "в разделе «Встречи»")
	reads(t, ctx, "#meetings form.arrange", "the form arranging a meeting", "С (Europe/Moscow)", "До (Europe/Moscow)")

	// A window on Moscow's clocks, from the next full hour for an hour:
	// today's or tomorrow's, so on the day board.
	start := time.Now().In(moscow).Truncate(time.Hour).Add(time.Hour)
	end := start.Add(time.Hour)
	// Date and time fields are filled as their pickers do: how keys
	// typed into them are read depends on the browser's own locale.
	do(t, ctx, "type a window that ends before it starts",
		chromedp.SetValue(chromedp.ID("meeting-start"), localInput(end, moscow)),
		chromedp.SetValue(chromedp.ID("meeting-end"), localInput(start, moscow)),
		chromedp.SendKeys(chromedp.ID("meeting-place"), place),
		chromedp.SendKeys(chromedp.ID("meeting-sign"), sign),
		chromedp.SendKeys(chromedp.ID("meeting-phrase"), phrase))
	followStatus(t, ctx, `form.arrange button[type=submit]`, 422)
	screenshot(t, ctx, "meeting-refused")
	reads(t, ctx, "p.error", "the refusal", "Встреча должна заканчиваться позже, чем начинается.")
	for id, want := range map[string]string{"meeting-place": place, "meeting-sign": sign, "meeting-phrase": phrase,
		"meeting-start": localInput(end, moscow)} {
		if got, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID(id))); err != nil || got != want {
			t.Errorf("after the refusal #%s holds %q (%v), want what was typed, %q", id, got, err, want)
		}
	}
	do(t, ctx, "correct the window",
		chromedp.SetValue(chromedp.ID("meeting-start"), localInput(start, moscow)),
		chromedp.SetValue(chromedp.ID("meeting-end"), localInput(end, moscow)))
	follow(t, ctx, `form.arrange button[type=submit]`)
	window := start.Format("2006-01-02 15:04") + " MSK – " + end.Format("2006-01-02 15:04") + " MSK (Europe/Moscow)"
	screenshot(t, ctx, "meeting-arranged")
	reads(t, ctx, "#meetings .meeting", "the arranged meeting", window, "предложена", place, sign, phrase, "demo-operator")
	if got := text(t, ctx, "#deadlines table.deadlines td a"); got != "Встреча" {
		t.Errorf("the meeting's deadline reads %q, want «Встреча», leading to the meeting", got)
	}
	checkWidth(t, ctx, "the case page")

	follow(t, ctx, `#meetings .meeting button[name=state][value=confirmed]`)
	reads(t, ctx, "#meetings .meeting .state", "the meeting's state", "подтверждена")
	ref := strings.TrimPrefix(strings.Fields(text(t, ctx, "h1"))[1], "#")

	follow(t, ctx, `nav.staff-nav a[href="/staff/meetings"]`)
	screenshot(t, ctx, "day-board")
	reads(t, ctx, "h1", "the day board's title", "Встречи сегодня и завтра")
	checkWidth(t, ctx, "the day board")
	reads(t, ctx, "table.meetings tbody tr:first-child", "the day board's first meeting", window, ref,
		"подтверждена", "demo-operator")
	if rows := len(nodes(t, ctx, "table.meetings tbody tr")); rows != 2 {
		t.Errorf("the day board lists %d meetings, want the new one and the demo's for tomorrow", rows)
	}

	follow(t, ctx, "table.meetings tbody tr:first-child td.ref a")
	follow(t, ctx, `#meetings .meeting button[name=state][value=completed]`)
	reads(t, ctx, "#meetings .meeting .state", "the closed meeting's state", "состоялась")
	if n := len(nodes(t, ctx, "#meetings form.move")); n != 0 {
		t.Errorf("a completed meeting still offers %d forms to move it", n)
	}
	reads(t, ctx, "#history", "the case's history", "встреча: предложена → подтверждена",
		"встреча: подтверждена → состоялась")
	follow(t, ctx, `nav.staff-nav a[href="/staff/meetings"]`)
	reads(t, ctx, "table.meetings tbody tr:first-child", "the day board once the meeting is closed", ref, "состоялась")
}

// caseworkerShelterAndAsylum is the caseworker's part of the day, in ctx,
// logged in; her clocks are the organization's, which the demo has set to
// Kyiv's.
func caseworkerShelterAndAsylum(t *testing.T, ctx context.Context, s *demoSite) {
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(kyiv)
	follow(t, ctx, `nav.staff-nav a[href="/staff/shelters"]`)
	free := freeTonight(t, ctx)
	follow(t, ctx, `nav.staff-nav a[href="/staff/inbox"]`)
	followText(t, ctx, "table.inbox", asylumRef(t, ctx))
	reads(t, ctx, "#legal", "the asylum case's legal process", "Убежище", "Ожидается", "Подача", "Интервью", "Решение")

	do(t, ctx, "choose the nights",
		chromedp.SetValue(chromedp.ID("stay-first"), today.Format(time.DateOnly)),
		chromedp.SetValue(chromedp.ID("stay-end"), today.AddDate(0, 0, 3).Format(time.DateOnly)))
	follow(t, ctx, `#stays form button[type=submit]`)
	reads(t, ctx, "#stays table.stays", "the case's stays", "Квартира Марты", "ночей: 3", "забронировано")
	reads(t, ctx, "#history", "the case's history", "место забронировано: ")

	caseURL := location(t, ctx)
	follow(t, ctx, `nav.staff-nav a[href="/staff/shelters"]`)
	screenshot(t, ctx, "shelters")
	checkWidth(t, ctx, "the shelters page")
	if got := freeTonight(t, ctx); got != free-1 {
		t.Errorf("once a bed is booked the shelter has %d free tonight, want %d", got, free-1)
	}
	do(t, ctx, "go back to the case", chromedp.Navigate(caseURL))

	// A step of the organization's own before the decision: it joins the
	// case's deadlines.
	process := "#legal article.legal-process"
	prepare := time.Date(today.Year(), today.Month(), today.Day()+1, 10, 0, 0, 0, kyiv)
	do(t, ctx, "add a step of our own",
		chromedp.SetValue(chromedp.CSS(process+` form.sub select[name=kind]`), "own"),
		chromedp.SetValue(chromedp.CSS(process+` form.sub input[name=at]`), localInput(prepare, kyiv)),
		chromedp.SendKeys(chromedp.CSS(process+` form.sub input[name=note]`), "Собрать справки с юристом"))
	follow(t, ctx, process+` form.sub button[type=submit]`)
	reads(t, ctx, "#deadlines table.deadlines", "the case's deadlines", "Правовой шаг: Наш шаг",
		prepare.Format("2006-01-02 15:04"))
	reads(t, ctx, process+" table.legal-steps", "the process's steps", "Наш шаг", "Собрать справки с юристом")

	// The decision expected comes early, and is recorded on its own step.
	expected := process + " table.legal-steps tr:has(select[name=decision])"
	reads(t, ctx, expected, "the expected decision's step", "Решение: Ожидается")
	decided := today.Add(-time.Hour)
	do(t, ctx, "record the decision",
		chromedp.SetValue(chromedp.CSS(expected+" select[name=decision]"), "granted"),
		chromedp.SetValue(chromedp.CSS(expected+" input[name=at]"), localInput(decided, kyiv)),
		chromedp.Clear(chromedp.CSS(expected+" input[name=note]")),
		chromedp.SendKeys(chromedp.CSS(expected+" input[name=note]"), "Решение пришло письмом"))
	follow(t, ctx, expected+" button[type=submit]")
	screenshot(t, ctx, "asylum-decided")
	reads(t, ctx, process+" h3", "the process's heading", "Убежище", "Одобрено")
	reads(t, ctx, process+" table.legal-steps", "the process's steps", "Решение: Одобрено",
		decided.Format("2006-01-02 15:04"), "Решение пришло письмом")
	if open := nodes(t, ctx, "#deadlines table.deadlines tbody tr:not(.done)"); len(open) != 1 {
		t.Errorf("once decided the case has %d deadlines open, want only our own step", len(open))
	}
	reads(t, ctx, "#deadlines table.deadlines tbody tr:not(.done)", "the deadline still open", "Наш шаг")
	reads(t, ctx, "#history", "the case's history", "Убежище: решение «Одобрено»")
}

// freeTonight is the free beds tonight in the first shelter the shelters
// page lists.
func freeTonight(t *testing.T, ctx context.Context) int {
	t.Helper()
	n, err := strconv.Atoi(text(t, ctx, "table.shelters tbody td.free"))
	if err != nil {
		t.Fatalf("free beds tonight: %v", err)
	}
	return n
}

// asylumRef is the reference of the demo's asylum case, found as a
// caseworker would, by its kind in the inbox.
func asylumRef(t *testing.T, ctx context.Context) string {
	t.Helper()
	rows := nodes(t, ctx, "table.inbox tbody tr")
	for _, n := range rows {
		row, err := chromedp.Run(ctx, chromedp.Text(chromedp.NodeIDs{n.NodeID}))
		if err == nil && strings.Contains(row, "Юридический вопрос") {
			return strings.Fields(row)[0]
		}
	}
	t.Fatal("the inbox lists no legal question")
	return ""
}

// nodes are the elements matching sel, none when there are none.
func nodes(t *testing.T, ctx context.Context, sel string) []*chromedp.Node {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	list, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll(sel), chromedp.AtLeast(0)))
	if err != nil {
		t.Fatalf("find %s: %v", sel, err)
	}
	return list
}
