package main

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"tropa"
	"tropa/desk"
	"tropa/stats"
	"tropa/store"
)

// importDir is a data directory with olga, a caseworker on intake; it
// returns her enrolment code too.
func importDir(t *testing.T) (dir, enrolCode string) {
	t.Helper()
	dir = t.TempDir()
	mustRun(t, "", "init", "--data", dir)
	out := mustRun(t, "olga password 5d2a\n", "user", "add", "--data", dir, "--name", "olga", "--role", "caseworker",
		"--password-stdin")
	return dir, enrolCodeIn(t, out)
}

// enrolled logs a staff member in for the first time and enrols their TOTP.
func enrolled(t *testing.T, d *desk.Desk, name, password, enrolCode string) *desk.Session {
	t.Helper()
	s, err := d.Login(t.Context(), name, password, "")
	if err != nil {
		t.Fatal(err)
	}
	key, err := d.PendingTOTP(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(key.Secret(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ConfirmTOTP(t.Context(), s, enrolCode, code); err != nil {
		t.Fatal(err)
	}
	return s
}

// runImport imports csv into dir with args, in the language of env LANG
// lang, and returns what it printed.
func runImport(t *testing.T, dir, lang, csv string, args ...string) (string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "history.csv")
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	env := func(k string) string {
		if k == "LANG" {
			return lang
		}
		return ""
	}
	err := run(t.Context(), append(append([]string{"import", "--data", dir}, args...), path), env,
		strings.NewReader(""), &out, &out)
	return out.String(), err
}

// importDesk opens dir's desk; the store closes with the test.
func importDesk(t *testing.T, dir string) (*desk.Desk, *store.DB) {
	t.Helper()
	noURL := ""
	d, db, err := openDesk(t.Context(), database{dir: &dir, url: &noURL}, 1, desk.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return d, db
}

// storedRequests is how many requests dir's figures count, of all time.
func storedRequests(t *testing.T, db *store.DB) int {
	t.Helper()
	c, err := db.Counts(t.Context(), time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return total(c.ReceivedByChannel)
}

// received counts every month's figures as the figures page does, for
// the analyst of session s.
func received(t *testing.T, d *desk.Desk, s *desk.Session, months ...stats.Period) []*tropa.Counts {
	t.Helper()
	var all []*tropa.Counts
	for _, m := range months {
		f, err := d.Figures(t.Context(), s, m)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, f.Counts)
	}
	return all
}

func total(m map[tropa.Channel]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

const importHeader = "date,channel,kind,situation,outcome,text\n"

// A file with anything wrong in it is refused whole, each bad row named
// by its line and what is wrong, in the language asked for, and nothing
// of it is written.
func TestImportRefusesBadFiles(t *testing.T) {
	t.Parallel()
	dir, _ := importDir(t)
	good := "2023-09-14,hotline,surrender,front,surrendered,\n"
	for _, tc := range []struct {
		name, csv, want string
	}{
		{"empty file", "", "line 1: The file is empty"},
		{"blank file", "\n\n", "line 1: The file is empty"},
		{"unknown column", "date,channel,kind,situation,outcome,txet\n" + good, "line 1: The header names a column “txet”"},
		{"missing column", "date,channel,kind,situation\n2023-09-14,hotline,surrender,front\n", "line 1: The header lacks the column “outcome”"},
		{"column twice", "date,channel,kind,situation,outcome,date\n", "line 1: The header names the column “date” twice"},
		{"no such day", importHeader + good + "2023-02-30,web,legal,abroad,left_country,\n", "line 3: “2023-02-30” is not a date"},
		{"day and month swapped", importHeader + "14.09.2023,web,legal,abroad,left_country,\n", "line 2: “14.09.2023” is not a date"},
		{"month 13", importHeader + "2023-13,web,legal,abroad,left_country,\n", "line 2: “2023-13” is not a date"},
		{"future", importHeader + "2999-01-01,web,legal,abroad,left_country,\n", "line 2: The date 2999-01-01 is not between the year 2000 and today"},
		{"before 2000", importHeader + "1999-12-31,web,legal,abroad,left_country,\n", "line 2: The date 1999-12-31 is not between"},
		{"unknown channel", importHeader + good + good + "2023-09-14,pigeon,legal,abroad,left_country,\n", "line 4: “pigeon” is not a known value of the column “channel”"},
		{"unknown kind", importHeader + "2023-09-14,web,desert,abroad,left_country,\n", "line 2: “desert” is not a known value of the column “kind”"},
		{"unknown situation", importHeader + "2023-09-14,web,legal,moon,left_country,\n", "line 2: “moon” is not a known value of the column “situation”"},
		{"unknown outcome", importHeader + "2023-09-14,web,legal,abroad,vanished,\n", "line 2: “vanished” is not a known value of the column “outcome”"},
		{"empty value", importHeader + "2023-09-14,,legal,abroad,left_country,\n", "line 2: The column “channel” is empty"},
		{"too few columns", importHeader + good + "2023-09-14,web,legal,abroad\n", "line 3: This row has a different number of columns"},
		{"too many columns", importHeader + "2023-09-14,web,legal,abroad,left_country,,extra\n", "line 2: This row has a different number of columns"},
		{"broken quotes", importHeader + "2023-09-14,web,legal,abroad,left_country,\"he said \"no\"\n", "line 2: The quotes in this row do not pair up"},
		{"text not UTF-8", importHeader + "2023-09-14,web,legal,abroad,left_country,\xff\xfe\n", "line 2: The text contains characters that cannot be read"},
		{"kind not UTF-8", importHeader + "2023-09-14,web,le\xc3gal,abroad,left_country,\n", "line 2: The kind contains characters that cannot be read"},
		{"hidden control", importHeader + "2023-09-14,web,legal,abroad,left_country,a\u202eb\n", "line 2: The text contains invisible control characters"},
		{"text too long", importHeader + "2023-09-14,web,legal,abroad,left_country," + strings.Repeat("я", tropa.MaxMessageLen+1) + "\n", "line 2: The text is too long"},
		{"multi-line text before a bad row", importHeader + "2023-09-14,web,legal,abroad,left_country,\"one\ntwo\nthree\"\n2023-09-14,web,legal,abroad,nope,\n", "line 5: “nope”"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runImport(t, dir, "", tc.csv)
			if err == nil {
				t.Fatalf("import succeeded:\n%s", out)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("import printed:\n%s\nwant %q", out, tc.want)
			}
			if !strings.Contains(err.Error(), "Nothing was imported") {
				t.Errorf("import failed with %q, want it to say nothing was imported", err)
			}
		})
	}
	_, db := importDesk(t, dir)
	if n := storedRequests(t, db); n != 0 {
		t.Errorf("after refused imports, %d requests are stored, want 0", n)
	}
}

// Errors are told in the language of LANG, or of --lang.
func TestImportSpeaksTheUsersLanguage(t *testing.T) {
	t.Parallel()
	dir, _ := importDir(t)
	bad := importHeader + "2023-09-14,web,legal,abroad,vanished,\n"
	out, err := runImport(t, dir, "ru_RU.UTF-8", bad)
	if err == nil || !strings.Contains(out, "строка 2: «vanished» — неизвестное значение столбца «итог»") ||
		!strings.Contains(err.Error(), "Ничего не импортировано") {
		t.Errorf("LANG=ru: %v\n%s", err, out)
	}
	out, err = runImport(t, dir, "ru_RU.UTF-8", bad, "--lang", "uk")
	if err == nil || !strings.Contains(out, "рядок 2: «vanished» — невідоме значення стовпця «підсумок»") {
		t.Errorf("--lang uk: %v\n%s", err, out)
	}
}

// A dry run reports what the file holds, by month and channel, and writes
// nothing; the import then writes it all.
func TestImportDryRunWritesNothing(t *testing.T) {
	t.Parallel()
	dir, _ := importDir(t)
	csv := importHeader + "2023-09-14,hotline,surrender,front,surrendered,\n" +
		"2023-09-02,web,legal,abroad,left_country,he asked about asylum\n" +
		"2023-10,hotline,surrender,front,surrendered,\n"
	out, err := runImport(t, dir, "", csv, "--dry-run")
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	for _, want := range []string{"Requests: 3, of them with text: 1.", "2023-09  2", "2023-10  1", "hotline   2",
		"web form  1", "Dry run: nothing was written."} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run printed:\n%s\nwant %q", out, want)
		}
	}
	_, db := importDesk(t, dir)
	if n := storedRequests(t, db); n != 0 {
		t.Fatalf("after a dry run, %d requests are stored, want 0", n)
	}
	if out, err = runImport(t, dir, "", csv); err != nil || !strings.Contains(out, "Imported 3 requests") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if n := storedRequests(t, db); n != 3 {
		t.Errorf("after the import, %d requests are stored, want 3", n)
	}
	// The same file again would count every row twice.
	out, err = runImport(t, dir, "", csv)
	if err == nil || !strings.Contains(err.Error(), "Give --again") || !strings.Contains(out, "A history was imported on") ||
		!strings.Contains(out, "(3 requests)") {
		t.Errorf("a second import: %v\n%s\nwant it refused, naming the first", err, out)
	}
	if n := storedRequests(t, db); n != 3 {
		t.Errorf("after a refused second import, %d requests are stored, want 3", n)
	}
	if out, err = runImport(t, dir, "", csv, "--again"); err != nil {
		t.Fatalf("import --again: %v\n%s", err, out)
	}
	if n := storedRequests(t, db); n != 6 {
		t.Errorf("after import --again, %d requests are stored, want 6", n)
	}
}

// Imported requests count in the figures exactly as a hand count of the
// file says, by the month of their day, by channel, kind and outcome, in
// a file whose header is in its own order and whose values are names in
// Russian as well as keys; they stay so once retention has deleted them.
// Their text is sealed: the intake caseworker reads it, the database file
// does not hold it, and no case is open for anyone to see.
func TestImportFigures(t *testing.T) {
	t.Parallel()
	dir, enrol := importDir(t)
	const marker = "IMPORTED-TEXT-7f3a"
	csv := "outcome,text,situation,kind,date,channel\n" +
		"surrendered,\"" + marker + ", he wrote\",front,surrender,2023-09-03,hotline\n" +
		"left_country,,hospital,leave_unit,2023-09-30,web\n" +
		"Выехал из страны,,За границей,Юридический вопрос,2023-10,Telegram\n" +
		"Сдался в плен,,Уже покинул часть,безопасно сдаться в плен,2023-10-31,горячая линия\n" +
		"withdrew,,leave,other,2023-11-30,api\n"
	if out, err := runImport(t, dir, "", csv); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out := mustRun(t, "ana password 5d2a\n", "user", "add", "--data", dir, "--name", "ana", "--role", "analyst",
		"--password-stdin")
	d, _ := importDesk(t, dir)
	analyst := enrolled(t, d, "ana", "ana password 5d2a", enrolCodeIn(t, out))
	sep, oct, nov := stats.Month(2023, time.September), stats.Month(2023, time.October), stats.Month(2023, time.November)
	check := func(when string) {
		t.Helper()
		c := received(t, d, analyst, sep, oct, nov, stats.Month(2023, time.August))
		want := []struct {
			channels map[tropa.Channel]int
			kinds    map[tropa.Kind]int
			closed   map[tropa.Outcome]int
		}{
			{map[tropa.Channel]int{"hotline": 1, "web": 1}, map[tropa.Kind]int{"surrender": 1, "leave_unit": 1},
				map[tropa.Outcome]int{"surrendered": 1, "left_country": 1}},
			{map[tropa.Channel]int{"telegram": 1, "hotline": 1}, map[tropa.Kind]int{"legal": 1, "surrender": 1},
				map[tropa.Outcome]int{"left_country": 1, "surrendered": 1}},
			{map[tropa.Channel]int{"api": 1}, map[tropa.Kind]int{"other": 1}, map[tropa.Outcome]int{"withdrew": 1}},
			{map[tropa.Channel]int{}, map[tropa.Kind]int{}, map[tropa.Outcome]int{}},
		}
		for i, w := range want {
			if !equalCounts(c[i].ReceivedByChannel, w.channels) || !equalCounts(c[i].ReceivedByKind, w.kinds) ||
				!equalCounts(c[i].ClosedByOutcome, w.closed) || c[i].Triaged[tropa.DispositionCase] != total(w.channels) {
				t.Errorf("%s, month %d: received by channel %v, by kind %v, closed %v, triaged %v; want %v, %v, %v",
					when, i, c[i].ReceivedByChannel, c[i].ReceivedByKind, c[i].ClosedByOutcome, c[i].Triaged,
					w.channels, w.kinds, w.closed)
			}
		}
		if open, err := d.OpenCases(t.Context(), analyst); err != nil || len(open) != 0 {
			t.Errorf("%s: cases open now %v, %v; want none", when, open, err)
		}
	}
	check("imported")

	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var id string
	if err := raw.QueryRow(`SELECT request_id FROM messages`).Scan(&id); err != nil {
		t.Fatalf("the row with text has no message: %v", err)
	}
	var unowned, keyless, events int
	if err := raw.QueryRow(`SELECT (SELECT COUNT(*) FROM requests WHERE unowned OR owner_id <> ''),
		(SELECT COUNT(*) FROM requests r WHERE NOT EXISTS (SELECT 1 FROM key_wraps w WHERE w.request_id = r.id)),
		(SELECT COUNT(*) FROM case_events WHERE action = 'import')`).Scan(&unowned, &keyless, &events); err != nil {
		t.Fatal(err)
	}
	if unowned != 0 || keyless != 4 || events != 5 {
		t.Errorf("unowned or owned %d, without keys %d, import events %d; want 0, 4, 5", unowned, keyless, events)
	}
	s := enrolled(t, d, "olga", "olga password 5d2a", enrol)
	cs, err := d.OpenCase(t.Context(), s, id)
	if err != nil {
		t.Fatalf("olga opens the imported case: %v", err)
	}
	if len(cs.Messages) != 1 || cs.Messages[0].Body != marker+", he wrote" || cs.Request.Outcome != tropa.OutcomeSurrendered ||
		!tropa.Day(cs.Request.CreatedAt).Equal(time.Date(2023, 9, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("olga reads %+v on %v, outcome %q", cs.Messages, cs.Request.CreatedAt, cs.Request.Outcome)
	}
	if len(cs.History) != 1 || cs.History[0].Action != tropa.CaseImport {
		t.Errorf("history %+v, want one import", cs.History)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err == nil && bytes.Contains(b, []byte(marker)) {
			t.Errorf("%s holds the imported text in clear", f)
		}
	}

	if _, err := d.ApplyRetention(t.Context()); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM requests`).Scan(&left); err != nil || left != 0 {
		t.Fatalf("after retention %d requests are left (%v); the 2023 cases are past the default 180 days", left, err)
	}
	check("after retention")
}

func equalCounts[K comparable](got, want map[K]int) bool {
	for k, n := range got {
		if n != want[k] {
			return false
		}
	}
	for k, n := range want {
		if got[k] != n {
			return false
		}
	}
	return true
}

// The example in the docs imports as it says.
func TestImportExampleFile(t *testing.T) {
	t.Parallel()
	dir, _ := importDir(t)
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "history-example.csv"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := runImport(t, dir, "", string(b), "--dry-run")
	if err != nil || !strings.Contains(out, "Requests: 5, of them with text: 1.") {
		t.Errorf("dry run of the example: %v\n%s", err, out)
	}
}
