package main

import (
	"encoding/csv"
	"strings"
	"testing"

	"tropa/desk"
)

// tropa stats publishes by the threshold an administrator set, read from
// the database: with 10, August's 8 legal questions and 7 requests about
// surrender read "<10", and the rule says so.
func TestStatsThresholdFromDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustRun(t, "", "init", "--data", dir)
	statsData(t, dir)
	noURL := ""
	_, db, err := openDesk(t.Context(), database{dir: &dir, url: &noURL}, 1, desk.Config{})
	if err != nil {
		t.Fatal(err)
	}
	err = db.SetSetting(t.Context(), "figures", `{"threshold":10,"exact":true}`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "", "stats", "--data", dir, "--from", "2025-08", "--to", "2025-08", "--by", "kind", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"legal": "<10", "surrender": "<10"}
	for _, r := range rows {
		if w, ok := want[r[1]]; ok && r[0] == "kind" {
			if r[3] != w {
				t.Errorf("kind %s reads %q, want %q", r[1], r[3], w)
			}
			delete(want, r[1])
		}
		if r[0] == "rule" && r[1] != "threshold=10;complementary;suppressed_by=quarter" {
			t.Errorf("rule %q", r)
		}
	}
	if len(want) > 0 {
		t.Errorf("rows %v missing:\n%s", want, out)
	}
	// Exact figures are for a screen alone: tropa stats prints the
	// publish-safe table whatever the policy allows.
	if text := mustRun(t, "", "stats", "--data", dir, "--from", "2025-08", "--to", "2025-08", "--by", "kind"); !strings.Contains(text, "<10") {
		t.Errorf("tropa stats with exact figures allowed:\n%s", text)
	}
}
