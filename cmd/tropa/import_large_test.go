package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// writeLarge writes a generated file of at least size bytes at path: head,
// then line repeated.
func writeLarge(t *testing.T, path, head, line string, size int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	n, _ := w.WriteString(head)
	for n < size {
		k, _ := w.WriteString(line)
		n += k
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// A 100 MB history is read a row at a time: a dry run of 100 MB of rows
// takes far less memory than the file, and a 100 MB row is refused at its
// line before it is read whole. The test runs alone, so that the heap it
// measures is its own.
func TestImportLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 200 MB")
	}
	const size = 100 << 20
	dir, _ := importDir(t)
	tmp := t.TempDir()
	rows, row := filepath.Join(tmp, "rows.csv"), filepath.Join(tmp, "row.csv")
	line := "2023-09-14,hotline,surrender,front,surrendered,\n"
	writeLarge(t, rows, importHeader, line, size)
	writeLarge(t, row, importHeader+line+`2023-09-14,web,legal,abroad,left_country,"`, strings.Repeat("жопа", 1<<10), size)

	rowCount := (size - len(importHeader) + len(line) - 1) / len(line)
	for _, tc := range []struct {
		name, path, want string
		fails            bool
	}{
		{"100 MB of rows", rows, fmt.Sprintf("Requests: %d, of them with text: 0.", rowCount), false},
		{"a 100 MB row", row, "line 3: This row is longer than 84096 bytes", true},
	} {
		var out strings.Builder
		peak := peakHeap(func() {
			err := run(t.Context(), []string{"import", "--data", dir, "--dry-run", tc.path}, noEnv, strings.NewReader(""), &out, &out)
			if (err != nil) != tc.fails || !strings.Contains(out.String(), tc.want) {
				t.Errorf("%s: %v\n%s\nwant %q", tc.name, err, out.String(), tc.want)
			}
		})
		t.Logf("%s: the heap grew by at most %d KB", tc.name, peak>>10)
		if peak > 32<<20 {
			t.Errorf("%s: the heap grew by %d MB reading it", tc.name, peak>>20)
		}
	}
}

// peakHeap runs fn and returns by how much the live heap grew at most
// while it ran, as sampled every few milliseconds.
func peakHeap(fn func()) int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	base := int64(m.HeapAlloc)
	done, peak := make(chan struct{}), make(chan int64)
	go func() {
		var most int64
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			most = max(most, int64(m.HeapAlloc)-base)
			select {
			case <-done:
				peak <- most
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(done)
	return <-peak
}
