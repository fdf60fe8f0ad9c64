package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/internal/htmlcheck"
	"tropa/locale"
	"tropa/store"
)

// TestDiskFull serves with every file tropa writes capped a little above
// the database's size, as a disk about to fill would leave it, and submits
// requests until the WAL can grow no more. (A transaction only ever writes
// the WAL: a database file that cannot grow fails the checkpoints, which
// no request waits for, and then the WAL grows until it cannot either.)
// From then on the applicant is told, in his language, that his message
// was not sent, and gets no receipt; the server keeps serving pages,
// health checks and receipts already given, and logs the full disk for
// its administrator. Restarted without the cap, it has every acknowledged
// request and nothing else, intact, and takes new ones.
func TestDiskFull(t *testing.T) {
	if canLimitFileSize != "" {
		t.Skip(canLimitFileSize)
	}
	dir := t.TempDir()
	mustRun(t, "", "init", "--data", dir)
	mustRun(t, "caseworker password 3c9e\n", "user", "add", "--data", dir, "--name", "olga", "--role", "caseworker",
		"--intake", "yes", "--password-stdin")
	fi, err := os.Stat(filepath.Join(dir, store.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	p := startProcess(t, dir, fmt.Sprintf("%s=%d", fileSizeEnv, fi.Size()+256<<10))

	c := &http.Client{Timeout: 30 * time.Second}
	var acked []submission
	for refused, i := 0, 0; refused < 4; i++ {
		if i == 400 {
			t.Fatalf("%d requests stored under a cap of 256 KiB more than the database: the cap does not hold", len(acked))
		}
		msg := fmt.Sprintf("Disk full test %d: я в госпитале.", i)
		send := submitForm
		if i%2 == 1 {
			send = submitAPI
		}
		receipt, err := send(c, p.url, msg)
		switch {
		case err != nil:
			t.Fatalf("submission %d, %d acknowledged before: %v", i, len(acked), err)
		case receipt != "":
			acked = append(acked, submission{receipt: receipt, message: msg})
		default:
			refused++
		}
	}
	if len(acked) == 0 {
		t.Fatal("not one request was stored before the disk was full: the cap is too small to test anything")
	}
	t.Logf("%d requests acknowledged before the disk was full", len(acked))

	for _, lang := range []string{"ru", "uk", "en"} {
		t.Run(lang, func(t *testing.T) {
			want, err := locale.ErrorText(tropa.UserError(tropa.EUNAVAILABLE, "ErrDiskFull", nil), lang)
			if err != nil {
				t.Fatal(err)
			}
			msg := "Disk full, language " + lang
			status, page := post(t, c, p.url, lang, "application/x-www-form-urlencoded",
				url.Values{"kind": {"leave_unit"}, "situation": {"front"}, "message": {msg}}.Encode())
			doc := htmlcheck.Parse(t, page)
			if status != http.StatusServiceUnavailable {
				t.Errorf("form: status %d, want %d", status, http.StatusServiceUnavailable)
			}
			htmlcheck.HasText(t, doc, "p.error", want)
			htmlcheck.HasText(t, doc, "textarea#message", msg)
			htmlcheck.HasNone(t, doc, "p.receipt")

			in, _ := json.Marshal(apiSubmission{Kind: "leave_unit", Situation: "front", Message: msg})
			status, body := post(t, c, p.url+"api/v1/requests", lang, "application/json", string(in))
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil || status != http.StatusServiceUnavailable ||
				e.Error.Code != tropa.EUNAVAILABLE || e.Error.Message != want {
				t.Errorf("API: status %d %s, want %d with code %q and %q", status, body, http.StatusServiceUnavailable,
					tropa.EUNAVAILABLE, want)
			}
		})
	}

	// Reading needs no room.
	if status, body := get(t, c, p.url+"health"); status != http.StatusOK || body != "ok\n" {
		t.Errorf("health with the disk full: %d %q", status, body)
	}
	if status, _ := get(t, c, p.url); status != http.StatusOK {
		t.Errorf("the applicant form with the disk full: status %d", status)
	}
	readAll(t, p.url, acked[:1])
	// A follow-up and a login write less than a request: they may still
	// fit a few times. Once they do not, the applicant is told, and keeps
	// what he wrote, and so are staff.
	followUp := "Ще одне повідомлення."
	sent, page := untilRefused(t, "follow-up", http.StatusOK, func() (int, string) {
		return post(t, c, p.url+"check/reply", "uk", "application/x-www-form-urlencoded",
			url.Values{"receipt": {acked[0].receipt}, "message": {followUp}}.Encode())
	})
	doc := htmlcheck.Parse(t, page)
	htmlcheck.HasText(t, doc, "p.error", "Зараз ми не можемо нічого зберегти.")
	htmlcheck.HasText(t, doc, "textarea#message", followUp)
	noRedirect := &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	_, page = untilRefused(t, "staff login", http.StatusSeeOther, func() (int, string) {
		return post(t, noRedirect, p.url+"staff/login", "en", "application/x-www-form-urlencoded",
			url.Values{"name": {"olga"}, "password": {"caseworker password 3c9e"}}.Encode())
	})
	htmlcheck.HasText(t, htmlcheck.Parse(t, page), "p.error", "We cannot save anything right now.")
	p.stop(t)
	if out := p.output(); !strings.Contains(out, "level=ERROR") || !strings.Contains(out, "ErrDiskFull") {
		t.Errorf("the server did not log the full disk for its administrator:\n%s", out)
	}

	if n := checkDatabase(t, dir); n != len(acked) {
		t.Errorf("%d requests stored; %d were acknowledged, and the rest refused", n, len(acked))
	}
	mustRun(t, "", "audit", "verify", "--data", dir)
	p = startProcess(t, dir)
	readAll(t, p.url, acked)
	if thread := readThread(t, c, p.url, acked[0]); len(thread.Messages) != 1+sent {
		t.Errorf("%d follow-ups were sent; the request has %d messages", sent, len(thread.Messages))
	}
	if receipt, err := submitAPI(c, p.url, "After the disk was freed."); err != nil || receipt == "" {
		t.Errorf("with room again, a submission gets %q, %v; want a receipt", receipt, err)
	}
	p.stop(t)
}

// untilRefused does something that writes until the server refuses it
// with 503, at most 20 times, and returns how many times it was done and
// the refusal. Every answer but ok and the refusal fails the test.
func untilRefused(t *testing.T, what string, ok int, try func() (int, string)) (int, string) {
	t.Helper()
	for i := range 20 {
		switch status, body := try(); status {
		case ok:
		case http.StatusServiceUnavailable:
			t.Logf("%s: done %d times before the disk was too full for it", what, i)
			return i, body
		default:
			t.Fatalf("%s with the disk full: status %d\n%s", what, status, body)
		}
	}
	t.Fatalf("%s: still done after 20 times with the disk full", what)
	return 0, ""
}

func post(t *testing.T, c *http.Client, u, lang, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept-Language", lang)
	return exchange(t, c, req)
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return exchange(t, c, req)
}

func exchange(t *testing.T, c *http.Client, req *http.Request) (int, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
