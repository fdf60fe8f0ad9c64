package main

import (
	"context"
	"testing"

	"tropa"
	"tropa/desk"
)

// TestDemoAsylumCase builds the demo's data and finds in it an asylum case
// with the application filed, the interview done and the decision pending,
// the expected decision ordering the queue.
func TestDemoAsylumCase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	d, db, err := openDesk(ctx, database{dir: &dir, url: new(string)}, 0, desk.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := d.Init(ctx); err != nil {
		t.Fatal(err)
	}
	_, sessions, err := addDemoStaff(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := addDemoRequests(ctx, d, sessions); err != nil {
		t.Fatalf("addDemoRequests: %v", err)
	}
	caseworker := sessions["demo-caseworker"]
	queue, err := d.Queue(ctx, caseworker, tropa.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range queue {
		c, err := d.OpenCase(ctx, caseworker, r.ID)
		if err != nil || len(c.Legal) == 0 {
			continue
		}
		p := c.Legal[0]
		if p.Procedure != tropa.ProcedureAsylum || p.Decision != tropa.DecisionPending || len(p.Steps) != 3 ||
			!p.Steps[0].Done || !p.Steps[1].Done || p.Steps[2].Done || r.DueAt.IsZero() {
			t.Errorf("the demo's asylum case: %+v, due %v", p, r.DueAt)
		}
		found = true
	}
	if !found {
		t.Error("the demo has no asylum case")
	}
}
