package desk_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
)

// closeCase triages a request as a case and closes it with an outcome.
func closeCase(t *testing.T, f *fixture, s *desk.Session, id string) {
	t.Helper()
	ctx := context.Background()
	if err := f.desk.Triage(ctx, s, id, desk.Triage{Disposition: tropa.DispositionCase}); err != nil {
		t.Fatalf("Triage: %v", err)
	}
	if err := f.desk.ChangeCase(ctx, s, id, desk.CaseChange{Stage: tropa.StageClosed, Outcome: tropa.OutcomeLeftCountry}); err != nil {
		t.Fatalf("close: %v", err)
	}
}

// TestDeadlinesPauseWhileClosed: closing a case takes its open deadlines
// out of the queue's due time, adding one while closed does not put it
// back, and reopening resumes them.
func TestDeadlinesPauseWhileClosed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	_, id := f.submit(t, submission("a", "ушёл вчера"))
	now := f.clock.Now()
	if err := f.desk.RecordLeftUnit(ctx, olena, id, now.Add(-40*time.Hour)); err != nil {
		t.Fatal(err)
	}
	due := func() time.Time {
		t.Helper()
		r, err := f.store.RequestByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return r.DueAt
	}
	if want := tropa.DueHour(now.Add(8 * time.Hour)); !due().Equal(want) {
		t.Fatalf("due %v, want %v", due(), want)
	}
	closeCase(t, f, olena, id)
	if d := due(); !d.IsZero() {
		t.Errorf("closed case still due at %v", d)
	}
	if list, err := f.desk.Queue(ctx, olena, tropa.QueueFilter{Closed: true, DueBefore: now.Add(24 * time.Hour)}); err != nil || len(list) != 0 {
		t.Errorf("closed cases due within a day = %d, %v; want none: its clock is paused", len(list), err)
	}
	if err := f.desk.AddDeadline(ctx, olena, id, tropa.DeadlineTask, now.Add(2*time.Hour), "позвонить"); err != nil {
		t.Fatal(err)
	}
	if d := due(); !d.IsZero() {
		t.Errorf("a deadline added to a closed case makes it due at %v", d)
	}
	c, err := f.desk.OpenCase(ctx, olena, id)
	if err != nil || len(c.Deadlines) != 2 {
		t.Fatalf("OpenCase = %+v, %v", c, err)
	}
	if err := f.desk.ChangeCase(ctx, olena, id, desk.CaseChange{Stage: tropa.StageCounselling}); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if want := tropa.DueHour(now.Add(2 * time.Hour)); !due().Equal(want) {
		t.Errorf("reopened case due %v, want its earliest open deadline %v", due(), want)
	}
	// Marked as spam closes a request, and pauses it too.
	_, spam := f.submit(t, submission("b", "реклама"))
	if err := f.desk.AddDeadline(ctx, olena, spam, tropa.DeadlineTask, now.Add(3*time.Hour), "проверить"); err != nil {
		t.Fatal(err)
	}
	if err := f.desk.Triage(ctx, olena, spam, desk.Triage{Disposition: tropa.DispositionSpam, Reason: "рассылка"}); err != nil {
		t.Fatal(err)
	}
	if r, _ := f.store.RequestByID(ctx, spam); !r.DueAt.IsZero() {
		t.Errorf("spam still due at %v", r.DueAt)
	}
	if err := f.desk.Triage(ctx, olena, spam, desk.Triage{Disposition: tropa.DispositionCase}); err != nil {
		t.Fatal(err)
	}
	if r, _ := f.store.RequestByID(ctx, spam); !r.DueAt.Equal(tropa.DueHour(now.Add(3 * time.Hour))) {
		t.Errorf("re-triaged as a case, due %v; want its deadline back", r.DueAt)
	}
}

