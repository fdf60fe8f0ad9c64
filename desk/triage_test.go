package desk_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
)

func TestTriage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	f.addStaff(t, "oksana", tropa.RoleOperator, true)
	oksana := f.enroll(t, "oksana")
	_, first := f.submit(t, submission("first", "первое"))
	_, spam := f.submit(t, submission("", "реклама"))
	_, again := f.submit(t, submission("first", "снова я"))
	firstReq, err := f.store.RequestByID(ctx, first)
	if err != nil {
		t.Fatal(err)
	}

	wantError(t, "an operator triages", f.desk.Triage(ctx, oksana, first, desk.Triage{Version: 1, Disposition: tropa.DispositionCase}),
		tropa.EFORBIDDEN, "ErrRoleForbidden")
	wantError(t, "no disposition", f.desk.Triage(ctx, olena, first, desk.Triage{Version: 1}), tropa.EINVALID, "ErrDispositionRequired")
	wantError(t, "spam without a reason", f.desk.Triage(ctx, olena, spam, desk.Triage{Version: 1, Disposition: tropa.DispositionSpam}),
		tropa.EINVALID, "ErrFieldRequired")
	wantError(t, "stage change before triage", f.desk.ChangeCase(ctx, olena, first, desk.CaseChange{Version: 1, Stage: tropa.StageCounselling}),
		tropa.ECONFLICT, "ErrTriageFirst")

	if err := f.desk.Triage(ctx, olena, first, desk.Triage{Version: 1, Disposition: tropa.DispositionCase, Urgency: tropa.UrgencyHigh}); err != nil {
		t.Fatalf("Triage case: %v", err)
	}
	r, _ := f.store.RequestByID(ctx, first)
	if r.Stage != tropa.StageTriage || r.Disposition != tropa.DispositionCase || r.Urgency != tropa.UrgencyHigh || !r.Open() || r.Version != 2 {
		t.Errorf("after triage as a case: %+v", r.Request)
	}
	wantError(t, "triage a case again", f.desk.Triage(ctx, olena, first, desk.Triage{Version: 2, Disposition: tropa.DispositionSpam, Reason: "x"}),
		tropa.ECONFLICT, "ErrAlreadyTriaged")

	if err := f.desk.Triage(ctx, olena, spam, desk.Triage{Version: 1, Disposition: tropa.DispositionSpam, Reason: "рассылка"}); err != nil {
		t.Fatalf("Triage spam: %v", err)
	}
	r, _ = f.store.RequestByID(ctx, spam)
	if r.Stage != tropa.StageClosed || r.Disposition != tropa.DispositionSpam || r.Open() {
		t.Errorf("after triage as spam: %+v", r.Request)
	}
	c, err := f.desk.OpenCase(ctx, olena, spam)
	if err != nil || len(c.History) == 0 || c.History[0].Note != "рассылка" {
		t.Errorf("spam history = %+v, %v; want the reason", c.History, err)
	}
	// Marked as spam by mistake: it can be triaged again.
	if err := f.desk.Triage(ctx, olena, spam, desk.Triage{Version: 2, Disposition: tropa.DispositionCase}); err != nil {
		t.Errorf("re-triage of a request marked spam: %v", err)
	}

	wantError(t, "duplicate of an unknown reference",
		f.desk.Triage(ctx, olena, again, desk.Triage{Version: 1, Disposition: tropa.DispositionDuplicate, DuplicateOf: "ZZZZZZ"}),
		tropa.ENOTFOUND, "ErrRefUnknown")
	if err := f.desk.Triage(ctx, olena, again, desk.Triage{Version: 1, Disposition: tropa.DispositionDuplicate,
		DuplicateOf: " " + firstReq.Ref + " "}); err != nil {
		t.Fatalf("Triage duplicate: %v", err)
	}
	for _, pair := range [][2]string{{again, first}, {first, again}} {
		links, err := f.store.Links(ctx, pair[0])
		if err != nil || len(links) != 1 || links[0].ID != pair[1] {
			t.Errorf("links of %s = %+v, %v; want the other request", pair[0], links, err)
		}
	}
}

