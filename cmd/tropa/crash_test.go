package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/html"

	"tropa/internal/htmlcheck"
)

// crashRoundsEnv raises the number of times TestCrashUnderFlood kills the
// server, from defaultCrashRounds: TROPA_TEST_CRASH_ROUNDS=200 go test
// -run TestCrashUnderFlood ./cmd/tropa/
const (
	crashRoundsEnv     = "TROPA_TEST_CRASH_ROUNDS"
	defaultCrashRounds = 12
)

// TestCrashUnderFlood runs tropa as a process of its own, floods it with
// submissions through the web form and the JSON API from several
// goroutines, and kills it with SIGKILL at random moments, restarting it
// each time, and now and then while it starts. Afterwards every request whose receipt came back whole is
// there and opens with that receipt, showing his message; the database is
// intact, no request lacks its receipt, message or keys, and the audit
// chain verifies.
func TestCrashUnderFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a server many times; skipped with -short")
	}
	rounds := defaultCrashRounds
	if s := os.Getenv(crashRoundsEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number of rounds", crashRoundsEnv, s)
		}
		rounds = n
	}
	dir := t.TempDir()
	mustRun(t, "", "init", "--data", dir)
	mustRun(t, "caseworker password 3c9e\n", "user", "add", "--data", dir, "--name", "olga", "--role", "caseworker",
		"--intake", "yes", "--password-stdin")

	start := time.Now()
	f := startFlood(4)
	kills, beforeServing := 0, 0
	for round := range rounds {
		// Now and then a kill while it opens the database, replaying the
		// WAL the kill before left; counted when it was not yet serving.
		if round%3 == 1 {
			p := launchProcess(t, dir)
			time.Sleep(rand.N(150 * time.Millisecond))
			if !servingLine.Match(p.out.Bytes()) {
				beforeServing++
			}
			p.kill(t)
			kills++
		}
		p := startProcess(t, dir)
		f.serve(p.url)
		// Mostly some work done in this life first, then a kill at a moment
		// the flood does not know about; now and then a kill while the
		// first requests of a life are under way.
		if round%4 == 3 {
			time.Sleep(rand.N(100 * time.Millisecond))
		} else {
			f.waitForMore(t, 3)
			time.Sleep(rand.N(250 * time.Millisecond))
		}
		f.serve("")
		p.kill(t)
		kills++
	}
	acked := f.stop(t)
	t.Logf("%d kills, %d of them before the server served: %d requests acknowledged, %d cut off by a kill, "+
		"%d attempts in all, in %s", kills, beforeServing, len(acked), f.lost.Load(), f.attempts.Load(), time.Since(start).Round(time.Millisecond))

	stored := checkDatabase(t, dir)
	if stored < len(acked) || stored > int(f.attempts.Load()) {
		t.Errorf("%d requests stored; %d were acknowledged and %d attempted", stored, len(acked), f.attempts.Load())
	}
	mustRun(t, "", "audit", "verify", "--data", dir)

	p := startProcess(t, dir)
	readAll(t, p.url, acked)
	p.stop(t)
	t.Logf("every acknowledged request read back with its receipt; %s in all", time.Since(start).Round(time.Millisecond))
}

// flood submits requests from several goroutines to whichever server is
// up, and keeps those whose receipt it received whole.
type flood struct {
	mu    sync.Mutex
	base  string
	acked []submission
	err   error

	attempts, lost atomic.Int64
	quit           chan struct{}
	wg             sync.WaitGroup
}

func startFlood(workers int) *flood {
	f := &flood{quit: make(chan struct{})}
	// No keep-alive: a connection to a killed server is not reused.
	c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for w := range workers {
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			for i := 0; ; i++ {
				select {
				case <-f.quit:
					return
				default:
				}
				f.mu.Lock()
				base := f.base
				f.mu.Unlock()
				if base == "" {
					time.Sleep(5 * time.Millisecond)
					continue
				}
				msg := fmt.Sprintf("Crash test %d.%d: я в госпитале, хочу уйти.", w, i)
				send := submitForm
				if i%2 == 1 {
					send = submitAPI
				}
				f.attempts.Add(1)
				receipt, err := send(c, base, msg)
				f.record(receipt, msg, err)
			}
		}()
	}
	return f
}

// errNoAnswer is a submission the server did not answer whole, because it
// was killed or not listening: it acknowledges nothing.
type errNoAnswer struct{ err error }

func (e errNoAnswer) Error() string { return "no answer: " + e.err.Error() }

func (f *flood) record(receipt, msg string, err error) {
	var noAnswer errNoAnswer
	switch {
	case err == nil && receipt != "":
		f.mu.Lock()
		f.acked = append(f.acked, submission{receipt: receipt, message: msg})
		f.mu.Unlock()
	case err == nil:
		// The desk asked to try again later.
		time.Sleep(20 * time.Millisecond)
	case errors.As(err, &noAnswer):
		f.lost.Add(1)
		time.Sleep(5 * time.Millisecond)
	default:
		f.mu.Lock()
		if f.err == nil {
			f.err = err
		}
		f.mu.Unlock()
	}
}

