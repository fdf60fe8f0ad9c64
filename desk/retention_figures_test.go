package desk_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/stats"
	"tropa/store/storetest"
)

// TestRetentionKeepsActivityFigures follows a case through a call, a
// surrender meeting, a shelter stay and an asylum decision, closes it and
// lets retention delete it: the figures of those months read the same
// before and after, on SQLite and PostgreSQL.
func TestRetentionKeepsActivityFigures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testRetentionKeepsActivityFigures)
}

func testRetentionKeepsActivityFigures(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	f := newFixtureOn(t, b)
	olena := f.caseworker(t, "olena")
	f.addStaff(t, "kate", tropa.RoleCoordinator, false)
	kate := f.enroll(t, "kate")
	_, id, err := f.desk.TakeCall(ctx, olena, tropa.NewCall{Caller: tropa.CallerSelf,
		Submission: tropa.Submission{Kind: tropa.KindSurrender, Situation: tropa.SituationFront, Message: "хочу сдаться"}})
	if err != nil {
		t.Fatalf("TakeCall: %v", err)
	}
	if err := f.desk.Triage(ctx, olena, id, desk.Triage{Version: 1, Disposition: tropa.DispositionCase}); err != nil {
		t.Fatalf("Triage: %v", err)
	}

	start := f.clock.Now().Add(26 * time.Hour).Truncate(time.Hour)
	mid, err := f.desk.ArrangeMeeting(ctx, olena, id, desk.MeetingInput{Window: tropa.Window{Start: start,
		End: start.Add(time.Hour), Zone: "UTC"}, Place: "у моста", Sign: "белая повязка", Phrase: "тихий дон"})
	if err != nil {
		t.Fatalf("ArrangeMeeting: %v", err)
	}
	if err := f.desk.MoveMeeting(ctx, olena, id, mid, tropa.MeetingConfirmed, ""); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	f.clock.Set(start.Add(2 * time.Hour))
	if err := f.desk.MoveMeeting(ctx, olena, id, mid, tropa.MeetingCompleted, ""); err != nil {
		t.Fatalf("complete: %v", err)
	}

	shelter, err := f.desk.AddShelter(ctx, kate, desk.ShelterInput{Name: "Квартира", Address: "ул. Холмная, 4", Contact: "Марта", Beds: 3})
	if err != nil {
		t.Fatalf("AddShelter: %v", err)
	}
	if err := f.desk.GrantShelter(ctx, kate, shelter.ID, olena.Staff.ID); err != nil {
		t.Fatalf("GrantShelter: %v", err)
	}
	if err := f.desk.BookStay(ctx, olena, id, desk.StayInput{ShelterID: shelter.ID, First: ymd("2025-06-05"),
		End: ymd("2025-07-03"), Beds: 2}); err != nil {
		t.Fatalf("BookStay: %v", err)
	}

	if err := f.desk.AddLegalProcess(ctx, olena, id, desk.LegalProcessInput{Procedure: tropa.ProcedureAsylum, Country: "Germany"}); err != nil {
		t.Fatalf("AddLegalProcess: %v", err)
	}
	f.clock.Set(time.Date(2025, 7, 20, 12, 0, 0, 0, time.UTC))
	c, err := f.desk.OpenCase(ctx, olena, id)
	if err != nil || len(c.Legal) != 1 {
		t.Fatalf("OpenCase: %v", err)
	}
	if err := f.desk.SaveLegalStep(ctx, olena, id, c.Legal[0].ID, desk.LegalStepInput{Kind: tropa.StepDecision,
		Decision: tropa.DecisionGranted, At: f.clock.Now().Add(-time.Hour)}); err != nil {
		t.Fatalf("decision: %v", err)
	}
	c, err = f.desk.OpenCase(ctx, olena, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.desk.ChangeCase(ctx, olena, id, desk.CaseChange{Version: c.Request.Version, Stage: tropa.StageClosed,
		Outcome: tropa.OutcomeLeftCountry}); err != nil {
		t.Fatalf("close: %v", err)
	}

	summer, err := stats.Range(ymd("2025-06-01"), ymd("2025-07-31"))
	if err != nil {
		t.Fatal(err)
	}
	before, err := f.desk.LocalFigures(ctx, summer)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	for _, n := range before.Counts.CallsByDay {
		calls += n
	}
	if calls != 1 || before.Meetings[tropa.MeetingCompleted] != 1 || before.Counts.StaysBegun != 1 ||
		before.Counts.StayNights != 2*28 || len(before.Decisions) != 1 {
		t.Fatalf("figures before retention: %d calls, %+v meetings, %d stays, %d nights, %+v decisions",
			calls, before.Meetings, before.Counts.StaysBegun, before.Counts.StayNights, before.Decisions)
	}

	f.clock.Set(f.clock.Now().AddDate(3, 0, 0))
	if got := f.applyRetention(t); got.DeletedClosed != 1 {
		t.Fatalf("retention deleted %+v, want the case", got)
	}
	if _, err := f.store.RequestByID(ctx, id); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Fatalf("the case is still there: %v", err)
	}
	after, err := f.desk.LocalFigures(ctx, summer)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, before) {
		t.Errorf("figures of the summer changed when retention deleted the case:\nbefore %+v\nafter  %+v", before, after)
	}
	june, err := f.desk.LocalFigures(ctx, stats.Month(2025, time.June))
	if err != nil {
		t.Fatal(err)
	}
	if june.Counts.StaysBegun != 1 || june.Counts.StayNights != 2*26 {
		t.Errorf("June after retention: %d stays begun, %d nights; want 1 and 52", june.Counts.StaysBegun, june.Counts.StayNights)
	}
}
