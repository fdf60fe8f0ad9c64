package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/internal/htmlcheck"
	"tropa/store"
)

// TestRetentionLeavesNothing works a case through the real server and
// closes it, moves its closing and the applicant's last message half a
// year back (the only change made by hand), and starts the server again:
// the retention job it runs at start deletes the case. Then every file in
// the data directory is read, while
// the server runs and after it stops, as someone who seized the disk would:
// none of the case's sealed values (its contact, messages, history,
// deadlines, details, the wraps of its key and its receipt) is left in the
// database or its write-ahead log, and none of what was typed; a request
// still open is there. The receipt opens nothing, and the figures are the
// same.
func TestRetentionLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	const password = "correct horse battery staple"
	mustRun(t, "", "init", "--data", dir)
	enrolCode := enrolCodeIn(t, mustRun(t, password+"\n", "user", "add", "--data", dir, "--name", "olga", "--role", "caseworker",
		"--password-stdin"))
	markers := map[string]string{
		"message":  "MARKER-RET-MESSAGE-5d0c Я в госпитале",
		"contact":  "MARKER-RET-CONTACT-@handle_9e41",
		"reply":    "MARKER-RET-REPLY-77ab встреча у вокзала",
		"note":     "MARKER-RET-NOTE-c3f0",
		"reason":   "MARKER-RET-REASON-1b2d",
		"route":    "MARKER-RET-ROUTE-aa51 через Ларс",
		"deadline": "MARKER-RET-DEADLINE-0e93",
		"followup": "MARKER-RET-FOLLOWUP-6f12",
		"place":    "MARKER-RET-PLACE-4c1e у водокачки",
	}

	srv := startServer(t, dir)
	applicant := newClient(t)
	page := applicant.postForm(srv.url, url.Values{"kind": {"leave_country"}, "situation": {"hospital"},
		"message": {markers["message"]}, "contact": {markers["contact"]}})
	receipt := htmlcheck.Text(htmlcheck.HasOne(t, page, "p.receipt"))
	staff := newClient(t)
	page, _ = staff.firstLogin(t, srv.url, "olga", password, enrolCode)
	link, _ := htmlcheck.Attr(htmlcheck.HasOne(t, page, "table.inbox td a"), "href")
	caseURL := srv.url + strings.TrimPrefix(link, "/")
	page = staff.postForm(caseURL+"/reply", url.Values{"message": {markers["reply"]}})
	version := func(form string) string {
		v, _ := htmlcheck.Attr(htmlcheck.HasOne(t, page, "form#"+form+" input[name=version]"), "value")
		return v
	}
	page = staff.postForm(caseURL+"/triage", url.Values{"version": {version("triage")}, "disposition": {"case"},
		"urgency": {"high"}, "reason": {markers["reason"]}})
	page = staff.postForm(caseURL+"/note", url.Values{"note": {markers["note"]}})
	page = staff.postForm(caseURL+"/details", url.Values{"version": {version("details-form")},
		"doc_military_id": {"confiscated"}, "route": {markers["route"]}})
	page = staff.postForm(caseURL+"/deadlines", url.Values{"kind": {"meeting"},
		"due_at": {time.Now().UTC().Add(20 * time.Hour).Format("2006-01-02T15:04")}, "label": {markers["deadline"]}})
	meetAt := time.Now().UTC().Add(30 * time.Hour)
	page = staff.postForm(caseURL+"/meetings", url.Values{"start": {meetAt.Format("2006-01-02T15:04")},
		"end": {meetAt.Add(time.Hour).Format("2006-01-02T15:04")}, "place": {markers["place"]}, "sign": {"знак"},
		"phrase": {"фраза"}})
	applicant.postForm(srv.url+"check/reply", url.Values{"receipt": {receipt}, "message": {markers["followup"]}})
	page = staff.get(caseURL)
	page = staff.postForm(caseURL+"/change", url.Values{"version": {version("stage")}, "stage": {"closed"},
		"outcome": {"left_country"}, "urgency": {"high"}})
	// A request that stays open: its sealed values must still be found.
	applicant.postForm(srv.url, url.Values{"kind": {"legal"}, "situation": {"front"}, "message": {"я остаюсь"},
		"contact": {"остаюсь"}})
	srv.stop(t)

	caseID := strings.TrimPrefix(link, "/staff/requests/")
	gone, kept := sealedValues(t, dir, caseID)
	if len(gone) < 12 {
		t.Fatalf("found %d sealed values of the case, want its contact, details, messages, wraps, receipt, deadlines and history", len(gone))
	}
	if missing := absent(t, dir, gone); len(missing) > 0 {
		t.Fatalf("before the job, %v of the case's sealed values are on no file: the search is broken", missing)
	}
	figures := counts(t, dir)

	srv = startServer(t, dir)
	waitFor(t, srv, "retention applied")
	check := func(when string) {
		if found := len(gone) - len(absent(t, dir, gone)); found > 0 {
			t.Errorf("%s: %d of the deleted case's sealed values are still on disk", when, found)
		}
		if missing := absent(t, dir, [][]byte{kept}); len(missing) > 0 {
			t.Errorf("%s: the open request's contact is on no file: the search is broken", when)
		}
		secrets := map[string]string{"receipt": receipt}
		for name, m := range markers {
			secrets[name] = m
		}
		walkData(t, dir, func(path string, b []byte) { assertAbsent(t, when+": "+path, b, secrets) })
	}
	check("while serving")
	resp, err := http.PostForm(srv.url+"check", url.Values{"receipt": {receipt}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("the deleted case's receipt: status %d, want 404", resp.StatusCode)
	}
	output := srv.stop(t)
	check("after the server stopped")
	if !bytes.Contains(output, []byte("deleted_closed=1 deleted_spam=0 contacts_erased=0")) {
		t.Errorf("server output does not give the counts:\n%s", output)
	}
	if bytes.Contains(output, []byte(caseID)) {
		t.Error("server output names the deleted request")
	}
	if after := counts(t, dir); !reflect.DeepEqual(after, figures) {
		t.Errorf("figures before %+v\nafter %+v", figures, after)
	}
}

