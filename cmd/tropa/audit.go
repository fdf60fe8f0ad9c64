package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"tropa/desk"
)

func (e *cmdEnv) audit(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: tropa audit verify|signers --data DIR (or --db URL)")
	}
	switch args[0] {
	case "verify":
		return e.auditVerify(ctx, args[1:])
	case "signers":
		return e.auditSigners(ctx, args[1:])
	default:
		return fmt.Errorf("unknown audit command %q: want verify or signers", args[0])
	}
}

func (e *cmdEnv) auditVerify(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	at := addDatabaseFlags(fs, "data directory")
	signers := fs.String("signers", "", "a list written by tropa audit signers and kept off the server, to check the signing keys and the head against")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	var list *desk.SignerList
	if *signers != "" {
		f, err := os.Open(*signers)
		if err != nil {
			return err
		}
		list, err = desk.ParseSigners(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	d, db, err := openDesk(ctx, at, 1, desk.Config{})
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := d.CheckAudit(ctx, list)
	if err != nil {
		return fmt.Errorf("audit log is NOT intact: %w", err)
	}
	printAuditReport(e.stdout, rep)
	return nil
}

// printAuditReport says how far back the log is vouched for and by whom.
func printAuditReport(w io.Writer, rep desk.AuditReport) {
	fmt.Fprintf(w, "audit log intact: %d entries, head %x\n", rep.Entries, rep.Head)
	fmt.Fprintf(w, "%d signatures, every one matching the log\n", rep.Signatures)
	if l := rep.Listed; l != nil {
		fmt.Fprintf(w, "signer list: its %d keys are in the database as listed, and entry %d hashes as it did when the list was exported\n",
			len(l.Keys), l.HeadSeq)
	}
	for _, s := range rep.Signers {
		switch {
		case !s.Counted:
			fmt.Fprintf(w, "  %s, key %s (registered at entry %d): NOT on the signer list, its %d signatures not counted\n",
				s.Name, s.Key.Fingerprint, s.Registered, s.Signatures)
		case s.Signatures == 0:
			fmt.Fprintf(w, "  %s, key %s (registered at entry %d): no signature\n", s.Name, s.Key.Fingerprint, s.Registered)
		default:
			fmt.Fprintf(w, "  entries 1-%d vouched for by %s, key %s, signed %s\n", s.Last.Seq, s.Name, s.Key.Fingerprint,
				s.Last.At.UTC().Format("2006-01-02 15:04 MST"))
		}
	}
	switch {
	case rep.Vouched == 0:
		fmt.Fprintln(w, "no signature vouches for any entry: whoever can write the database could have rewritten the log")
	case rep.Vouched < rep.Entries:
		fmt.Fprintf(w, "entries %d-%d are vouched for by no signature yet\n", rep.Vouched+1, rep.Entries)
	}
}

func (e *cmdEnv) auditSigners(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("audit signers", flag.ContinueOnError)
	at := addDatabaseFlags(fs, "data directory")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	d, db, err := openDesk(ctx, at, 1, desk.Config{})
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := d.Signers(ctx)
	if err != nil {
		return err
	}
	_, err = list.WriteTo(e.stdout)
	return err
}
