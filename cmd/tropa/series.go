package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/locale"
	"tropa/stats"
)

const seriesUsage = `usage: tropa series import --data DIR --name NAME --source SOURCE [--replace] [--dry-run] [--lang ru|uk|en] FILE.csv
       tropa series list --data DIR [--lang ru|uk|en]
       tropa series delete --data DIR [--lang ru|uk|en] NAME

Keeps a monthly series published by others, such as the cases of
unauthorized abandonment of a unit that military courts heard each month,
to chart beside the organization's requests (tropa stats --series NAME, and
the figures page). The file is UTF-8 CSV with a header row naming its two
columns, in either order, in English, Russian or Ukrainian:

  month   the month, 2023-09
  value   the figure published for it, a whole number from 0

Each month at most once, in any order. The whole file is checked first:
each bad row is reported by its line, and nothing is written unless every
row is good. A series' figures are public and name no one the organization
helps: they are kept in clear and published as they are, never withheld.

flags:`

func (e *cmdEnv) series(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, seriesUsage)
		return errors.New("usage: tropa series import|list|delete --data DIR ...")
	}
	switch args[0] {
	case "import":
		return e.seriesImport(ctx, args[1:])
	case "list":
		return e.seriesList(ctx, args[1:])
	case "delete":
		return e.seriesDelete(ctx, args[1:])
	}
	return fmt.Errorf("unknown series command %q: want import, list or delete", args[0])
}

// seriesFlags are the flags every series command takes; their catalog is
// in the language --lang or the locale names.
func (e *cmdEnv) seriesFlags(name string) (*flag.FlagSet, func(args []string) (database, *locale.Catalog, error)) {
	fs := flag.NewFlagSet("series "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), seriesUsage)
		fs.PrintDefaults()
	}
	at := addDatabaseFlags(fs, "data directory")
	lang := fs.String("lang", "", "language of the report: ru, uk or en (default: from LANG, else en)")
	return fs, func(args []string) (database, *locale.Catalog, error) {
		if err := e.parseFlags(fs, args); err != nil {
			return at, nil, err
		}
		cat, err := locale.New(e.language(*lang))
		return at, cat, err
	}
}

func (e *cmdEnv) seriesImport(ctx context.Context, args []string) error {
	fs, parse := e.seriesFlags("import")
	name := fs.String("name", "", "the series' name, as the figures page lists it")
	source := fs.String("source", "", "where the series was published: an address, a note")
	replace := fs.Bool("replace", false, "replace a series of the same name")
	dryRun := fs.Bool("dry-run", false, "check the file and report what would be imported; write nothing")
	at, cat, err := parse(args)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("series import takes one CSV file")
	}
	d, db, err := openDesk(ctx, at, 1, desk.Config{Now: e.now})
	if err != nil {
		return err
	}
	defer db.Close()
	now := e.clock()()
	in, err := e.readSeriesFile(cat, fs.Arg(0), now)
	if err != nil {
		return err
	}
	in.Name, in.Source = *name, *source
	if err := in.Validate(now); err != nil {
		return explained(cat, err)
	}
	first, last := in.Values[0], in.Values[len(in.Values)-1]
	fmt.Fprintln(e.stdout, cat.Text("SeriesFileHolds", map[string]any{"N": len(in.Values),
		"First": first.Month.Format("2006-01"), "Last": last.Month.Format("2006-01")}))
	_, err = d.LocalSeries(ctx, in.Name)
	exists := err == nil
	if err != nil && !tropa.IsCode(err, tropa.ENOTFOUND) {
		return err
	}
	if exists && !*replace {
		return errors.New(cat.Text("SeriesExistsFlag", map[string]any{"Name": in.Name}))
	}
	if *dryRun {
		fmt.Fprintln(e.stdout, cat.Text("ImportDryRun", nil))
		return nil
	}
	if err := d.LocalImportSeries(ctx, in, *replace); err != nil {
		return explained(cat, err)
	}
	fmt.Fprintln(e.stdout, cat.Text("SeriesImported", map[string]any{"Name": in.Name, "N": len(in.Values)}))
	return nil
}

// readSeriesFile reads the series file at path, reporting each bad row
// on standard error; it fails unless every row is good.
func (e *cmdEnv) readSeriesFile(cat *locale.Catalog, path string, now time.Time) (*tropa.Series, error) {
	cs, err := locale.Load()
	if err != nil {
		return nil, err
	}
	header := cs.SeriesHeader()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	got, err := stats.ReadSeries(f, header, now)
	if err != nil {
		return nil, err
	}
	for _, b := range got.Bad {
		fmt.Fprintln(e.stderr, cat.Text("ImportBadRow", map[string]any{"Line": b.Line, "Reason": cat.Explain(b.Err)}))
	}
	if !got.OK() {
		if got.MoreBad > 0 {
			fmt.Fprintln(e.stderr, cat.Text("ImportMoreBadRows", map[string]any{"N": got.MoreBad}))
		}
		return nil, errors.New(cat.Text("ImportRefused", map[string]any{"N": len(got.Bad) + got.MoreBad}))
	}
	return &tropa.Series{Values: got.Values}, nil
}

func (e *cmdEnv) seriesList(ctx context.Context, args []string) error {
	_, parse := e.seriesFlags("list")
	at, cat, err := parse(args)
	if err != nil {
		return err
	}
	d, db, err := openDesk(ctx, at, 1, desk.Config{Now: e.now})
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := d.LocalListSeries(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, cat.Text("SeriesNone", nil))
		return nil
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", cat.Text("SeriesName", nil), cat.Text("SeriesMonths", nil),
		cat.Text("SeriesImportedOn", nil), cat.Text("SeriesSource", nil))
	for _, s := range list {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", s.Name, seriesSpan(cat, s), s.ImportedAt.UTC().Format(time.DateOnly), s.Source)
	}
	return w.Flush()
}

// seriesSpan says which months a series has: "2023-09 – 2024-08 (12)".
func seriesSpan(cat *locale.Catalog, s tropa.Series) string {
	if len(s.Values) == 0 {
		return "0"
	}
	return cat.Text("SeriesSpan", map[string]any{"First": s.Values[0].Month.Format("2006-01"),
		"Last": s.Values[len(s.Values)-1].Month.Format("2006-01"), "N": len(s.Values)})
}

func (e *cmdEnv) seriesDelete(ctx context.Context, args []string) error {
	fs, parse := e.seriesFlags("delete")
	at, cat, err := parse(args)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("series delete takes the series' name")
	}
	d, db, err := openDesk(ctx, at, 1, desk.Config{Now: e.now})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := d.LocalDeleteSeries(ctx, fs.Arg(0)); err != nil {
		return explained(cat, err)
	}
	fmt.Fprintln(e.stdout, cat.Text("SeriesDeleted", map[string]any{"Name": fs.Arg(0)}))
	return nil
}
