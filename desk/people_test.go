package desk_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
)

func TestOperatorEntersAndHoldsOnlyTheirs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	f.addStaff(t, "oksana", tropa.RoleOperator, false)
	oksana := f.enroll(t, "oksana")
	_, other := f.submit(t, submission("web", "с сайта"))

	sub := tropa.Submission{Kind: tropa.KindSurrender, Situation: tropa.SituationFront, Contact: "звонок, перезвонить нельзя",
		Message: "Хочет сдаться, участок у Работино"}
	receipt, id, err := f.desk.TakeCall(ctx, oksana, tropa.NewCall{Caller: tropa.CallerSelf, Submission: sub})
	if err != nil {
		t.Fatalf("TakeCall: %v", err)
	}
	if got := holders(t, f, id); got[oksana.Staff.ID] != tropa.AccessEntered || got[olena.Staff.ID] != tropa.AccessIntake {
		t.Errorf("holders of an entered request = %v; want the operator and intake", got)
	}
	r, _ := f.store.RequestByID(ctx, id)
	if r.Channel != tropa.ChannelHotline || r.Urgency != tropa.UrgencyHigh {
		t.Errorf("entered request: channel %q urgency %d, want hotline, high", r.Channel, r.Urgency)
	}
	if th, err := f.desk.ApplicantThread(ctx, receipt.String()); err != nil || th.Messages[0].Body != sub.Message {
		t.Errorf("the caller's receipt opens %+v, %v", th, err)
	}
	list, err := f.desk.Queue(ctx, oksana, tropa.QueueFilter{})
	if err != nil || len(list) != 1 || list[0].ID != id {
		t.Errorf("operator's queue = %v, %v; want only the call she took", list, err)
	}
	wantError(t, "operator opens another", func() error { _, err := f.desk.OpenCase(ctx, oksana, other); return err }(),
		tropa.EFORBIDDEN, "ErrNoKey")
	meet := f.clock.Now().Add(30 * time.Hour)
	if err := f.desk.AddDeadline(ctx, oksana, id, tropa.DeadlineMeeting, meet, "точка 3, 05:00"); err != nil {
		t.Errorf("operator arranges a meeting: %v", err)
	}
	if err := f.desk.AddNote(ctx, oksana, id, "голос спокойный"); err != nil {
		t.Errorf("operator adds a note: %v", err)
	}
	wantError(t, "operator changes the stage", f.desk.ChangeCase(ctx, oksana, id, desk.CaseChange{Version: 1, Stage: tropa.StageTriage}),
		tropa.EFORBIDDEN, "ErrRoleForbidden")
	wantError(t, "operator refers", f.desk.Refer(ctx, oksana, id, olena.Staff.ID), tropa.EFORBIDDEN, "ErrRoleForbidden")

	f.addStaff(t, "ivan", tropa.RoleAnalyst, false)
	ivan := f.enroll(t, "ivan")
	if _, _, err := f.desk.TakeCall(ctx, ivan, tropa.NewCall{Caller: tropa.CallerSelf, Submission: sub}); !tropa.IsCode(err, tropa.EFORBIDDEN) {
		t.Errorf("an analyst enters a request: %v, want EFORBIDDEN", err)
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	_, id := f.submit(t, submission("Telegram @Sokol_77", "Нужна помощь"))
	f.submit(t, submission("other", "другое"))
	if err := f.desk.SaveDetails(ctx, olena, id, 1, tropa.CaseDetails{Route: "Через Верхний Ларс"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"sokol", "верхний ларс"} {
		hits, err := f.desk.Search(ctx, olena, q)
		if err != nil || len(hits) != 1 || hits[0].Request.ID != id {
			t.Errorf("Search(%q) = %+v, %v; want the one case", q, hits, err)
		}
	}
	hits, err := f.desk.Search(ctx, olena, "нет такого")
	if err != nil || len(hits) != 0 {
		t.Errorf("Search for nothing = %+v, %v", hits, err)
	}
	_, err = f.desk.Search(ctx, olena, "ab")
	wantError(t, "a short search", err, tropa.EINVALID, "ErrSearchShort")
	late := f.caseworker(t, "late")
	if hits, err := f.desk.Search(ctx, late, "sokol"); err != nil || len(hits) != 0 {
		t.Errorf("a caseworker without the key finds %+v, %v", hits, err)
	}
	if r, err := f.desk.FindRef(ctx, late, hitsRef(t, f, id)); err == nil {
		t.Errorf("FindRef by someone without the key = %+v", r)
	}
	if r, err := f.desk.FindRef(ctx, olena, hitsRef(t, f, id)); err != nil || r.ID != id {
		t.Errorf("FindRef = %+v, %v", r, err)
	}
}

func hitsRef(t *testing.T, f *fixture, id string) string {
	t.Helper()
	r, err := f.store.RequestByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r.Ref
}

func TestAccountChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	_, id := f.submit(t, submission("x", "y"))
	other, err := f.desk.Login(ctx, "olena", password("olena"), f.code(t, "olena"))
	if err != nil {
		t.Fatal(err)
	}
	if list, err := f.desk.Sessions(ctx, olena); err != nil || len(list) != 2 {
		t.Errorf("Sessions = %d, %v; want 2", len(list), err)
	}
	wantError(t, "wrong current password", f.desk.ChangePassword(ctx, olena, "not it at all", "a brand new long password"),
		tropa.EINVALID, "ErrPasswordWrong")
	wantError(t, "short new password", f.desk.ChangePassword(ctx, olena, password("olena"), "short"), tropa.EINVALID, "ErrPasswordShort")
	if err := f.desk.ChangePassword(ctx, olena, password("olena"), "a brand new long password"); err != nil {
		t.Fatalf("ChangePassword: %v", err)
	}
	if _, err := f.desk.Session(ctx, other.Token()); !tropa.IsCode(err, tropa.EUNAUTHORIZED) {
		t.Errorf("the other session after a password change: %v", err)
	}
	if _, err := f.desk.Session(ctx, olena.Token()); err != nil {
		t.Errorf("the session that changed the password: %v", err)
	}
	if _, err := f.desk.Login(ctx, "olena", password("olena"), f.code(t, "olena")); !tropa.IsCode(err, tropa.EUNAUTHORIZED) {
		t.Errorf("old password: %v, want EUNAUTHORIZED", err)
	}
	again, err := f.desk.Login(ctx, "olena", "a brand new long password", f.code(t, "olena"))
	if err != nil {
		t.Fatalf("new password: %v", err)
	}
	// The key pair is the same: the case key wrapped before opens.
	if _, err := f.desk.OpenCase(ctx, again, id); err != nil {
		t.Errorf("open a case after the password change: %v", err)
	}
	if n, err := f.desk.EndOtherSessions(ctx, again); err != nil || n != 1 {
		t.Errorf("EndOtherSessions = %d, %v; want 1", n, err)
	}
	f.addStaff(t, "admin", tropa.RoleAdmin, false)
	admin := f.enroll(t, "admin")
	if _, err := f.desk.ResetTOTP(ctx, admin, again.Staff.ID); err != nil {
		t.Fatalf("ResetTOTP: %v", err)
	}
	if _, err := f.desk.Session(ctx, again.Token()); !tropa.IsCode(err, tropa.EUNAUTHORIZED) {
		t.Errorf("session after TOTP reset: %v", err)
	}
	s, err := f.desk.Login(ctx, "olena", "a brand new long password", "")
	if err != nil || s.Stage != tropa.SessionEnroll {
		t.Errorf("login after TOTP reset = %+v, %v; want an enrolment session", s, err)
	}
	if err := f.desk.EndSession(ctx, admin, s.ID); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("ending someone else's session: %v, want ENOTFOUND", err)
	}
}
