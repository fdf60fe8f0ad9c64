package desk

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"tropa"
	"tropa/seal"
)

// LegalProcessInput is a legal process as typed: the procedure, the
// country and the lawyer or partner organization helping.
type LegalProcessInput struct {
	Procedure tropa.Procedure
	Country   string
	Helper    string
}

// LegalStepInput is a step as typed. ID is empty for a new step, else the
// step it changes. Decision goes with a step of kind tropa.StepDecision.
type LegalStepInput struct {
	ID       string
	Kind     tropa.StepKind
	At       time.Time
	Note     string
	Decision tropa.Decision
}

// sealedStep is what a step keeps under the case key.
type sealedStep struct {
	At       time.Time      `json:"a"`
	Note     string         `json:"n,omitempty"`
	Decision tropa.Decision `json:"d,omitempty"`
}

func legalAAD(table, id, field string) seal.AAD { return seal.AAD{Table: table, Row: id, Field: field} }

// AddLegalProcess starts a legal process for a case: a humanitarian visa in
// one country and asylum in another later are two processes of one case.
func (d *Desk) AddLegalProcess(ctx context.Context, s *Session, requestID string, in LegalProcessInput) error {
	in.Country, in.Helper = strings.TrimSpace(in.Country), strings.TrimSpace(in.Helper)
	if !in.Procedure.Valid() {
		return tropa.UserError(tropa.EINVALID, "ErrLegalProcedure", nil)
	}
	if err := tropa.ValidateText(in.Country, "country", 1, tropa.MaxCountryLen); err != nil {
		return err
	}
	if err := tropa.ValidateText(in.Helper, "helper", 0, tropa.MaxHelperLen); err != nil {
		return err
	}
	key, _, err := d.openCase(ctx, s, requestID, tropa.PermLegal)
	if err != nil {
		return err
	}
	procs, _, err := d.cfg.Store.LegalProcesses(ctx, requestID)
	if err != nil {
		return err
	}
	id := tropa.NewID()
	rec := tropa.LegalProcessRecord{ID: id, RequestID: requestID, Position: len(procs), Procedure: in.Procedure,
		Decision: tropa.DecisionPending, CreatedAt: d.now(),
		SealedCountry: seal.SealString(key, in.Country, legalAAD("legal_processes", id, "country")),
		SealedHelper:  seal.SealString(key, in.Helper, legalAAD("legal_processes", id, "helper"))}
	return d.commit(ctx, s, key, &tropa.CaseUpdate{RequestID: requestID, LegalProcesses: []tropa.LegalProcessRecord{rec}},
		tropa.CaseEvent{Action: tropa.CaseLegal, Subject: string(in.Procedure), To: in.Country, Note: in.Helper})
}

// SaveLegalStep adds a dated step to a legal process, or changes one. A
// step ahead of now is a deadline of the case, with the step's id, that
// orders the queue until it is done; a step moved into the past is done.
// A decision step taken sets the process's decision and its day.
func (d *Desk) SaveLegalStep(ctx context.Context, s *Session, requestID, processID string, in LegalStepInput) error {
	in.Note = strings.TrimSpace(in.Note)
	now := d.now()
	if !in.Kind.Valid() {
		return tropa.UserError(tropa.EINVALID, "ErrLegalStepKind", nil)
	}
	if in.Kind != tropa.StepDecision {
		in.Decision = ""
	} else if !in.Decision.Valid() {
		return tropa.UserError(tropa.EINVALID, "ErrLegalDecision", nil)
	}
	if in.At.IsZero() || in.At.After(now.Add(maxAhead)) || in.At.Before(now.Add(-5*maxAhead)) {
		return tropa.UserError(tropa.EINVALID, "ErrLegalStepDate", nil)
	}
	if in.Kind == tropa.StepDecision && in.Decision != tropa.DecisionPending && in.At.After(now) {
		return tropa.UserError(tropa.EINVALID, "ErrLegalDecisionAhead", nil)
	}
	if err := tropa.ValidateText(in.Note, "legal_note", 0, tropa.MaxLabelLen); err != nil {
		return err
	}
	key, rr, err := d.openCase(ctx, s, requestID, tropa.PermLegal)
	if err != nil {
		return err
	}
	procs, err := d.openLegal(ctx, key, requestID, nil)
	if err != nil {
		return err
	}
	proc, step := findStep(procs, processID, in.ID)
	if proc == nil || (in.ID != "" && step == nil) {
		return tropa.UserError(tropa.ENOTFOUND, "ErrLegalUnknown", nil)
	}
	id := in.ID
	if id == "" {
		id = tropa.NewID()
	}
	at := in.At.UTC().Truncate(time.Microsecond)
	b, err := json.Marshal(sealedStep{At: at, Note: in.Note, Decision: in.Decision})
	if err != nil {
		return err
	}
	u := &tropa.CaseUpdate{RequestID: requestID, LegalSteps: []tropa.LegalStepRecord{{ID: id, ProcessID: proc.ID,
		RequestID: requestID, Kind: in.Kind, CreatedAt: now,
		SealedStep: seal.Seal(key, b, legalAAD("legal_steps", id, "step"))}}}
	if err := d.stepDeadline(ctx, key, rr, u, id, in.Kind, at, s.Staff.ID); err != nil {
		return err
	}
	// The history's subject is procedure/kind, and a decision's outcome
	// after them: procedure/decision/granted.
	ev := tropa.CaseEvent{Action: tropa.CaseLegal, Subject: string(proc.Procedure) + "/" + string(in.Kind),
		Note: in.Note, To: formatTime(at)}
	if in.Kind == tropa.StepDecision {
		ev.Subject += "/" + string(in.Decision)
		if in.Decision != proc.Decision {
			u.LegalProcesses = []tropa.LegalProcessRecord{decide(key, proc, in.Decision, at)}
		}
	}
	return d.commit(ctx, s, key, u, ev)
}