// sealedValues reads from the database file every sealed value of the
// request id, and the contact of another request, which is to stay. It then
// moves the request's closing 181 days back, beyond the default 180. Its
// handle stays open until the test ends, so that the page it changed stays
// in the write-ahead log, as the pages a running server writes do: the job
// must clear it from there too.
func sealedValues(t *testing.T, dir, id string) (gone [][]byte, kept []byte) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DBFile)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{
		`SELECT sealed_contact FROM requests WHERE id = $1`,
		`SELECT sealed_details FROM requests WHERE id = $1`,
		`SELECT sealed_body FROM messages WHERE request_id = $1`,
		`SELECT wrapped FROM key_wraps WHERE request_id = $1`,
		`SELECT sealed_key FROM receipts WHERE request_id = $1`,
		`SELECT verifier FROM receipts WHERE request_id = $1`,
		`SELECT sealed_label FROM deadlines WHERE request_id = $1`,
		`SELECT sealed FROM meetings WHERE request_id = $1`,
		`SELECT sealed_note FROM case_events WHERE request_id = $1 AND sealed_note IS NOT NULL`,
	} {
		rows, err := db.Query(q, id)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		n := 0
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				t.Fatal(err)
			}
			gone = append(gone, b)
			n++
		}
		rows.Close()
		if n == 0 {
			t.Fatalf("%s: no value; the case did not store what the test meant it to", q)
		}
	}
	if err := db.QueryRow(`SELECT sealed_contact FROM requests WHERE id <> $1`, id).Scan(&kept); err != nil {
		t.Fatal(err)
	}
	const halfYear = 181 * 24 * time.Hour
	// Retention counts from the later of the closing and the applicant's
	// last message, so both go back.
	res, err := db.Exec(`UPDATE requests SET closed_at = closed_at - $1, last_applicant_at = last_applicant_at - $1
		WHERE id = $2 AND closed_at <> 0`,
		halfYear.Microseconds(), id)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("move the closing back: %d rows, %v; want the closed case", n, err)
	}
	return gone, kept
}

// absent lists which of values are in no file of dir, by their first bytes.
func absent(t *testing.T, dir string, values [][]byte) []string {
	t.Helper()
	found := make([]bool, len(values))
	walkData(t, dir, func(_ string, b []byte) {
		for i, v := range values {
			found[i] = found[i] || bytes.Contains(b, v)
		}
	})
	var missing []string
	for i, ok := range found {
		if !ok {
			missing = append(missing, hex.EncodeToString(values[i][:min(8, len(values[i]))]))
		}
	}
	return missing
}

// walkData calls fn with every file in the data directory.
func walkData(t *testing.T, dir string, fn func(path string, b []byte)) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("data directory: %d entries, %v", len(entries), err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fn(e.Name(), b)
	}
}

// counts are the figures of all time and of this month.
func counts(t *testing.T, dir string) [2]*tropa.Counts {
	t.Helper()
	ctx := context.Background()
	db, err := store.OpenSQLite(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now().UTC()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	var c [2]*tropa.Counts
	for i, p := range [][2]time.Time{{}, {month, month.AddDate(0, 1, 0)}} {
		if c[i], err = db.Counts(ctx, p[0], p[1]); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// waitFor waits until the server has printed s.
func waitFor(t *testing.T, s *testServer, text string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !bytes.Contains(s.out.Bytes(), []byte(text)) {
		if time.Now().After(deadline) {
			t.Fatalf("server did not print %q:\n%s", text, s.out.Bytes())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
