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
	"tropa/store"
	"tropa/web"
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
			want, err := web.ErrorText(tropa.UserError(tropa.EUNAVAILABLE, "ErrDiskFull", nil), lang)
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
	// A login writes less than a request: it may still fit once or twice.
	// When it no longer does, staff are told too.
	noRedirect := &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for i := 0; ; i++ {
		status, page := post(t, noRedirect, p.url+"staff/login", "en", "application/x-www-form-urlencoded",
			url.Values{"name": {"olga"}, "password": {"caseworker password 3c9e"}}.Encode())
		if status == http.StatusSeeOther && i < 20 {
			continue
		}
		if status != http.StatusServiceUnavailable {
			t.Fatalf("staff login %d with the disk full: status %d, want %d", i, status, http.StatusServiceUnavailable)
		}
		htmlcheck.HasText(t, htmlcheck.Parse(t, page), "p.error", "We cannot save anything right now.")
		t.Logf("%d logins fitted after the last request", i)
		break
	}
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
	if receipt, err := submitAPI(c, p.url, "After the disk was freed."); err != nil || receipt == "" {
		t.Errorf("with room again, a submission gets %q, %v; want a receipt", receipt, err)
	}
	p.stop(t)
}

func post(t *testing.T, c *http.Client, u, lang, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept-Language", lang)
	return do(t, c, req)
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, c, req)
}

func do(t *testing.T, c *http.Client, req *http.Request) (int, string) {
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
