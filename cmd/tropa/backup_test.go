package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"golang.org/x/net/html"

	"tropa/internal/htmlcheck"
	"tropa/store/storetest"
)

// TestBackupWhileServing serves a desk, submits requests without pause,
// backs it up while they keep coming, restores the backup elsewhere and
// serves that: every request acknowledged before the backup began is
// there, opens with its receipt and shows his message, and the caseworker
// who holds its key logs in (password and TOTP) and reads it.
func TestBackupWhileServing(t *testing.T) {
	storetest.Each(t, testBackupWhileServing)
}

var recoveryKeyLine = regexp.MustCompile(`AGE-SECRET-KEY-1[0-9A-Z]+`)

func testBackupWhileServing(t *testing.T, b storetest.Backend) {
	const staffPassword, adminPassword = "caseworker password 4f1e", "admin password 9a7c"
	src, dst, work := b.New(t), b.New(t), t.TempDir()
	keyFile, file := filepath.Join(work, "recovery.key"), filepath.Join(work, "tropa.backup")
	out := mustRun(t, "", append([]string{"init"}, dbFlags(src)...)...)
	if err := os.WriteFile(keyFile, []byte(recoveryKeyLine.FindString(out)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	enrolCode := enrolCodeIn(t, mustRun(t, staffPassword+"\n", append([]string{"user", "add", "--name", "olga", "--role",
		"caseworker", "--password-stdin"}, dbFlags(src)...)...))
	mustRun(t, adminPassword+"\n", append([]string{"user", "add", "--name", "anna", "--role", "admin", "--password-stdin"},
		dbFlags(src)...)...)

	srv := startServer(t, src)
	// The code of the step before: the current code and the next are
	// still unused when she logs in to the restored desk.
	staff := newClient(t)
	page := staff.postForm(srv.url+"staff/login", url.Values{"name": {"olga"}, "password": {staffPassword}})
	totpSecret := htmlcheck.Text(htmlcheck.HasOne(t, page, "code.secret"))
	staff.postForm(srv.url+"staff/totp", url.Values{"enrol_code": {enrolCode}, "code": {totpCode(t, totpSecret, -30*time.Second)}})

	subs := startSubmitting(srv.url, 2)
	subs.waitFor(t, 24)
	before := subs.acknowledged()
	mustRun(t, "", append([]string{"backup", "--out", file}, dbFlags(src)...)...)
	during := len(subs.acknowledged()) - len(before)
	subs.waitFor(t, len(before)+during+1)
	all := subs.stop(t)
	t.Logf("%d requests acknowledged before the backup began, %d while it ran, %d in all", len(before), during, len(all))
	srv.stop(t)

	backupFile, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{"TOTP secret": totpSecret}
	for i, s := range all {
		secrets[fmt.Sprintf("message %d", i)], secrets[fmt.Sprintf("receipt %d", i)] = s.message, s.receipt
	}
	assertAbsent(t, "the backup", backupFile, secrets)

	mustRun(t, adminPassword+"\n", append([]string{"restore", "--admin-password", "--password-stdin", file}, dbFlags(dst)...)...)
	verified := mustRun(t, "", "backup", "verify", "--recovery-key-file", keyFile, file)
	m := regexp.MustCompile(`(\d+) requests, each with its key wrapped to the recovery key`).FindStringSubmatch(verified)
	if m == nil {
		t.Fatalf("backup verify says:\n%s", verified)
	}
	inBackup, _ := strconv.Atoi(m[1])
	if inBackup < len(before) || inBackup > len(all)+2 {
		t.Errorf("backup verify counts %d requests; %d were acknowledged before it began, %d in all", inBackup, len(before), len(all))
	}

	restored := startServer(t, dst)
	applicant := newClient(t)
	for _, s := range before {
		page := checkReceipt(t, applicant, restored.url, s.receipt)
		htmlcheck.HasText(t, page, ".message.applicant .body", s.message)
	}

	staff = newClient(t)
	staff.postForm(restored.url+"staff/login", url.Values{"name": {"olga"}, "password": {staffPassword},
		"code": {totpCode(t, totpSecret, 30*time.Second)}})
	read := readEveryCase(t, staff, restored.url)
	if len(read) != inBackup {
		t.Errorf("olga reads %d cases on the restored desk; the backup has %d", len(read), inBackup)
	}
	for _, s := range before {
		if !read[s.message] {
			t.Errorf("olga cannot read %q on the restored desk", s.message)
		}
	}
}

// TestBackupRefused checks what backup, verify and restore refuse, and
// that each says why.
func TestBackupRefused(t *testing.T) {
	const annaPassword, borisPassword = "anna's admin password", "boris's admin password"
	src, work := t.TempDir(), t.TempDir()
	mustRun(t, "", "init", "--data", src)
	mustRun(t, annaPassword+"\n", "user", "add", "--data", src, "--name", "anna", "--role", "admin", "--password-stdin")
	mustRun(t, borisPassword+"\n", "user", "add", "--data", src, "--name", "boris", "--role", "admin", "--password-stdin")
	mustRun(t, "caseworker password\n", "user", "add", "--data", src, "--name", "olga", "--role", "caseworker", "--password-stdin")
	file := filepath.Join(work, "anna.backup")
	mustRun(t, "", "backup", "--data", src, "--out", file, "--to", "anna")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"anna", "boris", "olga"} {
		if bytes.Contains(b, []byte(name)) {
			t.Errorf("the backup names %s", name)
		}
	}
	damaged := filepath.Join(work, "damaged.backup")
	b[len(b)-100] ^= 1
	if err := os.WriteFile(damaged, b, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"verify without a key", "", []string{"backup", "verify", file}, "a key is needed"},
		{"an admin it was not made for", borisPassword + "\n", []string{"restore", "--data", filepath.Join(work, "new"),
			"--admin-password", "--password-stdin", file}, "opens no admin's key"},
		{"damaged", annaPassword + "\n", []string{"backup", "verify", "--admin-password", "--password-stdin", damaged},
			"damaged or was changed"},
		{"restore into a data directory in use", annaPassword + "\n", []string{"restore", "--data", src,
			"--admin-password", "--password-stdin", file}, "not empty"},
		{"overwrite", "", []string{"backup", "--data", src, "--out", file}, "never overwrites"},
		{"not an admin", "", []string{"backup", "--data", src, "--out", filepath.Join(work, "b2"), "--to", "olga"},
			"not an active admin"},
		{"unknown admin", "", []string{"backup", "--data", src, "--out", filepath.Join(work, "b3"), "--to", "anna,ivan"},
			`no staff member called "ivan"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(t.Context(), tt.args, noEnv, strings.NewReader(tt.stdin), &out, &out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("tropa %s: %v, want an error with %q\n%s", strings.Join(tt.args, " "), err, tt.want, out.String())
			}
		})
	}
	if _, err := os.Stat(filepath.Join(work, "b2")); err == nil {
		t.Error("a refused backup left its file")
	}
	if entries, _ := os.ReadDir(filepath.Join(work, "new")); len(entries) > 0 {
		t.Errorf("a refused restore left %d files", len(entries))
	}
}

func totpCode(t *testing.T, secret string, offset time.Duration) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, time.Now().Add(offset))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// checkReceipt opens a request with its receipt, waiting out the desk's
// limit on receipt checks, which a test reaches as a guesser would.
func checkReceipt(t *testing.T, c *client, base, receipt string) *html.Node {
	t.Helper()
	for {
		resp, err := c.c.PostForm(base+"check", url.Values{"receipt": {receipt}})
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusTooManyRequests {
			return c.read(resp, nil)
		}
		resp.Body.Close()
		time.Sleep(200 * time.Millisecond)
	}
}

// readEveryCase opens every case in a staff member's queue and returns the
// messages it shows.
func readEveryCase(t *testing.T, c *client, base string) map[string]bool {
	t.Helper()
	read := map[string]bool{}
	for next := base + "staff/inbox"; next != ""; {
		page := c.get(next)
		for _, a := range htmlcheck.MustQuery(t, page, "table.inbox td a") {
			href, _ := htmlcheck.Attr(a, "href")
			for _, body := range htmlcheck.MustQuery(t, c.get(base+strings.TrimPrefix(href, "/")), ".message .body") {
				read[htmlcheck.Text(body)] = true
			}
		}
		next = ""
		if links, _ := htmlcheck.Query(page, "a[rel=next]"); len(links) > 0 {
			href, _ := htmlcheck.Attr(links[0], "href")
			next = base + strings.TrimPrefix(href, "/")
		}
	}
	return read
}

type submission struct{ receipt, message string }

// submitter sends requests through the applicant form from a few
// goroutines until stopped, and keeps those whose receipt page came back.
type submitter struct {
	mu    sync.Mutex
	acked []submission
	err   error
	quit  chan struct{}
	wg    sync.WaitGroup
}

func startSubmitting(base string, workers int) *submitter {
	s := &submitter{quit: make(chan struct{})}
	c := &http.Client{Timeout: 30 * time.Second}
	for w := range workers {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for i := 0; ; i++ {
				select {
				case <-s.quit:
					return
				default:
				}
				msg := fmt.Sprintf("Backup test request %d.%d: I am in hospital and want to leave.", w, i)
				receipt, err := submit(c, base, msg)
				s.mu.Lock()
				if err != nil && s.err == nil {
					s.err = err
				} else if receipt != "" {
					s.acked = append(s.acked, submission{receipt: receipt, message: msg})
				}
				s.mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	return s
}

// submit posts one request and returns its receipt, or "" when the desk
// asked to try again later, which acknowledges nothing.
func submit(c *http.Client, base, message string) (string, error) {
	resp, err := c.PostForm(base, url.Values{"kind": {"leave_country"}, "situation": {"hospital"}, "message": {message}})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		time.Sleep(50 * time.Millisecond)
		return "", nil
	default:
		return "", fmt.Errorf("submit: status %d", resp.StatusCode)
	}
	doc, err := html.Parse(resp.Body)
	if err != nil {
		return "", err
	}
	receipt, err := htmlcheck.Query(doc, "p.receipt")
	if err != nil || len(receipt) != 1 {
		return "", fmt.Errorf("submit: no receipt on the page (%v)", err)
	}
	return htmlcheck.Text(receipt[0]), nil
}

func (s *submitter) acknowledged() []submission {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.acked)
}

// waitFor waits until n requests have been acknowledged.
func (s *submitter) waitFor(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		got, err := len(s.acked), s.err
		s.mu.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		if got >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("fewer than %d requests acknowledged in 30s", n)
}

// stop ends the submissions and returns every one acknowledged.
func (s *submitter) stop(t *testing.T) []submission {
	t.Helper()
	close(s.quit)
	s.wg.Wait()
	if s.err != nil {
		t.Fatal(s.err)
	}
	return s.acked
}
