package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"tropa"
	"tropa/desk"
	"tropa/locale"
)

const importUsage = `usage: tropa import --data DIR [--dry-run] [--lang ru|uk|en] FILE.csv

Loads the organization's past requests from a CSV file, so that its figures
start from its first day. The file is UTF-8 CSV with a header row naming its
columns, in any order:

  date       the day the request came, 2023-09-14; or only its month,
             2023-09, which counts on the month's first day
  channel    web, telegram, hotline or api
  kind       leave_unit, leave_country, surrender, legal, relative or other
  situation  front, hospital, leave, absent, not_deployed, abroad or custody
  outcome    left_country, surrendered, returned_to_unit, detained,
             suspended_sentence, imprisoned, lost_contact, helped_otherwise,
             withdrew, or an outcome the organization added
  text       optional: what was written, at most 10000 characters

Instead of a key, a value may be the name staff or applicants read for it in
Russian, Ukrainian or English ("горячая линия", "Сдался в плен"), in any case.

Each row becomes a case received and closed on its day with its outcome,
owned by no one: it counts in the figures like any request, and enters no
one's queue. Its text is sealed like any request's, under a key of its own
wrapped to the recovery key and the intake group; a row without text has
nothing to open. The whole file is checked first: each bad row is reported
by its line, and nothing is written unless every row is good. Then it is
written in one transaction. A second import is refused without --again: the
same rows imported twice count twice. Delete the CSV file once imported: it
holds the texts in clear.

flags:`

// importReport is what a history file holds, as the first read of it
// found.
type importReport struct {
	rows, withText int
	// old are the rows older than the retention time for closed cases,
	// retention days.
	old, retention int
	byMonth        map[string]int
	byChannel      map[tropa.Channel]int
	bad            []*rowError
	moreBad        int
}

// maxBadRows is how many bad rows are listed; the rest are counted.
const maxBadRows = 100

func (e *cmdEnv) importHistory(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), importUsage)
		fs.PrintDefaults()
	}
	at := addDatabaseFlags(fs, "data directory")
	dryRun := fs.Bool("dry-run", false, "check the file and report what would be imported; write nothing")
	lang := fs.String("lang", "", "language of the report: ru, uk or en (default: from LANG, else en)")
	again := fs.Bool("again", false, "import although a history was imported before: rows imported twice count twice")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("import takes one CSV file")
	}
	path := fs.Arg(0)
	cat, err := locale.New(e.language(*lang))
	if err != nil {
		return err
	}
	d, db, err := openDesk(ctx, at, 1, desk.Config{Now: e.now})
	if err != nil {
		return err
	}
	defer db.Close()
	now := e.clock()()
	rep, err := e.checkHistory(ctx, d, path, now, cat.Text("ImportChecking", nil))
	if err != nil {
		return err
	}
	for _, b := range rep.bad {
		fmt.Fprintln(e.stderr, cat.Text("ImportBadRow", map[string]any{"Line": b.Line, "Reason": cat.Explain(b.Err)}))
	}
	if len(rep.bad) > 0 {
		if rep.moreBad > 0 {
			fmt.Fprintln(e.stderr, cat.Text("ImportMoreBadRows", map[string]any{"N": rep.moreBad}))
		}
		return errors.New(cat.Text("ImportRefused", map[string]any{"N": len(rep.bad) + rep.moreBad}))
	}
	e.printImportReport(cat, rep)
	past, err := d.PastImports(ctx)
	if err != nil {
		return err
	}
	for _, p := range past {
		fmt.Fprintln(e.stdout, cat.Text("ImportBefore", map[string]any{"Day": p.At.UTC().Format(time.DateOnly), "Detail": p.Detail}))
	}
	if *dryRun {
		fmt.Fprintln(e.stdout, cat.Text("ImportDryRun", nil))
		return nil
	}
	if len(past) > 0 && !*again {
		return errors.New(cat.Text("ImportAgain", nil))
	}
	n, err := e.writeHistory(ctx, d, path, cat.Text("ImportWriting", nil))
	if err != nil {
		return errors.New(cat.Explain(err))
	}
	fmt.Fprintln(e.stdout, cat.Text("ImportDone", map[string]any{"N": n}))
	return nil
}

// language is the report's language: lang if given, else the one the
// environment's locale names, if tropa speaks it, else English.
func (e *cmdEnv) language(lang string) string {
	if lang != "" {
		return lang
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l := e.getenv(v); len(l) >= 2 {
			if locale.Speaks(l[:2]) {
				return l[:2]
			}
			return "en"
		}
	}
	return "en"
}

