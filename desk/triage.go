package desk

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"tropa"
)

// Triage is what a caseworker decides about a new request.
type Triage struct {
	// Version is the request's version on the page the decision was made.
	Version     int
	Disposition tropa.Disposition
	Urgency     tropa.Urgency
	// Reason explains a request that is not taken on; it is sealed.
	Reason string
	// DuplicateOf is the reference of the request this one repeats.
	DuplicateOf string
}

// Triage turns a request into a case, or closes it as spam, a duplicate
// or not the organization's help. A request marked wrongly may be triaged
// again; a case may not.
func (d *Desk) Triage(ctx context.Context, s *Session, requestID string, t Triage) error {
	if !t.Disposition.Valid() {
		return tropa.UserError(tropa.EINVALID, "ErrDispositionRequired", nil)
	}
	if err := validUrgency(t.Urgency); err != nil {
		return err
	}
	t.Reason = strings.TrimSpace(t.Reason)
	if err := tropa.ValidateText(t.Reason, "reason", 0, tropa.MaxReasonLen); err != nil {
		return err
	}
	if t.Reason == "" && (t.Disposition == tropa.DispositionSpam || t.Disposition == tropa.DispositionNotOurs) {
		return tropa.UserError(tropa.EINVALID, "ErrFieldRequired", map[string]any{"Field": "reason"})
	}
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermWork)
	if err != nil {
		return err
	}
	if rr.Disposition == tropa.DispositionCase {
		return tropa.UserError(tropa.ECONFLICT, "ErrAlreadyTriaged", nil)
	}
	u := &tropa.CaseUpdate{RequestID: requestID, Version: t.Version, Disposition: &t.Disposition, Urgency: &t.Urgency}
	events := []tropa.CaseEvent{{Action: tropa.CaseTriage, From: string(rr.Disposition), To: string(t.Disposition),
		Note: t.Reason}}
	stage, closedAt := tropa.StageTriage, time.Time{}
	if t.Disposition != tropa.DispositionCase {
		stage, closedAt = tropa.StageClosed, d.now()
	}
	u.Stage, u.ClosedAt = &stage, &closedAt
	if err := d.pauseOrResume(ctx, key, rr, u); err != nil {
		return err
	}
	if stage != rr.Stage {
		events = append(events, tropa.CaseEvent{Action: tropa.CaseStage, From: string(rr.Stage), To: string(stage)})
	}
	if t.Urgency != rr.Urgency {
		events = append(events, urgencyEvent(rr.Urgency, t.Urgency))
	}
	if t.Disposition == tropa.DispositionDuplicate {
		original, err := d.findRef(ctx, s, t.DuplicateOf)
		if err != nil {
			return err
		}
		if original.ID == requestID {
			return tropa.UserError(tropa.EINVALID, "ErrLinkSelf", nil)
		}
		u.Links = []string{original.ID}
		events = append(events, tropa.CaseEvent{Action: tropa.CaseLink, To: original.Ref})
	}
	return d.commit(ctx, s, key, u, events...)
}

// CaseChange is a caseworker's edit of a case's stage, urgency and
// outcome.
type CaseChange struct {
	Version int
	Stage   tropa.Stage
	Urgency tropa.Urgency
	// Outcome is required when Stage closes the case, and ignored
	// otherwise.
	Outcome tropa.Outcome
}

// ChangeCase moves a case to another stage, changes its urgency, or closes
// it with an outcome. Closing needs an outcome and pauses the case's open
// deadlines; moving a closed case to an open stage reopens it, resumes them
// and answers the applicant's message that flagged it, if any. Each change
// is recorded in the case's history.
func (d *Desk) ChangeCase(ctx context.Context, s *Session, requestID string, c CaseChange) error {
	if err := validUrgency(c.Urgency); err != nil {
		return err
	}
	v, err := d.Vocabulary(ctx)
	if err != nil {
		return err
	}
	if !v.HasStage(c.Stage) || c.Stage == tropa.StageNew {
		return tropa.UserError(tropa.EINVALID, "ErrStageUnknown", nil)
	}
	if c.Stage != tropa.StageClosed {
		c.Outcome = ""
	} else if !v.HasOutcome(c.Outcome) {
		return tropa.UserError(tropa.EINVALID, "ErrOutcomeRequired", nil)
	}
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermWork)
	if err != nil {
		return err
	}
	if rr.Disposition != tropa.DispositionCase {
		return tropa.UserError(tropa.ECONFLICT, "ErrTriageFirst", nil)
	}
	u := &tropa.CaseUpdate{RequestID: requestID, Version: c.Version}
	var events []tropa.CaseEvent
	if c.Stage != rr.Stage {
		u.Stage = &c.Stage
		events = append(events, tropa.CaseEvent{Action: tropa.CaseStage, From: string(rr.Stage), To: string(c.Stage)})
		var closedAt time.Time
		if c.Stage == tropa.StageClosed {
			closedAt = d.now()
		} else if rr.Stage == tropa.StageClosed {
			events = append(events, tropa.CaseEvent{Action: tropa.CaseReopen, From: string(rr.Outcome)})
		}
		u.ClosedAt = &closedAt
		if err := d.pauseOrResume(ctx, key, rr, u); err != nil {
			return err
		}
	}
	if c.Outcome != rr.Outcome {
		u.Outcome = &c.Outcome
		if c.Outcome != "" {
			events = append(events, tropa.CaseEvent{Action: tropa.CaseOutcome, From: string(rr.Outcome), To: string(c.Outcome)})
		}
	}
	if c.Urgency != rr.Urgency {
		u.Urgency = &c.Urgency
		events = append(events, urgencyEvent(rr.Urgency, c.Urgency))
	}
	if len(events) == 0 {
		return nil
	}
	return d.commit(ctx, s, key, u, events...)
}

