package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strings"

	"tropa/desk"
	"tropa/seal"
	"tropa/store"
	"tropa/web"
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

// database is where a command's data lives: a SQLite data directory
// (--data) or a PostgreSQL database (--db, or TROPA_DB, or the file named by
// TROPA_DB_FILE, so that its password need not show in the process list).
type database struct {
	dir, url *string
}

func addDatabaseFlags(fs *flag.FlagSet, dirUsage string) database {
	return database{
		dir: fs.String("data", "", dirUsage),
		url: fs.String("db", "", "PostgreSQL database URL (postgres://…); instead of --data"),
	}
}

// where returns the location for store.Open.
func (d database) where() (string, error) {
	switch {
	case *d.url != "" && *d.dir != "":
		return "", errors.New("give either --data (SQLite) or --db (PostgreSQL), not both")
	case *d.url != "":
		if !store.IsPostgresURL(*d.url) {
			return "", errors.New("--db takes a postgres:// URL")
		}
		return *d.url, nil
	case *d.dir != "":
		return *d.dir, nil
	}
	return "", errors.New("--data is required: the data directory (or --db for PostgreSQL)")
}

// flags repeats the location as command-line flags for the next command
// to run, leaving out the PostgreSQL URL, which may hold a password.
func (d database) flags() string {
	if *d.url != "" {
		return "--db \"$TROPA_DB\""
	}
	return "--data " + *d.dir
}

// openDesk opens the store and a desk over it, configured by cfg and
// running kdfConcurrency argon2id derivations at once (0: one per CPU).
func openDesk(ctx context.Context, at database, kdfConcurrency int, cfg desk.Config) (*desk.Desk, *store.DB, error) {
	where, err := at.where()
	if err != nil {
		return nil, nil, err
	}
	db, err := store.Open(ctx, where)
	if err != nil {
		return nil, nil, err
	}
	if kdfConcurrency <= 0 {
		kdfConcurrency = runtime.GOMAXPROCS(0)
	}
	cfg.Store, cfg.KDF = db, seal.NewKDF(kdfConcurrency)
	return desk.New(cfg), db, nil
}

func (e *cmdEnv) logger() *slog.Logger {
	return web.NewLogger(e.stderr)
}
