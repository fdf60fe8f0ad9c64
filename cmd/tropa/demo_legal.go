package main

import (
	"context"
	"time"

	"tropa"
	"tropa/desk"
)

// demoAsylum is the demo's man who is out and has applied for asylum: the
// application filed, the interview done, the decision pending and expected,
// so that it waits in the queue.
var demoAsylum = tropa.Submission{Kind: tropa.KindLegal, Situation: tropa.SituationAbroad, Channel: tropa.ChannelTelegram,
	Message: "[DEMO — fake request] Я уже за границей, подал на убежище. Интервью прошло, что дальше?"}

// addDemoAsylum submits the asylum case and follows it as a caseworker
// would have in the weeks before now.
func addDemoAsylum(ctx context.Context, d *desk.Desk, caseworker *desk.Session, now time.Time) error {
	r, err := d.Submit(ctx, demoAsylum)
	if err != nil {
		return err
	}
	t, err := d.ApplicantThread(ctx, r.String())
	if err != nil {
		return err
	}
	id := t.Request.ID
	if err := d.Triage(ctx, caseworker, id, desk.Triage{Version: 1, Disposition: tropa.DispositionCase}); err != nil {
		return err
	}
	if err := d.AddLegalProcess(ctx, caseworker, id, desk.LegalProcessInput{Procedure: tropa.ProcedureAsylum,
		Country: "[DEMO] a fake country", Helper: "[DEMO] a fake partner lawyer, fake-lawyer@example.invalid"}); err != nil {
		return err
	}
	c, err := d.OpenCase(ctx, caseworker, id)
	if err != nil {
		return err
	}
	process := c.Legal[0].ID
	for _, in := range []desk.LegalStepInput{
		{Kind: tropa.StepFiled, At: now.AddDate(0, 0, -40), Note: "[DEMO] filed at a fake office"},
		{Kind: tropa.StepInterview, At: now.AddDate(0, 0, -9), Note: "[DEMO] interview done, with an interpreter"},
		{Kind: tropa.StepDecision, Decision: tropa.DecisionPending, At: now.AddDate(0, 0, 21),
			Note: "[DEMO] decision expected"},
	} {
		if err := d.SaveLegalStep(ctx, caseworker, id, process, in); err != nil {
			return err
		}
	}
	return nil
}
