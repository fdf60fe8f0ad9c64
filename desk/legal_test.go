package desk_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
)

// TestLegalProcess follows an asylum application from its filing to a
// decision, with the steps ahead ordering the queue as deadlines do.
func TestLegalProcess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	f.addStaff(t, "oleg", tropa.RoleOperator, true)
	oleg := f.enroll(t, "oleg")
	_, id := f.submit(t, submission("a", "я уже в Грузии"))
	now := f.clock.Now()

	wantError(t, "an operator starting a legal process", f.desk.AddLegalProcess(ctx, oleg, id,
		desk.LegalProcessInput{Procedure: tropa.ProcedureAsylum, Country: "Germany"}), tropa.EFORBIDDEN, "ErrRoleForbidden")
	wantError(t, "an unknown procedure", f.desk.AddLegalProcess(ctx, olena, id,
		desk.LegalProcessInput{Procedure: "deportation", Country: "Germany"}), tropa.EINVALID, "ErrLegalProcedure")
	wantError(t, "no country", f.desk.AddLegalProcess(ctx, olena, id,
		desk.LegalProcessInput{Procedure: tropa.ProcedureAsylum, Country: " "}), tropa.EINVALID, "ErrFieldRequired")
	for _, in := range []desk.LegalProcessInput{
		{Procedure: tropa.ProcedureHumanitary, Country: "Germany", Helper: "Адвокат Петренко, +49 30 000000"},
		{Procedure: tropa.ProcedureAsylum, Country: "France"},
	} {
		if err := f.desk.AddLegalProcess(ctx, olena, id, in); err != nil {
			t.Fatalf("AddLegalProcess(%v): %v", in.Procedure, err)
		}
	}
	legal := func() []tropa.LegalProcess {
		t.Helper()
		c, err := f.desk.OpenCase(ctx, olena, id)
		if err != nil {
			t.Fatal(err)
		}
		return c.Legal
	}
	procs := legal()
	if len(procs) != 2 || procs[0].Helper != "Адвокат Петренко, +49 30 000000" || procs[0].Decision != tropa.DecisionPending {
		t.Fatalf("processes = %+v, want two, the visa with its lawyer, pending", procs)
	}
	visa := procs[0].ID
	if c, err := f.desk.OpenCase(ctx, oleg, id); err != nil || len(c.Legal) != 0 {
		t.Errorf("an operator holding the case sees %d legal processes (%v), want none", len(c.Legal), err)
	}
	defer func() {
		c, err := f.desk.OpenCase(ctx, oleg, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range c.History {
			if ev.Action == tropa.CaseLegal && ev.Subject+ev.To+ev.Note != "" {
				t.Errorf("an operator reads a legal history entry: %+v", ev)
			}
		}
		if len(c.Deadlines) != 0 {
			t.Errorf("an operator reads the legal steps among the deadlines: %+v", c.Deadlines)
		}
	}()

	step := func(in desk.LegalStepInput) error { return f.desk.SaveLegalStep(ctx, olena, id, visa, in) }
	if err := step(desk.LegalStepInput{Kind: tropa.StepFiled, At: now.Add(-30 * 24 * time.Hour), Note: "через консульство"}); err != nil {
		t.Fatalf("filed: %v", err)
	}
	due := func() time.Time {
		t.Helper()
		r, err := f.store.RequestByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return r.DueAt
	}
	if !due().IsZero() {
		t.Errorf("a step in the past set the case due at %v", due())
	}
	interview := now.Add(10 * 24 * time.Hour)
	if err := step(desk.LegalStepInput{Kind: tropa.StepInterview, At: interview}); err != nil {
		t.Fatalf("interview: %v", err)
	}
	if got := due(); !got.Equal(tropa.DueHour(interview)) {
		t.Errorf("case due %v, want the interview's hour %v", got, tropa.DueHour(interview))
	}
	steps := legal()[0].Steps
	wantError(t, "an operator marking the interview done", f.desk.CompleteDeadline(ctx, oleg, id, steps[len(steps)-1].ID),
		tropa.EFORBIDDEN, "ErrRoleForbidden")
	if len(steps) != 2 || steps[0].Kind != tropa.StepFiled || !steps[0].Done || steps[1].Done || !steps[1].At.Equal(interview.UTC()) {
		t.Fatalf("steps = %+v, want filed (done), interview (ahead)", steps)
	}

	// The embassy moves the interview forward; then it takes place.
	moved := now.Add(5 * 24 * time.Hour)
	if err := step(desk.LegalStepInput{ID: steps[1].ID, Kind: tropa.StepInterview, At: moved}); err != nil {
		t.Fatalf("moving the interview: %v", err)
	}
	if got := due(); !got.Equal(tropa.DueHour(moved)) {
		t.Errorf("after the move the case is due %v, want %v", got, tropa.DueHour(moved))
	}
	f.clock.Advance(6 * 24 * time.Hour)
	if err := step(desk.LegalStepInput{ID: steps[1].ID, Kind: tropa.StepInterview, At: moved}); err != nil {
		t.Fatalf("confirming the interview: %v", err)
	}
	if got := due(); !got.IsZero() {
		t.Errorf("an interview in the past keeps the case due at %v", got)
	}

	wantError(t, "a decision granted tomorrow", step(desk.LegalStepInput{Kind: tropa.StepDecision,
		Decision: tropa.DecisionGranted, At: f.clock.Now().Add(24 * time.Hour)}), tropa.EINVALID, "ErrLegalDecisionAhead")
	wantError(t, "a step of another case's process", f.desk.SaveLegalStep(ctx, olena, id, "nope",
		desk.LegalStepInput{Kind: tropa.StepFiled, At: now}), tropa.ENOTFOUND, "ErrLegalUnknown")
	decided := f.clock.Now().Add(-2 * time.Hour)
	if err := step(desk.LegalStepInput{Kind: tropa.StepDecision, Decision: tropa.DecisionGranted, At: decided}); err != nil {
		t.Fatalf("decision: %v", err)
	}
	if got := legal()[0].Decision; got != tropa.DecisionGranted {
		t.Errorf("decision = %q, want granted", got)
	}
	counts, err := f.store.DecisionCounts(ctx, now.Add(-24*time.Hour), f.clock.Now().Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := tropa.DecisionCount{Day: tropa.Day(decided), Procedure: tropa.ProcedureHumanitary, Decision: tropa.DecisionGranted, Count: 1}
	if len(counts) != 1 || counts[0] != want {
		t.Errorf("DecisionCounts = %+v, want %+v", counts, want)
	}

	c, err := f.desk.OpenCase(ctx, olena, id)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range c.History {
		if ev.Action == tropa.CaseLegal {
			n++
		}
	}
	if n != 7 {
		t.Errorf("history holds %d legal entries, want 7 (2 processes, 5 steps saved)", n)
	}
	f.addStaff(t, "marta", tropa.RoleCoordinator, false)
	marta := f.enroll(t, "marta")
	lines, err := f.desk.AuditLog(ctx, marta, desk.AuditQuery{AuditFilter: tropa.AuditFilter{Actor: olena.Staff.ID,
		RequestID: id, Action: tropa.ActionCaseChange}})
	if err != nil {
		t.Fatal(err)
	}
	legalAudit := 0
	for _, l := range lines {
		if l.Detail == string(tropa.CaseLegal) {
			legalAudit++
		}
	}
	if legalAudit != 7 {
		t.Errorf("the audit log holds %d legal changes by olena, want 7: %+v", legalAudit, lines)
	}
}
