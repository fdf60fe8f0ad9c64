package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"tropa"
	"tropa/backup"
	"tropa/desk"
	"tropa/store"
)

const backupUsage = `usage: tropa backup (--data DIR | --db URL) (--out FILE | --dir FOLDER [--keep N] [--keep-days D]) [--to NAME,NAME]`

const backupHelp = backupUsage + `
       tropa backup verify (--recovery-key-file F | --admin-password) FILE

backup writes the whole database to FILE, encrypted to the recovery key and
to admins, who open it with the password they have when it is made (the
file names none of them). It reads
one consistent snapshot and can run while tropa serves. Sessions are left
out: after a restore everyone logs in again. A backup of either database
restores into either (see tropa restore -h).

With --dir, the backup is a new file in FOLDER named for the time it was
made, and older backups in FOLDER are deleted beyond the newest N (--keep)
or once older than D days (--keep-days). Only files that are tropa backups
by name and content are deleted. What was erased in the database stays
readable in the backups made before, until they are deleted: the days
backups are kept bound how long a deletion takes to be complete.

verify decrypts FILE and checks it whole without restoring it: that nothing
is missing or changed, that the audit log's chain holds, and that every
request's key is wrapped to the recovery key. It needs a key: only a key
can tell whether anyone changed the backup.
`

const restoreHelp = `usage: tropa restore (--data DIR | --db URL) (--recovery-key-file F | --admin-password) FILE

restore brings a backup back into an empty data directory or an empty
PostgreSQL database, and brings its schema up to this tropa's. A backup of
SQLite restores into PostgreSQL and the other way round: backing up with
--data and restoring with --db moves an organization to PostgreSQL.
`

func (e *cmdEnv) backup(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "verify" {
		return e.backupVerify(ctx, args[1:])
	}
	fs := newFlagSet("backup", backupHelp)
	at := addDatabaseFlags(fs, "data directory to back up")
	out := fs.String("out", "", "file to write; it must not exist yet")
	dir := fs.String("dir", "", "folder to write a new backup into, named for the time it is made")
	var keep backupKeep
	fs.IntVar(&keep.count, "keep", 0, "with --dir: delete older backups beyond this many (0: keep all)")
	keepDays := fs.Int("keep-days", 0, "with --dir: delete backups older than this many days (0: keep all)")
	to := fs.String("to", "", "admins who can open the backup, comma-separated (default: every active admin)")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	keep.age = time.Duration(*keepDays) * 24 * time.Hour
	if (*out == "") == (*dir == "") || fs.NArg() > 0 {
		return errors.New(backupUsage)
	}
	if err := checkKeepFlags(*dir, keep); err != nil {
		return err
	}
	now := time.Now()
	if *dir != "" {
		if err := os.MkdirAll(*dir, 0o700); err != nil {
			return err
		}
		*out = filepath.Join(*dir, backupName(now))
	}
	where, err := at.where()
	if err != nil {
		return err
	}
	if _, err := os.Lstat(*out); err == nil {
		return fmt.Errorf("%s exists: a backup never overwrites a file", *out)
	}
	db, err := store.OpenReadOnly(ctx, where)
	if err != nil {
		return err
	}
	defer db.Close()
	recovery, err := desk.New(desk.Config{Store: db}).RecoveryRecipient(ctx)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return fmt.Errorf("the database is not set up: it has no recovery key (tropa init %s)", at.flags())
	} else if err != nil {
		return err
	}
	admins, err := backupAdmins(ctx, db, *to)
	if err != nil {
		return err
	}
	h := backup.Header{Created: now.UTC().Truncate(time.Second)}
	names := make([]string, len(admins))
	for i, a := range admins {
		h.Admins = append(h.Admins, backup.AdminKey{ID: a.ID, KDF: a.KDF, Salt: a.Salt, SealedPrivate: a.SealedPrivate,
			PublicKey: a.PublicKey})
		names[i] = a.Name
	}
	m, err := writeBackup(ctx, *out, h, recovery, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Backup written to %s: schema version %d, %d tables, %d rows.\n", *out, m.Schema, len(m.Tables), m.Rows())
	if len(admins) == 0 {
		fmt.Fprintln(e.stdout, "It opens with the recovery key only: there is no active admin to give it to.")
	} else {
		fmt.Fprintf(e.stdout, "It opens with the recovery key, and with the password these admins have now: %s.\n",
			strings.Join(names, ", "))
	}
	fmt.Fprintf(e.stdout, "Check it with: tropa backup verify --recovery-key-file KEYFILE %s\n", *out)
	if *dir == "" || keep == (backupKeep{}) {
		return nil
	}
	deleted, err := keep.prune(*dir, now)
	fmt.Fprintln(e.stdout, describeDeleted(deleted))
	return err
}