// TestMessageToClosedCase: the applicant writes to his closed case; the
// case is flagged to those who held it, not to others, stays closed, and
// is unflagged by keeping it closed or by reopening it.
func TestMessageToClosedCase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	receipt, id := f.submit(t, submission("a", "первое"))
	f.addStaff(t, "marta", tropa.RoleCoordinator, false)
	marta := f.enroll(t, "marta")
	vasyl := f.caseworker(t, "vasyl") // joins intake after the request came
	closeCase(t, f, olena, id)
	before, _ := f.store.RequestByID(ctx, id)

	if err := f.desk.ApplicantReply(ctx, receipt.String(), "меня снова вызывают в часть"); err != nil {
		t.Fatalf("ApplicantReply: %v", err)
	}
	r, _ := f.store.RequestByID(ctx, id)
	if r.FlaggedAt.IsZero() || r.Open() || r.Outcome != before.Outcome {
		t.Errorf("after his message: flagged %v, open %v, outcome %q; want flagged, still closed with %q",
			r.FlaggedAt, r.Open(), r.Outcome, before.Outcome)
	}
	flagged := func(s *desk.Session) []string {
		t.Helper()
		list, err := f.desk.Queue(ctx, s, tropa.QueueFilter{Flagged: true})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range list {
			ids = append(ids, r.ID)
		}
		return ids
	}
	for _, c := range []struct {
		name string
		s    *desk.Session
		want []string
	}{{"olena, who held it", olena, []string{id}}, {"the coordinator", marta, []string{id}}, {"vasyl, who never held it", vasyl, nil}} {
		if got := flagged(c.s); !slices.Equal(got, c.want) {
			t.Errorf("%s sees flagged %v, want %v", c.name, got, c.want)
		}
	}
	wantError(t, "keeping closed without the key", f.desk.KeepClosed(ctx, vasyl, id), tropa.EFORBIDDEN, "ErrNoKey")
	if err := f.desk.KeepClosed(ctx, olena, id); err != nil {
		t.Fatalf("KeepClosed: %v", err)
	}
	if got := flagged(olena); len(got) != 0 {
		t.Errorf("flagged after keeping it closed: %v", got)
	}
	if got := history(t, f, olena, id); got[len(got)-1] != tropa.CaseKeepClosed {
		t.Errorf("history = %v, want it to end with keeping it closed", got)
	}

	// He writes again; this time the case is reopened.
	if err := f.desk.ApplicantReply(ctx, receipt.String(), "всё-таки нужна помощь"); err != nil {
		t.Fatal(err)
	}
	if got := flagged(olena); !slices.Equal(got, []string{id}) {
		t.Fatalf("flagged after his second message = %v", got)
	}
	if err := f.desk.ChangeCase(ctx, olena, id, desk.CaseChange{Stage: tropa.StageCounselling}); err != nil {
		t.Fatal(err)
	}
	if r, _ := f.store.RequestByID(ctx, id); !r.FlaggedAt.IsZero() || !r.Open() {
		t.Errorf("reopened: flagged %v, open %v; want unflagged and open", r.FlaggedAt, r.Open())
	}
}

// TestDeactivationHandover: deactivating a volunteer first lists the cases
// that would be left without anyone, references and stages only; the
// coordinator hands over those she can open, the others are left unowned
// with who could give them, and the volunteer reads nothing afterwards.
func TestDeactivationHandover(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.addStaff(t, "marta", tropa.RoleCoordinator, true)
	marta := f.enroll(t, "marta")
	vasyl := f.caseworker(t, "vasyl")
	olena := f.caseworker(t, "olena")
	f.addStaff(t, "admin", tropa.RoleAdmin, false)
	admin := f.enroll(t, "admin")
	_, given := f.submit(t, submission("a", "первое"))
	_, other := f.submit(t, submission("b", "второе"))
	_, intake := f.submit(t, submission("c", "третье"))
	for _, id := range []string{given, other} {
		if err := f.desk.Triage(ctx, marta, id, desk.Triage{Disposition: tropa.DispositionCase}); err != nil {
			t.Fatal(err)
		}
		if err := f.desk.Assign(ctx, marta, id, vasyl.Staff.ID); err != nil {
			t.Fatal(err)
		}
	}
	// The coordinator no longer holds the second case's key: she cannot
	// hand it over.
	f.exec(t, `DELETE FROM key_wraps WHERE request_id = $1 AND holder = $2`, other, marta.Staff.ID)

	list, err := f.desk.Handovers(ctx, marta, vasyl.Staff.ID)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]desk.HandoverCase{}
	for _, c := range list {
		byID[c.ID] = c
	}
	if len(list) != 2 || !byID[given].CanGive || byID[other].CanGive {
		t.Fatalf("hand-over list = %+v; want both of his cases, only the first one hers to give", list)
	}
	if _, ok := byID[intake]; ok {
		t.Error("a request others on intake hold is listed for hand-over")
	}
	if len(byID[other].Regranters) != 0 {
		t.Errorf("who could give the second case = %v, want no one but the recovery key", byID[other].Regranters)
	}
	wantError(t, "deactivating without choosing who takes a case",
		func() error { _, err := f.desk.DeactivateWith(ctx, marta, vasyl.Staff.ID, desk.Handover{}); return err }(),
		tropa.EINVALID, "ErrHandoverChoose")
	if st, _ := f.store.StaffByID(ctx, vasyl.Staff.ID); !st.Active {
		t.Fatal("a refused hand-over deactivated him")
	}
	wantError(t, "handing over to an admin, who holds no cases",
		func() error {
			_, err := f.desk.DeactivateWith(ctx, marta, vasyl.Staff.ID, desk.Handover{All: admin.Staff.ID})
			return err
		}(), tropa.EINVALID, "ErrStaffUnknown")

	dep, err := f.desk.DeactivateWith(ctx, marta, vasyl.Staff.ID, desk.Handover{All: olena.Staff.ID})
	if err != nil {
		t.Fatalf("DeactivateWith: %v", err)
	}
	if dep.HandedOver != 1 || len(dep.Unowned) != 1 || dep.Unowned[0].ID != other {
		t.Errorf("departure = %+v; want one handed over, the other left unowned", dep)
	}
	if r, _ := f.store.RequestByID(ctx, given); r.OwnerID != olena.Staff.ID {
		t.Errorf("the handed-over case's owner = %q, want olena", r.OwnerID)
	}
	if _, err := f.desk.OpenCase(ctx, olena, given); err != nil {
		t.Errorf("olena opens the case she took: %v", err)
	}
	for _, id := range []string{given, other, intake} {
		if _, ok := holders(t, f, id)[vasyl.Staff.ID]; ok {
			t.Errorf("a key of %s is still wrapped to him", id)
		}
	}
	unowned, err := f.desk.Unowned(ctx, marta)
	if err != nil || len(unowned) != 1 || unowned[0].ID != other {
		t.Errorf("the coordinator's unowned cases = %+v, %v; want the one left", unowned, err)
	}
	wantError(t, "a caseworker lists unowned cases", func() error { _, err := f.desk.Unowned(ctx, olena); return err }(),
		tropa.EFORBIDDEN, "ErrRoleForbidden")
	if _, err := f.desk.Handovers(ctx, admin, olena.Staff.ID); err != nil {
		t.Errorf("an admin lists a caseworker's cases: %v", err)
	}
}

