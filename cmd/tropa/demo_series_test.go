package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
)

// The demo's data holds one published series, its name and source saying
// it is fake, over the twelve months to this one.
func TestDemoSeries(t *testing.T) {
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
	list, err := d.LocalListSeries(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("the demo's series: %+v, %v", list, err)
	}
	s := list[0]
	if !strings.HasPrefix(s.Name, "[DEMO]") || !strings.Contains(s.Name, "Fake") || !strings.HasPrefix(s.Source, "[DEMO]") ||
		!strings.Contains(s.Source, "fake") {
		t.Errorf("the demo's series is not named as fake: %q from %q", s.Name, s.Source)
	}
	if len(s.Values) != 12 || !s.Values[11].Month.Equal(tropa.SeriesMonth(time.Now())) {
		t.Errorf("the demo's series has %d months, the last %v", len(s.Values), s.Values[len(s.Values)-1].Month)
	}
}
