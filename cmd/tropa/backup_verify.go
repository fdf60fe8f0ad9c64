package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"filippo.io/age"

	"tropa"
	"tropa/backup"
	"tropa/desk"
	"tropa/seal"
	"tropa/store"
)

func (e *cmdEnv) backupVerify(ctx context.Context, args []string) error {
	fs := newFlagSet("backup verify", backupHelp)
	keys := addKeyFlags(fs)
	file, err := e.parseFileArgs(fs, args)
	if err != nil {
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
	// The rows are loaded, still sealed, into a database that is removed
	// afterwards: the store's own checks run on them as on a restore.
	dir, err := os.MkdirTemp("", "tropa-verify-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := store.OpenForLoad(ctx, dir)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Load(ctx, r); err != nil {
		return fmt.Errorf("the backup is NOT intact: %w", err)
	}
	audit, err := desk.VerifyAudit(ctx, db)
	if err != nil {
		return fmt.Errorf("the audit log in the backup is NOT intact: %w", err)
	}
	requests, missing, err := db.WrapCoverage(ctx, tropa.HolderRecovery)
	if err != nil {
		return err
	}
	if missing > 0 {
		return fmt.Errorf("%d of the %d requests in the backup have no key wrapped to the recovery key", missing, requests)
	}
	m := r.Manifest()
	fmt.Fprintf(e.stdout, `backup intact: made %s, schema version %d
  %d tables, %d rows
  %d requests, each with its key wrapped to the recovery key
  %d audit entries in an unbroken chain, %d staff signatures matching it
`, b.Header.Created.Format(time.RFC3339), m.Schema, len(m.Tables), m.Rows(), requests, audit.Entries, audit.Signatures)
	return nil
}

func newFlagSet(name, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), help)
		fs.PrintDefaults()
	}
	return fs
}

// keyFlags say which key opens a backup.
type keyFlags struct {
	recoveryFile                 *string
	adminPassword, passwordStdin *bool
}

func addKeyFlags(fs *flag.FlagSet) keyFlags {
	return keyFlags{
		recoveryFile:  fs.String("recovery-key-file", "", "file holding the recovery key (the AGE-SECRET-KEY-1… line tropa init printed)"),
		adminPassword: fs.Bool("admin-password", false, "open the backup with an admin's password, asked for on the terminal"),
		passwordStdin: fs.Bool("password-stdin", false, "with --admin-password: read the password from the first line of standard input"),
	}
}

// parseFileArgs parses the flags given before and after a command's one
// FILE argument, and returns FILE.
func (e *cmdEnv) parseFileArgs(fs *flag.FlagSet, args []string) (string, error) {
	if err := e.parseFlags(fs, args); err != nil {
		return "", err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return "", fmt.Errorf("give the backup FILE (tropa %s -h for help)", fs.Name())
	}
	if err := fs.Parse(rest[1:]); err != nil {
		return "", err
	}
	if fs.NArg() > 0 {
		return "", fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return rest[0], nil
}

var errNoKey = errors.New("a key is needed: give --recovery-key-file FILE or --admin-password. " +
	"Only a key opens a backup, and only opening it can tell whether anyone changed it")

// openBackup reads a backup's header from f and opens its payload with the
// key the flags name. Without one it says what the header claims, marked
// as unchecked, and that a key is needed.
func (e *cmdEnv) openBackup(ctx context.Context, f *os.File, keys keyFlags) (*backup.File, *backup.Reader, error) {
	b, err := backup.Read(f)
	if err != nil {
		return nil, nil, err
	}
	var id age.Identity
	switch {
	case *keys.recoveryFile != "" && *keys.adminPassword:
		return nil, nil, errors.New("give either --recovery-key-file or --admin-password, not both")
	case *keys.recoveryFile != "":
		id, err = readRecoveryKey(*keys.recoveryFile)
	case *keys.adminPassword:
		id, err = e.adminKey(ctx, b, *keys.passwordStdin)
	default:
		fmt.Fprintf(e.stdout, "%s says, unchecked: made %s, for the recovery key and %d admins.\n",
			f.Name(), b.Header.Created.Format(time.RFC3339), len(b.Header.Admins))
		return nil, nil, errNoKey
	}
	if err != nil {
		return nil, nil, err
	}
	r, err := b.Open(id)
	if errors.Is(err, backup.ErrWrongKey) {
		return nil, nil, errors.New("this key does not open the backup: it was made for other keys, or it is damaged")
	}
	return b, r, err
}

func readRecoveryKey(path string) (age.Identity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err != nil || len(ids) != 1 {
		return nil, fmt.Errorf("%s must hold the recovery key alone: the AGE-SECRET-KEY-1… line that tropa init printed", path)
	}
	return ids[0], nil
}

// adminKey opens, with an admin's password, the first of the admins' keys
// in the backup's header that it opens.
func (e *cmdEnv) adminKey(ctx context.Context, b *backup.File, fromStdin bool) (age.Identity, error) {
	if len(b.Header.Admins) == 0 {
		return nil, errors.New("the backup was made for the recovery key only: give --recovery-key-file")
	}
	password, err := e.readPassword(fromStdin, false)
	if err != nil {
		return nil, err
	}
	kdf := seal.NewKDF(1)
	for _, a := range b.Header.Admins {
		rec := &tropa.StaffRecord{Staff: tropa.Staff{ID: a.ID}, KDF: a.KDF, Salt: a.Salt, SealedPrivate: a.SealedPrivate}
		id, err := desk.UnlockStaffKey(ctx, kdf, rec, password)
		if tropa.IsCode(err, tropa.EUNAUTHORIZED) {
			continue
		} else if err != nil {
			return nil, err
		}
		return age.ParseX25519Identity(id.Secret())
	}
	return nil, errors.New("the password opens no admin's key in this backup: it takes the password an admin had when the backup was made")
}
