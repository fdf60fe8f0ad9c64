package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/store/storetest"
)

func TestAuditChain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testAuditChain)
}

func testAuditChain(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	if _, err := desk.VerifyAudit(ctx, s); err != nil {
		t.Fatalf("VerifyAudit of an empty log: %v", err)
	}

	events := []tropa.AuditEvent{
		{At: base, Actor: "cli", Action: tropa.ActionStaffAdd, Detail: "caseworker"},
		{At: base.Add(time.Second), Actor: "alice", Action: tropa.ActionLogin},
		{At: base.Add(2 * time.Second), Actor: "alice", Action: tropa.ActionRequestOpen, RequestID: "r1"},
	}
	for _, ev := range events {
		if err := s.Audit(ctx, ev); err != nil {
			t.Fatalf("Audit(%+v): %v", ev, err)
		}
	}

	var entries []tropa.AuditEntry
	if err := s.AuditEntries(ctx, func(e *tropa.AuditEntry) error {
		entries = append(entries, *e)
		return nil
	}); err != nil {
		t.Fatalf("AuditEntries: %v", err)
	}
	if len(entries) != len(events) {
		t.Fatalf("AuditEntries gave %d entries, want %d", len(entries), len(events))
	}
	prev := []byte{}
	for i, e := range entries {
		want := events[i]
		if e.Seq != int64(i+1) || !e.At.Equal(want.At.Truncate(time.Microsecond)) || e.Actor != want.Actor ||
			e.Action != want.Action || e.RequestID != want.RequestID || e.Detail != want.Detail {
			t.Errorf("entry %d = %+v, want seq %d and %+v", i, e, i+1, want)
		}
		if !bytes.Equal(e.PrevHash, prev) {
			t.Errorf("entry %d prev hash = %x, want the hash of the entry before, %x", e.Seq, e.PrevHash, prev)
		}
		if h := tropa.ChainHash(prev, e.Seq, want); !bytes.Equal(e.Hash, h) {
			t.Errorf("entry %d hash = %x, want %x", e.Seq, e.Hash, h)
		}
		prev = e.Hash
	}
	seq, head, err := s.AuditHead(ctx)
	if err != nil || seq != int64(len(events)) || !bytes.Equal(head, prev) {
		t.Errorf("AuditHead = %d, %x, %v; want %d, %x", seq, head, err, len(events), prev)
	}
	rep, err := desk.VerifyAudit(ctx, s)
	if err != nil || rep.Entries != int64(len(events)) || !bytes.Equal(rep.Head, prev) {
		t.Errorf("VerifyAudit = %+v, %v", rep, err)
	}
}

func TestAuditEntriesStopsAtError(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testAuditEntriesStopsAtError)
}

func testAuditEntriesStopsAtError(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	for i := range 3 {
		if err := s.Audit(ctx, tropa.AuditEvent{At: base, Actor: "cli", Action: tropa.ActionLogin, Detail: fmt.Sprint(i)}); err != nil {
			t.Fatalf("Audit: %v", err)
		}
	}
	stop := errors.New("stop")
	calls := 0
	err := s.AuditEntries(ctx, func(*tropa.AuditEntry) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("AuditEntries = %v after %d calls; want the callback's error after 1", err, calls)
	}
}

// TestAuditConcurrent appends from many goroutines at once: the entries
// still form one unbroken chain.
func TestAuditConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testAuditConcurrent)
}

func testAuditConcurrent(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	const writers, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				errs <- s.Audit(ctx, tropa.AuditEvent{At: base, Actor: fmt.Sprint("writer", w), Action: tropa.ActionLogin,
					Detail: fmt.Sprint(i)})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Audit: %v", err)
		}
	}
	rep, err := desk.VerifyAudit(ctx, s)
	if err != nil || rep.Entries != writers*each {
		t.Errorf("VerifyAudit = %+v, %v; want %d entries", rep, err, writers*each)
	}
}
