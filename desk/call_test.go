package desk_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/seal"
)

// TestCallsAcrossMidnight takes calls just before and just after midnight
// on the operator's clock (Moscow, UTC+3, where her midnight is 21:00 UTC
// of the day before): "today" is her day, not the server's.
func TestCallsAcrossMidnight(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.caseworker(t, "olena")
	f.addStaff(t, "oksana", tropa.RoleOperator, false)
	oksana := f.enroll(t, "oksana")
	if err := f.desk.SetOwnZone(ctx, oksana, "Europe/Moscow"); err != nil {
		t.Fatal(err)
	}
	midnight := time.Date(2026, 3, 10, 21, 0, 0, 0, time.UTC) // 00:00 on 11 March in Moscow
	take := func(at time.Time, caller tropa.Caller) string {
		t.Helper()
		f.clock.Set(at)
		_, id, err := f.desk.TakeCall(ctx, oksana, tropa.NewCall{Caller: caller, Submission: tropa.Submission{
			Kind: tropa.KindSurrender, Situation: tropa.SituationFront, Message: "звонок"}})
		if err != nil {
			t.Fatalf("TakeCall: %v", err)
		}
		return id
	}
	before := take(midnight.Add(-2*time.Minute), tropa.CallerSelf)
	after := take(midnight.Add(3*time.Minute), tropa.CallerRelative)

	f.clock.Set(midnight.Add(-time.Minute))
	assertCalls(t, f, oksana, before)
	f.clock.Set(midnight.Add(10 * time.Minute))
	assertCalls(t, f, oksana, after)
	f.clock.Set(midnight.Add(24 * time.Hour))
	assertCalls(t, f, oksana)
}

func assertCalls(t *testing.T, f *fixture, s *desk.Session, want ...string) {
	t.Helper()
	calls, err := f.desk.CallsToday(context.Background(), s)
	if err != nil {
		t.Fatalf("CallsToday: %v", err)
	}
	var got []string
	for _, c := range calls {
		got = append(got, c.RequestID)
	}
	if len(got) != len(want) {
		t.Fatalf("calls today at %v = %v, want %v", f.clock.now, got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("calls today at %v = %v, want %v", f.clock.now, got, want)
		}
	}
}

// TestReturningCall is a caller who reads out his receipt: the call joins
// his case, in its history with who called and what was said, and the
// operator who took it may open the case from then on. A wrong receipt is
// refused as on the applicant's site.
func TestReturningCall(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.caseworker(t, "olena")
	f.addStaff(t, "oksana", tropa.RoleOperator, false)
	oksana := f.enroll(t, "oksana")
	receipt, id := f.submit(t, submission("", "с сайта"))
	wantError(t, "operator opens a web request", func() error { _, err := f.desk.OpenCase(ctx, oksana, id); return err }(),
		tropa.EFORBIDDEN, "ErrNoKey")

	_, err := f.desk.AddCall(ctx, oksana, tropa.ReturningCall{Receipt: otherReceipt(receipt.String()), Caller: tropa.CallerSelf, Said: "снова"})
	wantError(t, "a wrong receipt", err, tropa.ENOTFOUND, "ErrReceiptUnknown")
	wantError(t, "no caller", func() error {
		_, err := f.desk.AddCall(ctx, oksana, tropa.ReturningCall{Receipt: receipt.String(), Said: "снова"})
		return err
	}(), tropa.EINVALID, "ErrCallCaller")

	got, err := f.desk.AddCall(ctx, oksana, tropa.ReturningCall{Receipt: receipt.String(), Caller: tropa.CallerRelative,
		Said: "мать звонит: он уже в пути"})
	if err != nil || got != id {
		t.Fatalf("AddCall = %q, %v; want %q", got, err, id)
	}
	c, err := f.desk.OpenCase(ctx, oksana, id)
	if err != nil {
		t.Fatalf("the operator who took the call opens the case: %v", err)
	}
	last := c.History[len(c.History)-1]
	if last.Action != tropa.CaseCall || last.Subject != string(tropa.CallerRelative) || last.Note != "мать звонит: он уже в пути" {
		t.Errorf("the call in the history = %+v", last)
	}
	calls, err := f.desk.CallsToday(ctx, oksana)
	if err != nil || len(calls) != 1 || !calls[0].Returning || calls[0].RequestID != id {
		t.Errorf("calls today = %+v, %v; want the returning call", calls, err)
	}
	count := 0
	for _, ev := range c.History {
		if ev.Action == tropa.CaseCall {
			count++
		}
	}
	if count != 1 {
		t.Errorf("%d calls in the history, want 1", count)
	}
}

// otherReceipt is receipt with another secret, which still reads as a
// receipt.
func otherReceipt(receipt string) string {
	r, _ := seal.ParseReceipt(receipt)
	secret := []byte(r.Secret)
	secret[0] = '0' + (secret[0]-'0'+1)%10
	return seal.Receipt{Lookup: r.Lookup, Secret: string(secret)}.String()
}

// TestCallLoad shows a surge: today's calls against the same day a week
// before, from counters that name no case.
func TestCallLoad(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	coord := f.caseworker(t, "olena")
	f.addStaff(t, "marta", tropa.RoleCoordinator, false)
	marta := f.enroll(t, "marta")
	start := time.Date(2026, 3, 3, 9, 30, 0, 0, time.UTC)
	for i := range 10 {
		f.clock.Set(start.Add(time.Duration(i) * time.Minute))
		f.submitCall(t, marta)
	}
	for i := range 17 {
		f.clock.Set(start.Add(7*24*time.Hour + time.Duration(i)*time.Minute))
		f.submitCall(t, marta)
	}
	f.clock.Set(start.Add(7*24*time.Hour + time.Hour))
	load, err := f.desk.CallLoad(ctx, marta)
	if err != nil {
		t.Fatalf("CallLoad: %v", err)
	}
	today := load.Days[len(load.Days)-1]
	if pct, ok := today.Change().Percent(); today.Calls != 17 || today.WeekAgo != 10 || !ok || pct != 70 {
		t.Errorf("today = %+v (%d%%); want 17 against 10, +70%%", today, pct)
	}
	var hour desk.LoadCount
	for _, h := range load.Hours {
		if h.Calls > 0 {
			hour = h
		}
	}
	if hour.Calls != 17 || hour.WeekAgo != 10 || !hour.Complete {
		t.Errorf("the busy hour = %+v; want 17 against 10", hour)
	}
	if _, err := f.desk.CallLoad(ctx, coord); !tropa.IsCode(err, tropa.EFORBIDDEN) {
		t.Errorf("a caseworker reads the call load: %v", err)
	}
}

func (f *fixture) submitCall(t testing.TB, s *desk.Session) {
	t.Helper()
	if _, _, err := f.desk.TakeCall(context.Background(), s, tropa.NewCall{Caller: tropa.CallerOther,
		Submission: tropa.Submission{Kind: tropa.KindLegal, Situation: tropa.SituationFront, Message: "звонок"}}); err != nil {
		t.Fatalf("TakeCall: %v", err)
	}
}