// checkHistory reads the file at path once, whole, and reports what it
// holds and every row that is wrong with it, in little memory whatever
// its size.
func (e *cmdEnv) checkHistory(ctx context.Context, d *desk.Desk, path string, now time.Time, doing string) (*importReport, error) {
	v, err := d.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	ret, err := d.Retention(ctx)
	if err != nil {
		return nil, err
	}
	names, err := newHistoryNames(v)
	if err != nil {
		return nil, err
	}
	rep := &importReport{byMonth: map[string]int{}, byChannel: map[tropa.Channel]int{}}
	bad := func(re *rowError) {
		if len(rep.bad) < maxBadRows {
			rep.bad = append(rep.bad, re)
		} else {
			rep.moreBad++
		}
	}
	err = e.readHistory(path, doing, names, func(row tropa.HistoryRow, line int, err error) error {
		if err == nil {
			err = row.Validate(v, now)
		}
		var re *rowError
		switch {
		case errors.As(err, &re):
			bad(re)
		case err != nil && tropa.ErrorCode(err) == tropa.EINVALID:
			bad(&rowError{Line: line, Err: err})
		case err != nil:
			return err
		default:
			rep.rows++
			if row.Text != "" {
				rep.withText++
			}
			if ret.ClosedAfter > 0 && !row.Day.After(now.AddDate(0, 0, -ret.ClosedAfter)) {
				rep.old++
			}
			rep.byMonth[row.Day.Format("2006-01")]++
			rep.byChannel[row.Channel]++
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	rep.retention = ret.ClosedAfter
	return rep, nil
}

// writeHistory reads the file at path again and has the desk write it,
// which checks every row again: the file may have changed since.
func (e *cmdEnv) writeHistory(ctx context.Context, d *desk.Desk, path, doing string) (int, error) {
	v, err := d.Vocabulary(ctx)
	if err != nil {
		return 0, err
	}
	names, err := newHistoryNames(v)
	if err != nil {
		return 0, err
	}
	rows := func(yield func(tropa.HistoryRow, error) bool) {
		stop := errors.New("stopped")
		rerr := e.readHistory(path, doing, names, func(row tropa.HistoryRow, _ int, err error) error {
			if !yield(row, err) || err != nil {
				return stop
			}
			return nil
		})
		if rerr != nil && !errors.Is(rerr, stop) {
			yield(tropa.HistoryRow{}, rerr)
		}
	}
	return d.ImportHistory(ctx, rows)
}

// readHistory reads the history file at path, doing what doing says, calling fn with each row
// and its line, or with what is wrong with it, until fn fails; a bar on
// standard error shows how far it got, when that is a terminal and the
// file is large.
func (e *cmdEnv) readHistory(path, doing string, names historyNames, fn func(tropa.HistoryRow, int, error) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	bar := e.progress(info.Size(), doing)
	defer bar.Finish()
	r, err := newHistoryReader(f, names)
	if err != nil {
		return fn(tropa.HistoryRow{}, 1, err)
	}
	for i := 0; ; i++ {
		row, line, err := r.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err := fn(row, line, err); err != nil {
			return err
		}
		if i%4096 == 0 {
			bar.Set64(r.src.read)
		}
	}
}

// progress is a bar of size bytes on standard error, titled doing, or one that shows
// nothing when standard error is no terminal or the file is small.
func (e *cmdEnv) progress(size int64, doing string) *progressbar.ProgressBar {
	const large = 1 << 20
	f, ok := e.stderr.(*os.File)
	if !ok || size < large || !term.IsTerminal(int(f.Fd())) {
		return progressbar.DefaultSilent(size)
	}
	return progressbar.NewOptions64(size, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription(doing), progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
}

// printImportReport says what the file holds: how many requests, by
// month and by channel.
func (e *cmdEnv) printImportReport(cat *locale.Catalog, rep *importReport) {
	fmt.Fprintln(e.stdout, cat.Text("ImportRows", map[string]any{"N": rep.rows, "Text": rep.withText}))
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, cat.Text("ImportByMonth", nil))
	for _, m := range slices.Sorted(maps.Keys(rep.byMonth)) {
		fmt.Fprintf(w, "  %s\t%d\n", m, rep.byMonth[m])
	}
	fmt.Fprintln(w, cat.Text("ImportByChannel", nil))
	for _, ch := range tropa.Channels {
		if n := rep.byChannel[ch]; n > 0 {
			fmt.Fprintf(w, "  %s\t%d\n", cat.Text("Channel_"+string(ch), nil), n)
		}
	}
	w.Flush()
	if rep.old > 0 {
		fmt.Fprintln(e.stdout, cat.Text("ImportOld", map[string]any{"N": rep.old, "Days": rep.retention}))
	}
}
