package desk

import (
	"context"
	"iter"
	"runtime"
	"time"

	"tropa"
	"tropa/seal"
)

// ImportHistory writes an organization's past requests, so that its
// figures start from its first day: each row becomes a case received and
// closed on the row's day with the row's outcome, owned by no one, so that
// it enters no one's queue and sets off no notice. A row's text is sealed
// like any request's first message, under a case key of its own wrapped to
// the recovery key and to the intake group as it is now; a row without
// text gets no key at all, and costs no key work. Every row is validated
// again here; the first bad one, or rows' own error, writes nothing. It
// needs public keys only, like intake, and returns how many it wrote.
func (d *Desk) ImportHistory(ctx context.Context, rows iter.Seq2[tropa.HistoryRow, error]) (int, error) {
	v, err := d.Vocabulary(ctx)
	if err != nil {
		return 0, err
	}
	recipients, err := d.intakeRecipients(ctx)
	if err != nil {
		return 0, err
	}
	now := d.now()
	requests := sealInParallel(ctx, rows, runtime.GOMAXPROCS(0), func(row *tropa.HistoryRow) (*tropa.ImportedRequest, error) {
		if err := row.Validate(v, now); err != nil {
			return nil, err
		}
		return importedRequest(row, recipients, now)
	})
	return d.cfg.Store.ImportRequests(ctx, &tropa.ImportBatch{Requests: requests, NewRef: newRef,
		Audit: tropa.AuditEvent{At: now, Actor: ActorCLI, Action: tropa.ActionImport}})
}

// importedRequest is the record of one valid row, imported at now.
func importedRequest(row *tropa.HistoryRow, recipients []tropa.Recipient, now time.Time) (*tropa.ImportedRequest, error) {
	day := tropa.Day(row.Day)
	id := tropa.NewID()
	ir := &tropa.ImportedRequest{
		Request: tropa.RequestRecord{Request: tropa.Request{ID: id, Ref: newRef(), Kind: row.Kind, Situation: row.Situation,
			Channel: row.Channel, Stage: tropa.StageClosed, Urgency: tropa.UrgencyNormal, CreatedAt: day,
			Disposition: tropa.DispositionCase, Outcome: row.Outcome, ClosedAt: day}},
		Event: tropa.CaseEventRecord{ID: tropa.NewID(), RequestID: id, At: now, Actor: ActorCLI, Action: tropa.CaseImport},
	}
	if row.Text == "" {
		ir.Request.SealedContact = []byte{}
		return ir, nil
	}
	caseKey := seal.NewKey()
	messageID := tropa.NewID()
	ir.Request.LastApplicantAt = day
	ir.Request.SealedContact, ir.Request.SealedContactKey = sealContact(&caseKey, id, "")
	// The exact time the man wrote is not known: the message keeps its
	// day, as messages written before times were sealed do.
	ir.First = &tropa.MessageRecord{ID: messageID, RequestID: id, Author: tropa.AuthorApplicant, CreatedAt: day,
		SealedBody: seal.SealString(&caseKey, row.Text, bodyAAD(messageID, tropa.AuthorApplicant))}
	var err error
	if ir.Event, _, err = sealEvent(&caseKey, ActorCLI, id, now, tropa.CaseEvent{Action: tropa.CaseImport}); err != nil {
		return nil, err
	}
	if ir.Wraps, err = wrapCaseKey(id, &caseKey, recipients, now); err != nil {
		return nil, err
	}
	return ir, nil
}

// sealInParallel makes the records of rows with build, on up to workers
// goroutines at once, and yields them in the rows' order, up to the first
// error: the key work of a history with texts, an X25519 wrap per holder
// per row, is spread over the cores while the store writes the rows made.
// It returns once no goroutine of its own is left reading rows.
func sealInParallel(ctx context.Context, rows iter.Seq2[tropa.HistoryRow, error], workers int,
	build func(*tropa.HistoryRow) (*tropa.ImportedRequest, error)) iter.Seq2[*tropa.ImportedRequest, error] {
	type made struct {
		ir  *tropa.ImportedRequest
		err error
	}
	return func(yield func(*tropa.ImportedRequest, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		pending := make(chan chan made, 4*workers)
		defer func() {
			cancel()
			for range pending {
			}
		}()
		go func() {
			defer close(pending)
			busy := make(chan struct{}, workers)
			for row, err := range rows {
				out := make(chan made, 1)
				select {
				case pending <- out:
				case <-ctx.Done():
					return
				}
				if err != nil {
					out <- made{err: err}
					return
				}
				busy <- struct{}{}
				go func() {
					defer func() { <-busy }()
					ir, err := build(&row)
					out <- made{ir, err}
				}()
			}
		}()
		for out := range pending {
			m := <-out
			if !yield(m.ir, m.err) || m.err != nil {
				return
			}
		}
	}
}

// PastImports lists the histories imported so far, newest first, from
// the audit log, which keeps them after retention has deleted what they
// wrote: importing the same rows again would count them twice.
func (d *Desk) PastImports(ctx context.Context) ([]tropa.AuditLine, error) {
	return d.cfg.Store.AuditLog(ctx, tropa.AuditFilter{Action: tropa.ActionImport, Limit: 20})
}
