package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tropa"
)

// BenchmarkImport imports a history of 100,000 requests (b.N times, each
// into a new data directory with two caseworkers on intake), without
// text and with a text on every row: sealing a text and wrapping its key
// to the recovery key and both caseworkers is what a row with text pays.
func BenchmarkImport(b *testing.B) {
	const rows = 100_000
	for _, withText := range []bool{false, true} {
		path := filepath.Join(b.TempDir(), "history.csv")
		writeHistory(b, path, rows, withText)
		b.Run(fmt.Sprintf("text=%v", withText), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				dir := b.TempDir()
				runOrFail(b, "", "init", "--data", dir)
				for _, name := range []string{"olga", "ivan"} {
					runOrFail(b, name+" password 5d2a\n", "user", "add", "--data", dir, "--name", name,
						"--role", "caseworker", "--password-stdin")
				}
				b.StartTimer()
				runOrFail(b, "", "import", "--data", dir, path)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*rows), "µs/row")
		})
	}
}

// writeHistory writes a history of n requests over 2024 at path.
func writeHistory(tb testing.TB, path string, n int, withText bool) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString(importHeader)
	for i := range n {
		text := ""
		if withText {
			text = fmt.Sprintf("\"Пишу из госпиталя, %d, прошу помочь выехать\"", i)
		}
		fmt.Fprintf(w, "2024-%02d-%02d,%s,%s,%s,left_country,%s\n", i%12+1, i%28+1, tropa.Channels[i%len(tropa.Channels)],
			tropa.Kinds[i%len(tropa.Kinds)], tropa.Situations[i%len(tropa.Situations)], text)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

func runOrFail(tb testing.TB, stdin string, args ...string) {
	tb.Helper()
	var out strings.Builder
	if err := run(tb.Context(), args, noEnv, strings.NewReader(stdin), &out, &out); err != nil {
		tb.Fatalf("tropa %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
}