// SaveDetails saves a case's document checklist and route. Only what
// changed goes into the history, sealed like the details themselves.
func (d *Desk) SaveDetails(ctx context.Context, s *Session, requestID string, version int, det tropa.CaseDetails) error {
	det.Route = strings.TrimSpace(det.Route)
	det.Destination = strings.TrimSpace(det.Destination)
	if err := det.Validate(); err != nil {
		return err
	}
	v, err := d.Vocabulary(ctx)
	if err != nil {
		return err
	}
	for doc, st := range det.Documents {
		if !v.HasDocument(doc) {
			return tropa.UserError(tropa.EINVALID, "ErrDocumentStatus", nil)
		}
		if st == tropa.DocumentUnknown {
			delete(det.Documents, doc)
		}
	}
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermWork)
	if err != nil {
		return err
	}
	old, err := openDetails(key, rr)
	if err != nil {
		return err
	}
	var events []tropa.CaseEvent
	docs := slices.Sorted(maps.Keys(det.Documents))
	for doc := range old.Documents {
		if _, ok := det.Documents[doc]; !ok {
			docs = append(docs, doc)
		}
	}
	for _, doc := range docs {
		from, to := statusOf(old.Documents, doc), statusOf(det.Documents, doc)
		if from != to {
			events = append(events, tropa.CaseEvent{Action: tropa.CaseDocuments, Subject: doc, From: string(from), To: string(to)})
		}
	}
	if old.Destination != det.Destination {
		events = append(events, tropa.CaseEvent{Action: tropa.CaseRoute, Subject: "destination", From: old.Destination,
			To: det.Destination})
	}
	if old.Route != det.Route {
		events = append(events, tropa.CaseEvent{Action: tropa.CaseRoute, Subject: "route"})
	}
	if len(events) == 0 {
		return nil
	}
	u := &tropa.CaseUpdate{RequestID: requestID, Version: version, SealedDetails: sealDetails(key, requestID, det)}
	return d.commit(ctx, s, key, u, events...)
}

func statusOf(docs map[string]tropa.DocumentStatus, doc string) tropa.DocumentStatus {
	if st, ok := docs[doc]; ok {
		return st
	}
	return tropa.DocumentUnknown
}

// Link marks two requests as coming from the same person. The staff member
// must be able to open both.
func (d *Desk) Link(ctx context.Context, s *Session, requestID, ref string) error {
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermWork)
	if err != nil {
		return err
	}
	other, err := d.findRef(ctx, s, ref)
	if err != nil {
		return err
	}
	if other.ID == requestID {
		return tropa.UserError(tropa.EINVALID, "ErrLinkSelf", nil)
	}
	if _, err := d.caseKey(ctx, s, other.ID, tropa.PermWork); err != nil {
		return err
	}
	return d.commit(ctx, s, key, &tropa.CaseUpdate{RequestID: requestID, Links: []string{other.ID}},
		tropa.CaseEvent{Action: tropa.CaseLink, From: rr.Ref, To: other.Ref})
}

func validUrgency(u tropa.Urgency) error {
	if u != tropa.UrgencyNormal && u != tropa.UrgencyHigh {
		return tropa.UserError(tropa.EINVALID, "ErrUrgencyInvalid", nil)
	}
	return nil
}

func urgencyEvent(from, to tropa.Urgency) tropa.CaseEvent {
	return tropa.CaseEvent{Action: tropa.CaseUrgency, From: from.String(), To: to.String()}
}
