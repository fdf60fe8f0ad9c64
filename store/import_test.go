package store_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

func TestImportRequests(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testImportRequests)
}

// imported is a request of the history as the desk makes it, on day, with
// text sealed (stand-in bytes) and wrapped to the recovery key when
// withText.
func imported(ref string, day time.Time, withText bool) *tropa.ImportedRequest {
	id := tropa.NewID()
	ir := &tropa.ImportedRequest{
		Request: tropa.RequestRecord{Request: tropa.Request{ID: id, Ref: ref, Kind: tropa.KindSurrender,
			Situation: tropa.SituationFront, Channel: tropa.ChannelHotline, Stage: tropa.StageClosed,
			CreatedAt: day, Disposition: tropa.DispositionCase, Outcome: tropa.OutcomeSurrendered, ClosedAt: day},
			SealedContact: []byte{}},
		Event: tropa.CaseEventRecord{ID: tropa.NewID(), RequestID: id, At: base, Actor: "cli", Action: tropa.CaseImport},
	}
	if withText {
		ir.Request.LastApplicantAt = day
		ir.Request.SealedContact = []byte("sealed empty contact")
		ir.First = &tropa.MessageRecord{ID: tropa.NewID(), RequestID: id, Author: tropa.AuthorApplicant, CreatedAt: day,
			SealedBody: []byte("sealed text")}
		ir.Wraps = []tropa.KeyWrap{{RequestID: id, Holder: tropa.HolderRecovery, Wrapped: []byte("wrapped"), CreatedAt: base}}
	}
	return ir
}

func testImportRequests(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	s := mustOpenStore(t, b)
	day := time.Date(2023, 9, 14, 0, 0, 0, 0, time.UTC)
	batch := func(refs []string, rows ...*tropa.ImportedRequest) *tropa.ImportBatch {
		return &tropa.ImportBatch{
			Requests: func(yield func(*tropa.ImportedRequest, error) bool) {
				for _, ir := range rows {
					if !yield(ir, nil) {
						return
					}
				}
			},
			NewRef: func() string { r := refs[0]; refs = refs[1:]; return r },
			Audit:  tropa.AuditEvent{At: base, Actor: "cli", Action: tropa.ActionImport},
		}
	}
	withText := imported("IMP001", day, true)
	n, err := s.ImportRequests(ctx, batch(nil, withText, imported("IMP002", day, false)))
	if err != nil || n != 2 {
		t.Fatalf("ImportRequests = %d, %v; want 2", n, err)
	}
	// A reference taken is replaced, within the transaction.
	again := imported("IMP001", day.AddDate(0, 1, 0), false)
	if n, err := s.ImportRequests(ctx, batch([]string{"IMP002", "IMP003"}, again)); err != nil || n != 1 {
		t.Fatalf("ImportRequests with a taken reference = %d, %v; want 1", n, err)
	}
	if r, err := s.RequestByID(ctx, again.Request.ID); err != nil || r.Ref != "IMP003" {
		t.Errorf("the request whose reference was taken: %+v, %v; want reference IMP003", r, err)
	}
	seq, _, err := s.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// A batch that fails part way writes nothing, audit entry included.
	bad := batch(nil)
	bad.Requests = func(yield func(*tropa.ImportedRequest, error) bool) {
		if yield(imported("IMP004", day, true), nil) {
			yield(nil, tropa.UserError(tropa.EINVALID, "ErrImportDay", nil))
		}
	}
	if n, err := s.ImportRequests(ctx, bad); !tropa.IsCode(err, tropa.EINVALID) || n != 0 {
		t.Errorf("ImportRequests of a bad batch = %d, %v; want 0, EINVALID", n, err)
	}
	if after, _, err := s.AuditHead(ctx); err != nil || after != seq {
		t.Errorf("audit head after a failed import %d, %v; want %d", after, err, seq)
	}
	if _, err := s.RequestByRef(ctx, "IMP004"); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("the first request of a failed batch: %v, want ENOTFOUND", err)
	}

	c, err := s.Counts(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if c.ReceivedByChannel[tropa.ChannelHotline] != 3 || c.ClosedByOutcome[tropa.OutcomeSurrendered] != 3 {
		t.Errorf("Counts = %+v; want 3 received by hotline, 3 closed surrendered", c)
	}
	if open, err := s.OpenByStage(ctx); err != nil || len(open) != 0 {
		t.Errorf("OpenByStage = %v, %v; want none open", open, err)
	}
	sep, err := s.Counts(ctx, day, day.AddDate(0, 0, 1))
	if err != nil || sep.ReceivedByChannel[tropa.ChannelHotline] != 2 {
		t.Errorf("Counts on the day = %+v, %v; want 2", sep, err)
	}
	msgs, err := s.Messages(ctx, withText.Request.ID, true)
	if err != nil || len(msgs) != 1 || string(msgs[0].SealedBody) != "sealed text" {
		t.Errorf("Messages of the request with text = %+v, %v", msgs, err)
	}
	wraps, err := s.KeyWraps(ctx, withText.Request.ID)
	if err != nil || len(wraps) != 1 || wraps[0].Holder != tropa.HolderRecovery {
		t.Errorf("KeyWraps of the request with text = %+v, %v; want the recovery key's", wraps, err)
	}
	evs, err := s.CaseEvents(ctx, again.Request.ID)
	if err != nil || len(evs) != 1 || evs[0].Action != tropa.CaseImport {
		t.Errorf("CaseEvents = %+v, %v; want the import", evs, err)
	}
	r, err := s.RequestByID(ctx, again.Request.ID)
	if err != nil || r.Open() || r.OwnerID != "" || r.LastAuthor != "" || !r.ClosedAt.Equal(day.AddDate(0, 1, 0)) {
		t.Errorf("imported request without text = %+v, %v; want closed on its day, owned by no one, nobody wrote", r, err)
	}
}
