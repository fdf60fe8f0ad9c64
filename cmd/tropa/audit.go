package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"tropa/desk"
)

func (e *cmdEnv) audit(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: tropa audit verify --data DIR (or --db URL)")
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	at := addDatabaseFlags(fs, "data directory")
	if err := e.parseFlags(fs, args[1:]); err != nil {
		return err
	}
	_, db, err := openDesk(ctx, at, 1)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := desk.VerifyAudit(ctx, db)
	if err != nil {
		return fmt.Errorf("audit log is NOT intact: %w", err)
	}
	fmt.Fprintf(e.stdout, "audit log intact: %d entries, head %x\n", rep.Entries, rep.Head)
	return nil
}
