package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runSplit runs tropa with its standard output and error apart.
func runSplit(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errs bytes.Buffer
	err = run(t.Context(), args, noEnv, strings.NewReader(""), &out, &errs)
	return out.String(), errs.String(), err
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// tropa series: a bad file is refused row by row in Russian and writes
// nothing; a good one is imported, listed, refused again without
// --replace, replaced with it, and deleted; a dry run writes nothing.
func TestSeriesCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustRun(t, "", "init", "--data", dir)
	const name, source = "Военные суды: СОЧ", "https://stat.example.org/courts, форма 10-а"
	bad := writeFile(t, "bad.csv", "месяц,значение\n2025-07,1 204\n2025-08,много\n2025-7,3\n")
	_, stderr, err := runSplit(t, "series", "import", "--data", dir, "--lang", "ru", "--name", name, "--source", source, bad)
	if err == nil || !strings.Contains(err.Error(), "Ничего не импортировано") {
		t.Fatalf("a bad file: %v", err)
	}
	for _, want := range []string{"строка 3: «много» — не целое число", "строка 4: «2025-7» — не месяц"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("the report lacks %q:\n%s", want, stderr)
		}
	}
	if out := mustRun(t, "", "series", "list", "--data", dir, "--lang", "en"); !strings.Contains(out, "No series") {
		t.Fatalf("after a refused file: %s", out)
	}

	good := writeFile(t, "good.csv", "month,value\n2025-09,1310\n2025-07,1 204\n2025-08,980\n")
	args := []string{"series", "import", "--data", dir, "--lang", "en", "--name", name, "--source", source}
	if out := mustRun(t, "", append(args, "--dry-run", good)...); !strings.Contains(out, "3 months, 2025-07 to 2025-09") || !strings.Contains(out, "Dry run") {
		t.Errorf("dry run: %s", out)
	}
	if out := mustRun(t, "", "series", "list", "--data", dir); !strings.Contains(out, "No series") {
		t.Fatalf("a dry run wrote: %s", out)
	}
	mustRun(t, "", append(args, good)...)
	if _, _, err := runSplit(t, append(args, good)...); err == nil || !strings.Contains(err.Error(), "--replace") {
		t.Errorf("the same name again: %v, want a refusal naming --replace", err)
	}
	mustRun(t, "", append(args, "--replace", good)...)
	out := mustRun(t, "", "series", "list", "--data", dir, "--lang", "en")
	if !strings.Contains(out, name) || !strings.Contains(out, "2025-07 – 2025-09 (3 months)") || !strings.Contains(out, source) {
		t.Errorf("list:\n%s", out)
	}

	// Beside our figures, month by month: CSV and JSON.
	csvOut := mustRun(t, "", "stats", "--data", dir, "--lang", "en", "--from", "2025-07", "--to", "2025-09", "--by", "month",
		"--format", "csv", "--series", name)
	recs, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range recs {
		got[r[0]+"/"+r[1]] = r
	}
	for key, want := range map[string]string{"month/2025-07": "0", "series/2025-07": "1204", "series/2025-09": "1310"} {
		if r, ok := got[key]; !ok || r[3] != want {
			t.Errorf("CSV row %s = %v, want %s this period", key, r, want)
		}
	}
	if r := got["series/source"]; len(r) < 3 || !strings.Contains(r[2], source) || !strings.Contains(r[2], "not suppressed") {
		t.Errorf("CSV source row = %v", r)
	}
	var js struct {
		Tables []struct {
			ID, Title string
			Rows      []struct {
				Key string
				Now any
			}
		}
	}
	if err := json.Unmarshal([]byte(mustRun(t, "", "stats", "--data", dir, "--from", "2025-08", "--to", "2025-08",
		"--format", "json", "--series", name)), &js); err != nil {
		t.Fatal(err)
	}
	last := js.Tables[len(js.Tables)-1]
	if last.ID != "series" || last.Title != name || last.Rows[0].Key != "2025-08" || last.Rows[0].Now != float64(980) {
		t.Errorf("the JSON's series table = %+v", last)
	}
	if _, _, err := runSplit(t, "stats", "--data", dir, "--to", "2025-08", "--series", "none such"); err == nil ||
		!strings.Contains(err.Error(), "no series named") {
		t.Errorf("stats --series of an unknown name: %v", err)
	}

	mustRun(t, "", "series", "delete", "--data", dir, name)
	if out := mustRun(t, "", "series", "list", "--data", dir, "--lang", "en"); !strings.Contains(out, "No series") {
		t.Errorf("after delete: %s", out)
	}
	if _, _, err := runSplit(t, "series", "delete", "--data", dir, "--lang", "uk", name); err == nil || !strings.Contains(err.Error(), "немає") {
		t.Errorf("deleting twice: %v", err)
	}
}
