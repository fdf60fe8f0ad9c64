package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// privateDataDir makes the data directory dir, and the database files in
// it, open to their owner only: the directory 0700, the database, its
// write-ahead log and its shared memory 0600. An install whose files were
// made wider, by an older tropa or a copy, is tightened. The database file
// is made here, before SQLite opens it, because SQLite gives the log and
// shared-memory files it makes the database file's mode.
func privateDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("store: data directory: %w", err)
	}
	if err := tighten(dir, 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, DBFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("store: database file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: database file: %w", err)
	}
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		if err := tighten(filepath.Join(dir, DBFile+suffix), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// tighten takes from path's mode every permission that mode lacks.
func tighten(path string, mode fs.FileMode) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if perm := fi.Mode().Perm(); perm&^mode != 0 {
		if err := os.Chmod(path, perm&mode); err != nil {
			return fmt.Errorf("store: make %s private: %w", filepath.Base(path), err)
		}
	}
	return nil
}
