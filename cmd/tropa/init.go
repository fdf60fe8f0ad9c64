package main

import (
	"context"
	"flag"
	"fmt"

	"tropa/desk"
)

func (e *cmdEnv) init(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	at := addDatabaseFlags(fs, "data directory to create")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	d, db, err := openDesk(ctx, at, 1, desk.Config{})
	if err != nil {
		return err
	}
	defer db.Close()
	secret, err := d.Init(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, `tropa is set up (%s).

RECOVERY KEY, shown this once and stored nowhere:

    %s

Every request is also encrypted to this key, so that the organization can
still read its cases if every staff member's password is lost. Anyone who
holds it can read everything. Write it on paper or keep it on an offline
device, in a safe place away from this server, and never on this server.

Next: add staff with "tropa user add %s --name NAME --role ROLE".
`, at.flags(), secret, at.flags())
	return nil
}
