package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestBackupKeep writes backups into a folder with --keep and --keep-days:
// older backups beyond the count or the age are deleted, and nothing else
// in the folder is, not even a file named like a backup that is not one.
func TestBackupKeep(t *testing.T) {
	src, dir := t.TempDir(), t.TempDir()
	mustRun(t, "", "init", "--data", src)
	backups := func() []string {
		t.Helper()
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			if _, ok := backupTime(e.Name()); ok {
				names = append(names, e.Name())
			}
		}
		return names
	}

	for range 3 {
		mustRun(t, "", "backup", "--data", src, "--dir", dir, "--keep", "2")
		time.Sleep(2 * time.Millisecond) // names are to the millisecond
	}
	kept := backups()
	if len(kept) != 2 {
		t.Fatalf("after 3 backups with --keep 2, the folder holds %v", kept)
	}

	// A backup made 10 days ago, a file named as one that is not a tropa
	// backup, and a file of the administrator's own.
	old := filepath.Join(dir, backupName(time.Now().Add(-10*24*time.Hour)))
	b, err := os.ReadFile(filepath.Join(dir, kept[0]))
	if err != nil {
		t.Fatal(err)
	}
	notBackup := filepath.Join(dir, backupName(time.Now().Add(-20*24*time.Hour)))
	own := filepath.Join(dir, "notes.txt")
	for path, content := range map[string][]byte{old: b, notBackup: []byte("not a backup"), own: []byte("mine")} {
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, "", "backup", "--data", src, "--dir", dir, "--keep-days", "7")
	now := backups()
	if slices.Contains(now, filepath.Base(old)) {
		t.Error("a backup older than --keep-days is kept")
	}
	if len(now) != 4 || !slices.Contains(now, filepath.Base(notBackup)) {
		t.Errorf("after a backup with --keep-days 7 the folder holds %v, want the 3 recent ones and the file that is no backup", now)
	}
	if _, err := os.Stat(own); err != nil {
		t.Errorf("the administrator's own file: %v", err)
	}

	mustRun(t, "", "backup", "--data", src, "--dir", dir, "--keep", "1", "--keep-days", "7")
	if now := backups(); len(now) != 2 || !slices.Contains(now, filepath.Base(notBackup)) {
		t.Errorf("after --keep 1 the folder holds %v, want the newest backup and the file that is no backup", now)
	}
}
