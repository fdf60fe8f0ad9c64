package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"tropa"
	"tropa/desk"
)

func (e *cmdEnv) user(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New(`usage: tropa user add|list|reset-totp|reset-password --data DIR ...`)
	}
	switch args[0] {
	case "add":
		return e.userAdd(ctx, args[1:])
	case "list":
		return e.userList(ctx, args[1:])
	case "reset-totp":
		return e.userResetTOTP(ctx, args[1:])
	case "reset-password":
		return e.userResetPassword(ctx, args[1:])
	default:
		return fmt.Errorf("unknown user command %q: want add, list, reset-totp or reset-password", args[0])
	}
}

func (e *cmdEnv) userAdd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	at := addDatabaseFlags(fs, "data directory")
	name := fs.String("name", "", "login name")
	role := fs.String("role", "", "admin, coordinator, caseworker, operator or analyst")
	intake := fs.String("intake", "auto", "receive every new request: yes, no, or auto (coordinators and caseworkers)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	r := tropa.Role(*role)
	if !r.Valid() {
		return fmt.Errorf("--role must be one of admin, coordinator, caseworker, operator, analyst")
	}
	s := tropa.Staff{Name: *name, Role: r}
	switch *intake {
	case "auto":
		s.Intake = r.JoinsIntakeByDefault()
	case "yes":
		s.Intake = true
	case "no":
	default:
		return fmt.Errorf("--intake must be yes, no or auto")
	}
	password, err := e.readPassword(*fromStdin, true)
	if err != nil {
		return err
	}
	d, db, err := openDesk(ctx, at, 1, desk.Config{})
	if err != nil {
		return err
	}
	defer db.Close()
	added, err := d.AddStaff(ctx, s, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Added %s (%s, intake: %v). They set up TOTP at their first login.\n", added.Name, added.Role, added.Intake)
	e.printEnrolCode(added.Name, added.EnrolCode)
	return nil
}

// userResetTOTP makes a staff member set up TOTP again, with a new
// enrolment code: for a lost phone when no administrator can log in, or a
// code that expired before its first use.
func (e *cmdEnv) userResetTOTP(ctx context.Context, args []string) error {
	d, name, done, err := e.openForPerson(ctx, "user reset-totp", args)
	if err != nil {
		return err
	}
	defer done()
	code, err := d.ResetTOTPByName(ctx, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s's TOTP is reset and their sessions ended. They set it up again at their next login.\n", name)
	e.printEnrolCode(name, code)
	return nil
}

// userResetPassword destroys the keys of a staff member who forgot their
// password and gives them a new enrolment code: for the last administrator,
// who has no one to ask on the web.
func (e *cmdEnv) userResetPassword(ctx context.Context, args []string) error {
	d, name, done, err := e.openForPerson(ctx, "user reset-password", args)
	if err != nil {
		return err
	}
	defer done()
	reset, err := d.ResetPasswordByName(ctx, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s's keys are destroyed and their sessions ended: nothing opens with the old password.\n"+
		"They choose a new password at /staff/enrol. Cases to re-grant to them: %d (a coordinator gives them back "+
		"at /staff/people).\n", name, reset.Cases)
	e.printEnrolCode(name, reset.EnrolCode)
	return nil
}

// openForPerson parses the flags of a command about one staff member,
// named by --name, and opens the desk; done closes it.
func (e *cmdEnv) openForPerson(ctx context.Context, command string, args []string) (d *desk.Desk, name string, done func(), err error) {
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	at := addDatabaseFlags(fs, "data directory")
	fs.StringVar(&name, "name", "", "login name")
	if err := e.parseFlags(fs, args); err != nil {
		return nil, "", nil, err
	}
	d, db, err := openDesk(ctx, at, 1, desk.Config{})
	if err != nil {
		return nil, "", nil, err
	}
	return d, name, func() { db.Close() }, nil
}

// printEnrolCode shows an enrolment code, the one time it exists outside
// the staff member's hands.
func (e *cmdEnv) printEnrolCode(name, code string) {
	fmt.Fprintf(e.stdout, "Enrolment code for %s (shown only now; it works once, for %d hours):\n  %s\n"+
		"Give it to them in person or over a channel you trust: their password alone does not set up TOTP.\n",
		name, int(desk.EnrolCodeLifetime.Hours()), code)
}

// readPassword reads a password from standard input's first line, or
// unechoed from the terminal; a new password (confirm) is asked twice.
func (e *cmdEnv) readPassword(fromStdin, confirm bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("read password from standard input: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", errors.New("standard input is not a terminal: use --password-stdin")
	}
	ask := func(prompt string) (string, error) {
		fmt.Fprint(e.stderr, prompt)
		p, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		return string(p), err
	}
	p1, err := ask("Password: ")
	if err != nil || !confirm {
		return p1, err
	}
	p2, err := ask("Again: ")
	if err != nil {
		return "", err
	}
	if p1 != p2 {
		return "", errors.New("the passwords differ")
	}
	return p1, nil
}

func (e *cmdEnv) userList(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("user list", flag.ContinueOnError)
	at := addDatabaseFlags(fs, "data directory")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	d, db, err := openDesk(ctx, at, 1, desk.Config{})
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := d.ListStaff(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tINTAKE\tACTIVE\tTOTP")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%v\t%v\t%v\n", s.Name, s.Role, s.Intake, s.Active, s.TOTPEnrolled)
	}
	return tw.Flush()
}
