package main

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"tropa/internal/htmlcheck"
	"tropa/store"
)

// TestCrashDuringLogins kills tropa with SIGKILL in the middle of a burst
// of staff logins, each an argon2id derivation of 64 MiB, and restarts it,
// a few times. Every login that was answered keeps a session that still
// works; every session in the database was audited as a login; the
// database is intact, the audit chain verifies, and everyone logs in again.
func TestCrashDuringLogins(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a server; skipped with -short")
	}
	const rounds, burst = 3, 12
	dir := t.TempDir()
	mustRun(t, "", "init", "--data", dir)
	names := []string{"olga", "taras", "anna"}
	for _, name := range names {
		mustRun(t, name+" password 5d2a\n", "user", "add", "--data", dir, "--name", name, "--role", "caseworker",
			"--password-stdin")
	}

	c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var answered []*http.Cookie
	var failed error
	kills := 0
	for range rounds {
		p := startProcess(t, dir)
		var mu sync.Mutex
		done := make(chan struct{}, burst)
		var wg sync.WaitGroup
		for i := range burst {
			wg.Go(func() {
				name := names[i%len(names)]
				cookie, err := login(c, p.url, name, name+" password 5d2a")
				mu.Lock()
				defer mu.Unlock()
				var noAnswer errNoAnswer
				switch {
				case err == nil:
					answered = append(answered, cookie)
					done <- struct{}{}
				case !errors.As(err, &noAnswer) && failed == nil:
					failed = fmt.Errorf("%s: %w", name, err)
				}
			})
		}
		// A few logins through, more still deriving their keys.
		for range 2 {
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Fatalf("no two logins answered in 30s:\n%s", p.output())
			}
		}
		time.Sleep(rand.N(300 * time.Millisecond))
		p.kill(t)
		kills++
		wg.Wait()
		if failed != nil {
			t.Fatalf("a login failed while the server was up: %v", failed)
		}
	}
	t.Logf("%d kills during bursts of %d logins: %d logins answered", kills, burst, len(answered))

	checkDatabase(t, dir)
	checkSessions(t, dir)
	mustRun(t, "", "audit", "verify", "--data", dir)

	p := startProcess(t, dir)
	staff := newClient(t)
	for _, cookie := range answered {
		req, err := http.NewRequest(http.MethodGet, p.url+"staff/totp", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.AddCookie(cookie)
		htmlcheck.HasOne(t, staff.read(c.Do(req)), "code.secret")
	}
	for _, name := range names {
		if _, err := login(c, p.url, name, name+" password 5d2a"); err != nil {
			t.Errorf("%s cannot log in after the crashes: %v", name, err)
		}
	}
	p.stop(t)
}

// login logs a staff member in who has yet to set up TOTP, and returns the
// session cookie once the whole answer came back.
func login(c *http.Client, base, name, password string) (*http.Cookie, error) {
	resp, err := c.PostForm(base+"staff/login", url.Values{"name": {name}, "password": {password}})
	body, err := readWhole(resp, err)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff/totp" {
		doc, _ := html.Parse(bytes.NewReader(body))
		return nil, fmt.Errorf("status %d, location %q: %s", resp.StatusCode, resp.Header.Get("Location"),
			htmlcheck.Text(doc))
	}
	for _, ck := range resp.Cookies() {
		if ck.Value != "" {
			return ck, nil
		}
	}
	return nil, fmt.Errorf("no session cookie")
}

// checkSessions checks that no one holds more sessions than the audit log
// records logins for them: a session never exists without its login.
func checkSessions(t *testing.T, dir string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DBFile)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	unaudited := column(t, db, `SELECT st.name FROM staff st
		WHERE (SELECT COUNT(*) FROM sessions s WHERE s.staff_id = st.id)
		    > (SELECT COUNT(*) FROM audit_log a WHERE a.actor = st.id AND a.action = 'staff.login')`)
	for _, name := range unaudited {
		t.Errorf("%s has more sessions than the audit log records logins", name)
	}
}