// serve points the flood at base, or at nothing while the server is down.
func (f *flood) serve(base string) {
	f.mu.Lock()
	f.base = base
	f.mu.Unlock()
}

// waitForMore waits until n more requests have been acknowledged.
func (f *flood) waitForMore(t *testing.T, n int) {
	t.Helper()
	f.mu.Lock()
	want := len(f.acked) + n
	f.mu.Unlock()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		f.mu.Lock()
		got, err := len(f.acked), f.err
		f.mu.Unlock()
		switch {
		case err != nil:
			t.Fatal(err)
		case got >= want:
			return
		case time.Now().After(deadline):
			t.Fatalf("fewer than %d requests acknowledged in 30s", n)
		}
	}
}

// stop ends the flood and returns every request acknowledged.
func (f *flood) stop(t *testing.T) []submission {
	t.Helper()
	close(f.quit)
	f.wg.Wait()
	if f.err != nil {
		t.Fatal(f.err)
	}
	return f.acked
}

// submitForm posts the applicant form and returns the receipt shown, or ""
// when the desk asked to try again later.
func submitForm(c *http.Client, base, message string) (string, error) {
	resp, err := c.PostForm(base, url.Values{"kind": {"leave_country"}, "situation": {"hospital"}, "message": {message}})
	body, err := readWhole(resp, err)
	if err != nil {
		return "", err
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return "", nil
	default:
		return "", fmt.Errorf("form: status %d\n%s", resp.StatusCode, body)
	}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	receipt, err := htmlcheck.Query(doc, "p.receipt")
	if err != nil || len(receipt) != 1 {
		return "", fmt.Errorf("form: no receipt on the page (%v)", err)
	}
	return htmlcheck.Text(receipt[0]), nil
}

// submitAPI posts to the JSON API and returns the receipt, or "" when the
// desk asked to try again later.
func submitAPI(c *http.Client, base, message string) (string, error) {
	in, _ := json.Marshal(apiSubmission{Kind: "leave_country", Situation: "hospital", Message: message})
	resp, err := c.Post(base+"api/v1/requests", "application/json", bytes.NewReader(in))
	body, err := readWhole(resp, err)
	if err != nil {
		return "", err
	}
	switch resp.StatusCode {
	case http.StatusCreated:
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return "", nil
	default:
		return "", fmt.Errorf("API: status %d\n%s", resp.StatusCode, body)
	}
	var out struct{ Receipt string }
	if err := json.Unmarshal(body, &out); err != nil || out.Receipt == "" {
		return "", fmt.Errorf("API: no receipt in %q (%v)", body, err)
	}
	return out.Receipt, nil
}

type apiSubmission struct {
	Kind      string `json:"kind"`
	Situation string `json:"situation"`
	Message   string `json:"message"`
}

// readWhole reads a response to its end. Anything short of that, the
// server was killed before it answered: nothing is acknowledged.
func readWhole(resp *http.Response, err error) ([]byte, error) {
	if err != nil {
		return nil, errNoAnswer{err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, errNoAnswer{err}
	}
	return b, nil
}

// readAll opens every request in subs through the JSON API with its
// receipt, and checks that it shows the message sent.
func readAll(t *testing.T, base string, subs []submission) {
	t.Helper()
	c := &http.Client{Timeout: 30 * time.Second}
	for _, s := range subs {
		thread := readThread(t, c, base, s)
		if len(thread.Messages) == 0 || thread.Messages[0].From != "applicant" || thread.Messages[0].Body != s.message {
			t.Errorf("receipt of %q opens %+v", s.message, thread.Messages)
		}
	}
}

type apiThread struct {
	Messages []struct{ From, Body string }
}

// readThread reads a request with its receipt, waiting out the desk's
// limit on receipt checks.
func readThread(t *testing.T, c *http.Client, base string, s submission) apiThread {
	t.Helper()
	for {
		req, err := http.NewRequest(http.MethodGet, base+"api/v1/requests/self", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Receipt "+s.receipt)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		switch resp.StatusCode {
		case http.StatusOK:
			var thread apiThread
			if err := json.Unmarshal(body, &thread); err != nil {
				t.Fatalf("the receipt of %q: %v\n%s", s.message, err, body)
			}
			return thread
		case http.StatusTooManyRequests:
			time.Sleep(100 * time.Millisecond)
		default:
			t.Fatalf("the receipt of %q, acknowledged, does not open: status %d\n%s", s.message, resp.StatusCode, body)
			return apiThread{}
		}
	}
}
