package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"tropa/backup"
)

// Backups written into a folder are named for the moment they were made,
// in UTC, so that their names sort by age and tell it without trusting a
// file's modification time, which copying changes.
const (
	backupPrefix     = "tropa-backup-"
	backupSuffix     = ".tropa"
	backupTimeLayout = "20060102T150405.000Z"
)

// backupName is the name of a backup made at t in a folder.
func backupName(t time.Time) string {
	return backupPrefix + t.UTC().Format(backupTimeLayout) + backupSuffix
}

// backupTime reads the moment a backup was made from its name, and
// reports whether the name is one backupName gives.
func backupTime(name string) (time.Time, bool) {
	stamp, ok := strings.CutPrefix(name, backupPrefix)
	if !ok {
		return time.Time{}, false
	}
	if stamp, ok = strings.CutSuffix(stamp, backupSuffix); !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(backupTimeLayout, stamp)
	return t, err == nil
}

// backupKeep is how many backups a folder keeps and for how long; zero is
// no limit.
type backupKeep struct {
	count int
	age   time.Duration
}

// prune deletes the backups in dir that keep does not keep: beyond the
// newest keep.count, or made more than keep.age before now. Only files
// that are tropa backups by name and by their first line are deleted;
// anything else in the folder is left alone. It returns the names deleted.
func (keep backupKeep) prune(dir string, now time.Time) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	type made struct {
		name string
		at   time.Time
	}
	var backups []made
	for _, e := range entries {
		if at, ok := backupTime(e.Name()); ok && e.Type().IsRegular() {
			backups = append(backups, made{e.Name(), at})
		}
	}
	slices.SortFunc(backups, func(a, b made) int { return b.at.Compare(a.at) })
	var deleted []string
	for i, b := range backups {
		tooMany := keep.count > 0 && i >= keep.count
		tooOld := keep.age > 0 && now.Sub(b.at) > keep.age
		if !tooMany && !tooOld {
			continue
		}
		path := filepath.Join(dir, b.name)
		if ok, err := isBackup(path); err != nil {
			return deleted, err
		} else if !ok {
			continue
		}
		if err := os.Remove(path); err != nil {
			return deleted, err
		}
		deleted = append(deleted, b.name)
	}
	return deleted, nil
}

// isBackup reports whether the file at path starts as a tropa backup does.
func isBackup(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	_, err = backup.Read(f)
	if errors.Is(err, backup.ErrNotBackup) {
		return false, nil
	}
	return err == nil, nil
}

// checkKeepFlags refuses limits that are not given with --dir, or that
// would delete the backup just made.
func checkKeepFlags(dir string, keep backupKeep) error {
	if keep.count < 0 || keep.age < 0 {
		return errors.New("--keep and --keep-days must not be negative")
	}
	if dir == "" && keep != (backupKeep{}) {
		return errors.New("--keep and --keep-days go with --dir: only backups written into a folder are deleted")
	}
	return nil
}

// describeDeleted says what prune deleted, for the administrator.
func describeDeleted(deleted []string) string {
	if len(deleted) == 0 {
		return "No older backup was deleted."
	}
	return fmt.Sprintf("Deleted %d older backup(s): %s.", len(deleted), strings.Join(deleted, ", "))
}