// backupAdmins returns the admins named in list, or every active admin
// with a key pair when list is empty. Only admins get backups: a backup gives no access to
// a case, whose key stays wrapped as it was, but it holds the metadata and
// the audit log, which are for admins to keep.
func backupAdmins(ctx context.Context, s tropa.StaffStore, list string) ([]*tropa.StaffRecord, error) {
	var names []string
	if list == "" {
		staff, err := s.ListStaff(ctx)
		if err != nil {
			return nil, err
		}
		for _, st := range staff {
			if st.Role == tropa.RoleAdmin && st.Active && st.Keyed() {
				names = append(names, st.Name)
			}
		}
	}
	for name := range strings.SplitSeq(list, ",") {
		if name = strings.TrimSpace(name); name != "" && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	admins := make([]*tropa.StaffRecord, 0, len(names))
	for _, name := range names {
		rec, err := s.StaffByName(ctx, name)
		if tropa.IsCode(err, tropa.ENOTFOUND) {
			return nil, fmt.Errorf("there is no staff member called %q", name)
		} else if err != nil {
			return nil, err
		}
		if rec.Role != tropa.RoleAdmin || !rec.Active {
			return nil, fmt.Errorf("%s is not an active admin, and only active admins can be given a backup", name)
		}
		if !rec.Keyed() {
			return nil, fmt.Errorf("%s has not chosen a password yet, and has no key to give a backup to", name)
		}
		admins = append(admins, rec)
	}
	return admins, nil
}

// writeBackup dumps db to path by way of path.tmp, which it syncs before
// renaming, so that path is only ever a whole backup.
func writeBackup(ctx context.Context, path string, h backup.Header, recovery string, db *store.DB) (m backup.Manifest, err error) {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return m, fmt.Errorf("%w (another backup may be writing it; if none is, remove it)", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	w, err := backup.Create(f, h, recovery)
	if err != nil {
		return m, err
	}
	if err := db.Dump(ctx, w); err != nil {
		return m, err
	}
	if err := w.Close(); err != nil {
		return m, err
	}
	if err := f.Sync(); err != nil {
		return m, err
	}
	if err := f.Close(); err != nil {
		return m, err
	}
	if _, err := os.Lstat(path); err == nil {
		return m, fmt.Errorf("%s appeared while the backup was written: a backup never overwrites a file", path)
	}
	if err := os.Rename(tmp, path); err != nil {
		return m, err
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return m, err
	}
	defer dir.Close()
	return w.Manifest(), dir.Sync()
}

func (e *cmdEnv) restore(ctx context.Context, args []string) error {
	fs := newFlagSet("restore", restoreHelp)
	at := addDatabaseFlags(fs, "data directory to restore into; it must be empty or not exist")
	keys := addKeyFlags(fs)
	file, err := e.parseFileArgs(fs, args)
	if err != nil {
		return err
	}
	where, err := at.where()
	if err != nil {
		return err
	}
	// Refused before the password is asked for.
	if err := checkRestoreTarget(ctx, where); err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	b, r, err := e.openBackup(ctx, f, keys)
	if err != nil {
		return err
	}
	if err := restoreInto(ctx, where, r); err != nil {
		return err
	}
	m := r.Manifest()
	fmt.Fprintf(e.stdout, "Restored %s (made %s, schema version %d): %d tables, %d rows.\n", file,
		b.Header.Created.Format(time.RFC3339), m.Schema, len(m.Tables), m.Rows())
	fmt.Fprintf(e.stdout, `Nobody is logged in. Staff log in with the password and TOTP they had when
the backup was made. Before serving, check the staff accounts and the audit log:
    tropa user list %s
    tropa audit verify %s
`, at.flags(), at.flags())
	return nil
}

// checkRestoreTarget refuses a data directory or database that holds
// anything: a restore never mixes a backup with other data.
func checkRestoreTarget(ctx context.Context, where string) error {
	if !store.IsPostgresURL(where) {
		entries, err := os.ReadDir(where)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if len(entries) > 0 {
			return fmt.Errorf("%s is not empty: restore only into a new or empty data directory", where)
		}
		return nil
	}
	db, err := store.OpenForLoad(ctx, where)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckEmpty(ctx); errors.Is(err, store.ErrNotEmpty) {
		return fmt.Errorf("%w: restore only into a new, empty database", err)
	} else if err != nil {
		return err
	}
	return nil
}

// restoreInto loads r into where. A SQLite restore that fails removes
// what it wrote; PostgreSQL is left to the administrator to drop.
func restoreInto(ctx context.Context, where string, r store.DumpReader) error {
	db, err := store.OpenForLoad(ctx, where)
	if err != nil {
		return err
	}
	err = db.Load(ctx, r)
	err = errors.Join(err, db.Close())
	if err == nil {
		return nil
	}
	if store.IsPostgresURL(where) {
		return fmt.Errorf("restore failed, and the database may now hold an empty schema; drop it and make it anew before trying again: %w", err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(filepath.Join(where, store.DBFile+suffix))
	}
	return fmt.Errorf("restore failed: %w", err)
}