func TestChangeCase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena, petro := f.caseworker(t, "olena"), f.caseworker(t, "petro")
	_, id := f.submit(t, submission("x", "помогите"))
	if err := f.desk.Triage(ctx, olena, id, desk.Triage{Version: 1, Disposition: tropa.DispositionCase}); err != nil {
		t.Fatal(err)
	}

	if err := f.desk.ChangeCase(ctx, olena, id, desk.CaseChange{Version: 2, Stage: tropa.StageCounselling}); err != nil {
		t.Fatalf("ChangeCase: %v", err)
	}
	// Petro's page still shows version 2: his change is refused, and
	// nothing of it is written.
	err := f.desk.ChangeCase(ctx, petro, id, desk.CaseChange{Version: 2, Stage: tropa.StageExitPlan, Urgency: tropa.UrgencyHigh})
	wantError(t, "stale change", err, tropa.ECONFLICT, "ErrCaseChanged")
	r, _ := f.store.RequestByID(ctx, id)
	if r.Stage != tropa.StageCounselling || r.Urgency != tropa.UrgencyNormal {
		t.Errorf("after a stale change: stage %q urgency %d, want counselling, normal", r.Stage, r.Urgency)
	}
	wantError(t, "unknown stage", f.desk.ChangeCase(ctx, olena, id, desk.CaseChange{Version: 3, Stage: "nowhere"}),
		tropa.EINVALID, "ErrStageUnknown")
	wantError(t, "close without an outcome", f.desk.ChangeCase(ctx, olena, id, desk.CaseChange{Version: 3, Stage: tropa.StageClosed}),
		tropa.EINVALID, "ErrOutcomeRequired")
	if err := f.desk.ChangeCase(ctx, olena, id, desk.CaseChange{Version: 3, Stage: tropa.StageClosed, Outcome: tropa.OutcomeLeftCountry}); err != nil {
		t.Fatalf("close: %v", err)
	}
	r, _ = f.store.RequestByID(ctx, id)
	if r.Open() || r.Outcome != tropa.OutcomeLeftCountry {
		t.Errorf("closed case: %+v", r.Request)
	}
	if list, _ := f.desk.Queue(ctx, olena, tropa.QueueFilter{}); len(list) != 0 {
		t.Errorf("open queue holds a closed case: %v", list)
	}
	if list, _ := f.desk.Queue(ctx, olena, tropa.QueueFilter{Closed: true}); len(list) != 1 {
		t.Errorf("closed queue = %v, want the case", list)
	}
	if err := f.desk.ChangeCase(ctx, olena, id, desk.CaseChange{Version: 4, Stage: tropa.StageSafe}); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	r, _ = f.store.RequestByID(ctx, id)
	if !r.Open() || r.Outcome != "" {
		t.Errorf("reopened case: %+v", r.Request)
	}
	got := history(t, f, olena, id)
	want := []tropa.CaseAction{tropa.CaseTriage, tropa.CaseStage, tropa.CaseStage, tropa.CaseStage, tropa.CaseOutcome,
		tropa.CaseStage, tropa.CaseReopen}
	if !slices.Equal(got, want) {
		t.Errorf("history = %v, want %v", got, want)
	}
}