// TestAuditLogReading: admins and coordinators read the audit log by
// person and case; reading it is itself recorded; the case page tells who
// opened the case.
func TestAuditLogReading(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	f.addStaff(t, "marta", tropa.RoleCoordinator, true)
	marta := f.enroll(t, "marta")
	_, id := f.submit(t, submission("a", "первое"))
	for range 2 {
		if _, err := f.desk.OpenCase(ctx, olena, id); err != nil {
			t.Fatal(err)
		}
	}
	c, err := f.desk.OpenCase(ctx, marta, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Openings) != 2 || c.Openings[0].Actor != marta.Staff.ID || c.Openings[1].Actor != olena.Staff.ID ||
		c.Openings[1].Count != 2 {
		t.Errorf("openings = %+v; want marta last, olena twice before", c.Openings)
	}
	wantError(t, "a caseworker reads the audit log",
		func() error { _, err := f.desk.AuditLog(ctx, olena, desk.AuditQuery{}); return err }(), tropa.EFORBIDDEN, "ErrRoleForbidden")
	wantError(t, "an unknown reference",
		func() error { _, err := f.desk.AuditLog(ctx, marta, desk.AuditQuery{Ref: "ZZZZZZ"}); return err }(), tropa.ENOTFOUND, "ErrRefUnknown")
	r, _ := f.store.RequestByID(ctx, id)
	lines, err := f.desk.AuditLog(ctx, marta, desk.AuditQuery{Ref: r.Ref,
		AuditFilter: tropa.AuditFilter{Actor: olena.Staff.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[0].Action != tropa.ActionRequestOpen || lines[0].Ref != r.Ref {
		t.Errorf("olena's entries about the case = %+v, want her two openings", lines)
	}
	reads, err := f.desk.AuditLog(ctx, marta, desk.AuditQuery{AuditFilter: tropa.AuditFilter{Actor: marta.Staff.ID,
		Action: tropa.ActionAuditRead}})
	if err != nil {
		t.Fatal(err)
	}
	if len(reads) != 2 || reads[1].RequestID != id || reads[1].Detail != "actor="+olena.Staff.ID {
		t.Errorf("marta's readings of the log = %+v; want each recorded, with its filter", reads)
	}
	var exported int
	if err := f.desk.ExportAudit(ctx, marta, desk.AuditQuery{AuditFilter: tropa.AuditFilter{Actor: olena.Staff.ID}},
		func(tropa.AuditLine) error { exported++; return nil }); err != nil || exported == 0 {
		t.Errorf("export = %d entries, %v", exported, err)
	}
}
