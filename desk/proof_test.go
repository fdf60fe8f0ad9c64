package desk_test

import (
	"bytes"
	"context"
	"testing"

	"tropa"
	"tropa/desk"
)

func TestSetProof(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	f.addStaff(t, "dana", tropa.RoleAdmin, false)
	dana := f.enroll(t, "dana")
	if got, err := f.desk.Proof(ctx); err != nil || got != desk.ProofOff {
		t.Fatalf("Proof at first = %q, %v; want off", got, err)
	}
	wantError(t, "a caseworker", f.desk.SetProof(ctx, olena, desk.ProofOn), tropa.EFORBIDDEN, "ErrRoleForbidden")
	wantError(t, "an unknown mode", f.desk.SetProof(ctx, dana, "sometimes"), tropa.EINVALID, "ErrProofMode")
	for _, mode := range []desk.ProofMode{desk.ProofAuto, desk.ProofOn, desk.ProofOff} {
		if err := f.desk.SetProof(ctx, dana, mode); err != nil {
			t.Fatalf("SetProof(%q): %v", mode, err)
		}
		if got, _ := f.desk.Proof(ctx); got != mode {
			t.Errorf("after SetProof(%q) Proof = %q", mode, got)
		}
		var last *tropa.AuditEntry
		f.store.AuditEntries(ctx, func(e *tropa.AuditEntry) error { last = e; return nil })
		if last.Action != tropa.ActionSettingChange || last.Actor != dana.Staff.ID || last.Detail != "proof_of_work "+string(mode) {
			t.Errorf("audit after SetProof(%q) = %+v, want the change", mode, last)
		}
	}
}

// Every node gets the same key: the first to ask makes it.
func TestProofKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	first, err := f.desk.ProofKey(ctx)
	if err != nil || len(first) != 32 {
		t.Fatalf("ProofKey = %d bytes, %v; want 32", len(first), err)
	}
	other := desk.New(desk.Config{Store: f.store})
	again, err := other.ProofKey(ctx)
	if err != nil || !bytes.Equal(again, first) {
		t.Errorf("another node's ProofKey gives another key (%v)", err)
	}
}