// TestOrganizationStages: stages added in settings can be used at once.
func TestOrganizationStages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	f.addStaff(t, "admin", tropa.RoleAdmin, false)
	admin := f.enroll(t, "admin")
	_, id := f.submit(t, submission("x", "y"))
	if err := f.desk.Triage(ctx, olena, id, desk.Triage{Version: 1, Disposition: tropa.DispositionCase}); err != nil {
		t.Fatal(err)
	}
	names := map[string]string{"ru": "В приюте", "en": "In a shelter"}
	wantError(t, "a caseworker adds a stage", f.desk.AddTerm(ctx, olena, tropa.ListStages, names), tropa.EFORBIDDEN, "ErrRoleForbidden")
	if err := f.desk.AddTerm(ctx, admin, tropa.ListStages, names); err != nil {
		t.Fatalf("AddTerm: %v", err)
	}
	v, err := f.desk.Vocabulary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	shelter := v.Stages[len(v.Stages)-2]
	if shelter.Names["en"] != "In a shelter" || v.Stages[len(v.Stages)-1].Key != string(tropa.StageClosed) {
		t.Fatalf("stages after adding one = %+v; want it just before closed", v.Stages)
	}
	if err := f.desk.ChangeCase(ctx, olena, id, desk.CaseChange{Version: 2, Stage: tropa.Stage(shelter.Key)}); err != nil {
		t.Errorf("move to the organization's own stage: %v", err)
	}
	if err := f.desk.RenameTerm(ctx, admin, tropa.ListOutcomes, string(tropa.OutcomeWithdrew), map[string]string{"ru": "Передумал"}); err != nil {
		t.Fatalf("RenameTerm: %v", err)
	}
	v, _ = f.desk.Vocabulary(ctx)
	if i := slices.IndexFunc(v.Outcomes, func(t tropa.Term) bool { return t.Key == string(tropa.OutcomeWithdrew) }); i < 0 || v.Outcomes[i].Names["ru"] != "Передумал" {
		t.Errorf("outcomes after rename = %+v", v.Outcomes)
	}
	wantError(t, "wanted hours out of range", f.desk.SetWantedAfter(ctx, admin, 0), tropa.EINVALID, "ErrWantedHours")
	if err := f.desk.SetWantedAfter(ctx, admin, 72); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.desk.Vocabulary(ctx); v.WantedAfter != 72*time.Hour {
		t.Errorf("WantedAfter = %v, want 72h", v.WantedAfter)
	}
}

// TestDeadlineClock moves the clock and watches the queue order by what
// runs out first.
func TestDeadlineClock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	_, calm := f.submit(t, submission("a", "спокойно"))
	_, absent := f.submit(t, submission("b", "ушёл вчера"))
	_, passport := f.submit(t, submission("c", "паспорт"))
	now := f.clock.Now()

	// He left 40 hours ago: 8 hours to go of the default 48.
	if err := f.desk.RecordLeftUnit(ctx, olena, absent, now.Add(-40*time.Hour)); err != nil {
		t.Fatalf("RecordLeftUnit: %v", err)
	}
	if err := f.desk.AddDeadline(ctx, olena, passport, tropa.DeadlineTask, now.Add(20*time.Hour), "сдать загранпаспорт"); err != nil {
		t.Fatalf("AddDeadline: %v", err)
	}
	order := func(f2 tropa.QueueFilter) []string {
		t.Helper()
		list, err := f.desk.Queue(ctx, olena, f2)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range list {
			ids = append(ids, r.ID)
		}
		return ids
	}
	if got, want := order(tropa.QueueFilter{}), []string{absent, passport, calm}; !slices.Equal(got, want) {
		t.Errorf("queue = %v, want absent (8 h), passport (20 h), calm", got)
	}
	r, _ := f.store.RequestByID(ctx, absent)
	if r.Urgency != tropa.UrgencyHigh || !r.DueAt.Equal(tropa.DueHour(now.Add(8*time.Hour))) {
		t.Errorf("absent case: urgency %d due %v; want urgent, due in 8 h, to the hour", r.Urgency, r.DueAt)
	}
	if tropa.DueStateAt(r.DueAt, now) != tropa.DueSoon {
		t.Errorf("8 hours before: %q, want soon", tropa.DueStateAt(r.DueAt, now))
	}
	f.clock.Advance(9 * time.Hour)
	if tropa.DueStateAt(r.DueAt, f.clock.Now()) != tropa.DueOverdue {
		t.Error("9 hours later the clock is not overdue")
	}

	// He arrived somewhere safe: the clock stops counting, and the
	// passport task comes first.
	c, err := f.desk.OpenCase(ctx, olena, absent)
	if err != nil || len(c.Deadlines) != 1 {
		t.Fatalf("OpenCase: %+v, %v", c, err)
	}
	if err := f.desk.CompleteDeadline(ctx, olena, absent, c.Deadlines[0].ID); err != nil {
		t.Fatalf("CompleteDeadline: %v", err)
	}
	if got := order(tropa.QueueFilter{}); got[0] != passport {
		t.Errorf("queue after the clock stopped = %v, want the passport case first", got)
	}
	if got := order(tropa.QueueFilter{DueBefore: f.clock.Now().Add(24 * time.Hour)}); !slices.Equal(got, []string{passport}) {
		t.Errorf("due within 24 h = %v, want the passport case only", got)
	}
	wantError(t, "a deadline without a label", f.desk.AddDeadline(ctx, olena, calm, tropa.DeadlineTask, now, " "),
		tropa.EINVALID, "ErrFieldRequired")
	wantError(t, "a deadline years away", f.desk.AddDeadline(ctx, olena, calm, tropa.DeadlineTask, now.AddDate(5, 0, 0), "x"),
		tropa.EINVALID, "ErrDueInvalid")
	wantError(t, "completing a deadline of another case", f.desk.CompleteDeadline(ctx, olena, calm, c.Deadlines[0].ID),
		tropa.ENOTFOUND, "ErrDeadlineUnknown")
	got := history(t, f, olena, absent)
	want := []tropa.CaseAction{tropa.CaseDeadline, tropa.CaseUrgency, tropa.CaseDone}
	if !slices.Equal(got, want) {
		t.Errorf("history = %v, want %v", got, want)
	}
}

