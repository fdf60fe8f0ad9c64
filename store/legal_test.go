package store_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

func legalRows(requestID string, decided time.Time) ([]tropa.LegalProcessRecord, []tropa.LegalStepRecord) {
	p := tropa.LegalProcessRecord{ID: tropa.NewID(), RequestID: requestID, Procedure: tropa.ProcedureAsylum,
		Decision: tropa.DecisionGranted, DecidedOn: decided, SealedCountry: []byte("sealed country"),
		SealedHelper: []byte("sealed lawyer"), CreatedAt: decided}
	st := tropa.LegalStepRecord{ID: tropa.NewID(), ProcessID: p.ID, RequestID: requestID, Kind: tropa.StepDecision,
		SealedStep: []byte("sealed step"), CreatedAt: decided}
	return []tropa.LegalProcessRecord{p}, []tropa.LegalStepRecord{st}
}

// TestLegal keeps a case's legal process, counts its decisions by day from
// clear columns, refuses a step under another case's process, and leaves
// nothing of it once retention deletes the case.
func TestLegal(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testLegal)
}

func testLegal(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	closed := mustAge(t, db, aged{created: base.Add(-200 * day), closed: base.Add(-100 * day),
		disposition: tropa.DispositionCase, outcome: tropa.OutcomeLeftCountry})
	other := mustAge(t, db, aged{created: base.Add(-10 * day), disposition: tropa.DispositionCase})
	id := closed.Request.ID
	procs, steps := legalRows(id, base.Add(-150*day))
	mustUpdateCase(t, db, &tropa.CaseUpdate{RequestID: id, At: base, LegalProcesses: procs, LegalSteps: steps})

	gotP, gotS, err := db.LegalProcesses(ctx, id)
	if err != nil || len(gotP) != 1 || len(gotS) != 1 || string(gotP[0].SealedHelper) != "sealed lawyer" ||
		!gotP[0].DecidedOn.Equal(tropa.Day(base.Add(-150*day))) || gotS[0].ProcessID != procs[0].ID {
		t.Fatalf("LegalProcesses = %+v, %+v, %v", gotP, gotS, err)
	}
	counts, err := db.DecisionCounts(ctx, base.Add(-160*day), base)
	if err != nil || len(counts) != 1 || counts[0].Count != 1 || counts[0].Decision != tropa.DecisionGranted {
		t.Errorf("DecisionCounts = %+v, %v", counts, err)
	}

	stray := steps[0]
	stray.ID, stray.RequestID = tropa.NewID(), other.Request.ID
	err = db.UpdateCase(ctx, &tropa.CaseUpdate{RequestID: other.Request.ID, At: base,
		LegalSteps: []tropa.LegalStepRecord{stray}})
	if !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("a step under another case's process: %v, want ENOTFOUND", err)
	}

	if c := mustApplyRetention(t, db, (tropa.Retention{ClosedAfter: 100}).Batch(base, 100)); c.DeletedClosed != 1 {
		t.Fatalf("retention: %+v, want the closed case deleted", c)
	}
	if gotP, gotS, err := db.LegalProcesses(ctx, id); err != nil || len(gotP)+len(gotS) != 0 {
		t.Errorf("after the case was deleted: %d processes, %d steps (%v), want none", len(gotP), len(gotS), err)
	}
	// The figures keep the decision, from the counts retention kept.
	if counts, err := db.DecisionCounts(ctx, base.Add(-160*day), base); err != nil || len(counts) != 1 || counts[0].Count != 1 {
		t.Errorf("after the case was deleted its decision counts %+v (%v), want once as before", counts, err)
	}
}
