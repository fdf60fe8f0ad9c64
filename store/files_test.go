//go:build unix

package store_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"tropa/store"
)

// TestDataFilesPrivate checks the modes of the data directory and the
// database files, as another user of the machine would meet them: open to
// their owner only when made, and when an install made them wider, from
// the next open on. The umask is the usual 022, under which files are made
// readable by all unless asked otherwise.
func TestDataFilesPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	files := []string{store.DBFile, store.DBFile + "-wal", store.DBFile + "-shm"}
	check := func(when string) {
		t.Helper()
		if mode := mustMode(t, dir); mode != 0o700 {
			t.Errorf("%s: data directory is %v, want 0700", when, mode)
		}
		for _, name := range files {
			if mode := mustMode(t, filepath.Join(dir, name)); mode != 0o600 {
				t.Errorf("%s: %s is %v, want 0600", when, name, mode)
			}
		}
	}
	open := func() *store.DB {
		t.Helper()
		db, err := store.OpenSQLite(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		// A write, so that the log and the shared memory exist.
		if err := db.SetSetting(ctx, "k", "v"); err != nil {
			t.Fatal(err)
		}
		return db
	}

	db := open()
	check("made")
	db.Close()

	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil && !os.IsExist(err) {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(dir, name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db = open()
	defer db.Close()
	check("an install made wider, opened again")
}

func mustMode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}