// TestDetailsAreSealed: documents and route are kept under the case key,
// their history too.
func TestDetailsAreSealed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	_, id := f.submit(t, submission("x", "y"))
	det := tropa.CaseDetails{Documents: map[string]tropa.DocumentStatus{
		tropa.DocumentInternalPassport:      tropa.DocumentHeld,
		tropa.DocumentInternationalPassport: tropa.DocumentConfiscated},
		Route: "через Казахстан, поездом", Destination: "Армения"}
	if err := f.desk.SaveDetails(ctx, olena, id, 1, det); err != nil {
		t.Fatalf("SaveDetails: %v", err)
	}
	wantError(t, "a stale save", f.desk.SaveDetails(ctx, olena, id, 1, tropa.CaseDetails{Route: "другой"}), tropa.ECONFLICT, "ErrCaseChanged")
	wantError(t, "an unknown document", f.desk.SaveDetails(ctx, olena, id, 2,
		tropa.CaseDetails{Documents: map[string]tropa.DocumentStatus{"diploma": tropa.DocumentHeld}}), tropa.EINVALID, "ErrDocumentStatus")
	c, err := f.desk.OpenCase(ctx, olena, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Details.Route != det.Route || c.Details.Destination != det.Destination ||
		c.Details.Documents[tropa.DocumentInternationalPassport] != tropa.DocumentConfiscated {
		t.Errorf("details = %+v, want %+v", c.Details, det)
	}
	var docs []string
	for _, ev := range c.History {
		if ev.Action == tropa.CaseDocuments {
			docs = append(docs, ev.Subject+":"+ev.To)
		}
	}
	if !slices.Equal(docs, []string{"internal_passport:held", "international_passport:confiscated"}) {
		t.Errorf("document history = %v", docs)
	}
	events, err := f.store.CaseEvents(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		if ev.From != "" || ev.To != "" || ev.SealedNote == nil {
			t.Errorf("history row %s stores %q → %q in the clear", ev.Action, ev.From, ev.To)
		}
	}
}

// TestNotesStayInside: the applicant never sees an internal note, and a
// note is not an answer.
func TestNotesStayInside(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	r, id := f.submit(t, submission("x", "вопрос"))
	if err := f.desk.AddNote(ctx, olena, id, "похоже на провокацию"); err != nil {
		t.Fatalf("AddNote: %v", err)
	}
	th, err := f.desk.ApplicantThread(ctx, r.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(th.Messages) != 1 || !th.Request.AwaitingReply() {
		t.Errorf("applicant sees %d messages, awaiting reply %v; want his own only, still awaiting", len(th.Messages), th.Request.AwaitingReply())
	}
	c, err := f.desk.OpenCase(ctx, olena, id)
	if err != nil || len(c.Messages) != 2 || c.Messages[1].Author != tropa.AuthorNote || c.Messages[1].Body != "похоже на провокацию" {
		t.Errorf("staff see %+v, %v; want the note", c.Messages, err)
	}
}
