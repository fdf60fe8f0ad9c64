// Command tropa runs the help desk and administers its data directory.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"tropa"
	"tropa/locale"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "tropa:", errorText(err))
		os.Exit(1)
	}
}

// errorText is what the administrator reads for err: an error meant for
// people in the words of the English catalog, as the web pages give it, and
// any other error as it is.
func errorText(err error) string {
	var e *tropa.Error
	if !errors.As(err, &e) || e.MessageID == "" {
		return err.Error()
	}
	text, cerr := locale.ErrorText(err, "en")
	if cerr != nil {
		return err.Error()
	}
	return text
}

// explained is err in the catalog's words when it is meant for people.
func explained(cat *locale.Catalog, err error) error {
	var te *tropa.Error
	if errors.As(err, &te) && te.MessageID != "" {
		return errors.New(cat.Explain(err))
	}
	return err
}

const usage = `usage: tropa <command> [flags]

commands:
  demo        run a server with fake demo data in a temporary directory
  init        set up a data directory and print the recovery key once
  serve       serve the applicant and staff sites
  user add    add a staff member and print their one-time enrolment code
  user list   list staff members
  user reset-totp  make a staff member set up TOTP again, with a new enrolment code
  audit verify  check the audit log's hash chain and the staff signatures of it
  audit signers  print the signing keys and the log's head, to keep off the server
  backup      write an encrypted backup, also while serving
  backup verify  check a backup whole without restoring it
  restore     bring a backup back into an empty data directory or database
  import      load the organization's past requests from a CSV file
  totp-code   print the current TOTP code for a secret (for the demo)
  bench       flood a tropa on this machine and measure it against argon2id's ceiling
  stats       print the figures page's tables, publish-safe, as a table, CSV or JSON
  channels key|sign|verify|publish  the signed list of the organization's official channels
  series import|list|delete  keep a monthly series published by others, to chart beside ours

Every flag can also be set as TROPA_<FLAG> in the environment (dashes as
underscores), or read from a file named by TROPA_<FLAG>_FILE.
Run "tropa <command> -h" for a command's flags.`

// run is the whole program, with its outside world passed in.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return fmt.Errorf("no command given")
	}
	env := &cmdEnv{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "demo":
		return env.demo(ctx, rest)
	case "init":
		return env.init(ctx, rest)
	case "serve":
		return env.serve(ctx, rest)
	case "user":
		return env.user(ctx, rest)
	case "audit":
		return env.audit(ctx, rest)
	case "backup":
		return env.backup(ctx, rest)
	case "restore":
		return env.restore(ctx, rest)
	case "import":
		return env.importHistory(ctx, rest)
	case "totp-code":
		return env.totpCode(rest)
	case "bench":
		return env.bench(ctx, rest)
	case "stats":
		return env.stats(ctx, rest)
	case "channels":
		return env.channels(ctx, rest)
	case "series":
		return env.series(ctx, rest)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		fmt.Fprintln(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// cmdEnv is what every command reads and writes.
type cmdEnv struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// now is the clock a server's desk keeps time by; nil is the system's.
	now func() time.Time
}

// clock is the clock commands keep time by: e.now, or the system's.
func (e *cmdEnv) clock() func() time.Time {
	if e.now != nil {
		return e.now
	}
	return time.Now
}