// stepDeadline puts into u the deadline of a step: open while its time is
// ahead, done once it is not.
func (d *Desk) stepDeadline(ctx context.Context, key *seal.Key, rr *tropa.RequestRecord, u *tropa.CaseUpdate, id string, kind tropa.StepKind, at time.Time, by string) error {
	list, err := d.openDeadlines(ctx, key, rr.ID)
	if err != nil {
		return err
	}
	now := d.now()
	dl := tropa.Deadline{ID: id, RequestID: rr.ID, Kind: tropa.DeadlineLegal, Label: string(kind), DueAt: at,
		CreatedBy: by, CreatedAt: now}
	existing := false
	for _, other := range list {
		if other.ID == id {
			dl.CreatedAt, dl.DoneAt, existing = other.CreatedAt, other.DoneAt, true
		}
	}
	if !at.After(now) {
		if !existing {
			return nil
		}
		if dl.DoneAt.IsZero() {
			dl.DoneAt = now
		}
	} else {
		dl.DoneAt = time.Time{}
	}
	du := deadlineUpdate(key, rr, list, dl)
	u.Deadlines, u.DueAt = du.Deadlines, du.DueAt
	return nil
}

// decide makes the record of proc with its decision changed; the day of a
// decision taken is in clear for the figures, its exact time only sealed in
// the step.
func decide(key *seal.Key, proc *tropa.LegalProcess, dec tropa.Decision, at time.Time) tropa.LegalProcessRecord {
	rec := tropa.LegalProcessRecord{ID: proc.ID, RequestID: proc.RequestID, Position: proc.Position,
		Procedure: proc.Procedure, Decision: dec,
		CreatedAt:     proc.CreatedAt,
		SealedCountry: seal.SealString(key, proc.Country, legalAAD("legal_processes", proc.ID, "country")),
		SealedHelper:  seal.SealString(key, proc.Helper, legalAAD("legal_processes", proc.ID, "helper"))}
	if dec != tropa.DecisionPending {
		rec.DecidedOn = tropa.Day(at)
	}
	return rec
}

func findStep(procs []tropa.LegalProcess, processID, stepID string) (*tropa.LegalProcess, *tropa.LegalStep) {
	for i := range procs {
		if procs[i].ID != processID {
			continue
		}
		for j := range procs[i].Steps {
			if procs[i].Steps[j].ID == stepID {
				return &procs[i], &procs[i].Steps[j]
			}
		}
		return &procs[i], nil
	}
	return nil, nil
}

// openLegal opens a case's legal processes and their steps, in time order;
// a step is done unless its deadline is open. deadlines, when not nil, are
// the case's deadlines already opened.
func (d *Desk) openLegal(ctx context.Context, key *seal.Key, requestID string, deadlines []tropa.Deadline) ([]tropa.LegalProcess, error) {
	procs, steps, err := d.cfg.Store.LegalProcesses(ctx, requestID)
	if err != nil {
		return nil, err
	}
	open := map[string]bool{}
	for _, dl := range deadlines {
		open[dl.ID] = dl.Kind == tropa.DeadlineLegal && dl.Open()
	}
	list := make([]tropa.LegalProcess, 0, len(procs))
	index := map[string]int{}
	for _, r := range procs {
		p := tropa.LegalProcess{ID: r.ID, RequestID: r.RequestID, Position: r.Position, Procedure: r.Procedure,
			Decision:  r.Decision,
			CreatedAt: r.CreatedAt}
		if p.Country, err = seal.OpenString(key, r.SealedCountry, legalAAD("legal_processes", r.ID, "country")); err != nil {
			return nil, tropa.Errorf(tropa.EINTERNAL, "open legal process: %v", err)
		}
		if p.Helper, err = seal.OpenString(key, r.SealedHelper, legalAAD("legal_processes", r.ID, "helper")); err != nil {
			return nil, tropa.Errorf(tropa.EINTERNAL, "open legal process: %v", err)
		}
		index[r.ID] = len(list)
		list = append(list, p)
	}
	for _, r := range steps {
		b, err := seal.Open(key, r.SealedStep, legalAAD("legal_steps", r.ID, "step"))
		if err != nil {
			return nil, tropa.Errorf(tropa.EINTERNAL, "open legal step: %v", err)
		}
		var sec sealedStep
		if err := json.Unmarshal(b, &sec); err != nil {
			return nil, tropa.Errorf(tropa.EINTERNAL, "legal step: %v", err)
		}
		i, ok := index[r.ProcessID]
		if !ok {
			continue
		}
		list[i].Steps = append(list[i].Steps, tropa.LegalStep{ID: r.ID, ProcessID: r.ProcessID, Kind: r.Kind,
			At: sec.At.UTC(), Note: sec.Note, Decision: sec.Decision, Done: !open[r.ID]})
	}
	for i := range list {
		slices.SortStableFunc(list[i].Steps, func(a, b tropa.LegalStep) int { return a.At.Compare(b.At) })
	}
	return list, nil
}

// redactLegal leaves in a case opened by someone who may not see its legal
// process only that its history has entries of one: the country, lawyer,
// steps and notes go, and so do the legal steps among its deadlines.
func redactLegal(c *tropa.Case) {
	for i, ev := range c.History {
		if ev.Action == tropa.CaseLegal {
			c.History[i].Subject, c.History[i].From, c.History[i].To, c.History[i].Note = "", "", "", ""
		}
	}
	c.Deadlines = slices.DeleteFunc(c.Deadlines, func(dl tropa.Deadline) bool { return dl.Kind == tropa.DeadlineLegal })
}
