package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strings"

	"tropa/desk"
	"tropa/seal"
	"tropa/store"
)

// parseFlags parses args, then fills every flag not given on the command
// line from TROPA_<NAME>, or from the file named by TROPA_<NAME>_FILE, so
// that secrets need not appear in the process list or the environment.
func (e *cmdEnv) parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		name := "TROPA_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v := e.getenv(name)
		if file := e.getenv(name + "_FILE"); v == "" && file != "" {
			b, rerr := os.ReadFile(file)
			if rerr != nil {
				err = fmt.Errorf("%s_FILE: %w", name, rerr)
				return
			}
			v = strings.TrimRight(string(b), "\r\n")
		}
		if v != "" {
			if serr := f.Value.Set(v); serr != nil {
				err = fmt.Errorf("%s: %w", name, serr)
			}
		}
	})
	return err
}

// openDesk opens the store in dir and a desk over it.
func openDesk(ctx context.Context, dir string, kdfConcurrency int) (*desk.Desk, *store.DB, error) {
	if dir == "" {
		return nil, nil, fmt.Errorf("--data is required: the data directory")
	}
	db, err := store.OpenSQLite(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	if kdfConcurrency <= 0 {
		kdfConcurrency = runtime.GOMAXPROCS(0)
	}
	return desk.New(desk.Config{Store: db, KDF: seal.NewKDF(kdfConcurrency)}), db, nil
}

func (e *cmdEnv) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, nil))
}
