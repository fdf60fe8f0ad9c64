package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"tropa/internal/htmlcheck"
	"tropa/web"
)

// listen serves ts on a real listener on 127.0.0.1 with short timeouts, and
// returns its address; the server stops when the test ends.
func (ts *testServer) listen(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ts.server.Serve(ctx, l, "", "") }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return l.Addr().String()
}

// shortTimeouts cut a slow client off in well under a second.
func shortTimeouts(c *web.Config) {
	c.Timeouts = web.Timeouts{ReadHeader: 300 * time.Millisecond, Read: 600 * time.Millisecond,
		Write: 5 * time.Second, Idle: time.Second}
}

// slowClient sends start at once, then one more byte of trickle every
// interval, until the server closes the connection or trickle runs out. It
// reports what the server answered and whether the server closed the
// connection; a deadline bounds the whole, so that a server that never cuts
// the client off fails the test instead of hanging it. It runs on its own
// goroutine, so it reports failures with Errorf.
func slowClient(t *testing.T, addr, start, trickle string, interval time.Duration) (answer string, closed bool) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Errorf("dial: %v", err)
		return "", false
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, start); err != nil {
		t.Errorf("write: %v", err)
		return "", false
	}
	type reply struct {
		b   []byte
		err error
	}
	read := make(chan reply, 1)
	go func() {
		b, err := io.ReadAll(conn)
		read <- reply{b, err}
	}()
	for i := 0; i < len(trickle); i++ {
		select {
		case r := <-read:
			return string(r.b), !isTimeout(r.err)
		case <-time.After(interval):
		}
		if _, err := conn.Write([]byte{trickle[i]}); err != nil {
			break
		}
	}
	r := <-read
	return string(r.b), !isTimeout(r.err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, os.ErrDeadlineExceeded)
}

// Slow clients are cut off by the server's own timeouts, while everyone else
// is still served.
func TestSlowClientsAreCutOff(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, shortTimeouts)
	addr := ts.listen(t)
	// Far more trickle than the timeouts allow at one byte every 50 ms.
	trickle := strings.Repeat("x", 400)
	slow := []struct {
		name, start string
	}{
		{"headers trickled", "GET / HTTP/1.1\r\nHost: tropa.test\r\nX-Slow: "},
		{"body trickled", fmt.Sprintf("POST / HTTP/1.1\r\nHost: tropa.test\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
			"Content-Length: %d\r\n\r\nkind=legal&situation=front&message=", 35+len(trickle))},
		// A form with photos gets longer only once a photo arrives.
		{"form with photos trickled before any photo", fmt.Sprintf("POST / HTTP/1.1\r\nHost: tropa.test\r\n"+
			"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n"+
			"--b\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\n", 100+len(trickle))},
	}
	type result struct {
		name   string
		answer string
		closed bool
	}
	results := make(chan result, len(slow))
	for _, s := range slow {
		go func() {
			answer, closed := slowClient(t, addr, s.start, trickle, 50*time.Millisecond)
			results <- result{s.name, answer, closed}
		}()
	}
	// While both hang on, another client is served.
	resp, err := http.Get("http://" + addr + "/?lang=en")
	if err != nil {
		t.Fatalf("GET / while slow clients hang on: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET / while slow clients hang on = %d, want 200", resp.StatusCode)
	}
	for range slow {
		r := <-results
		if !r.closed {
			t.Errorf("%s: the server did not close the connection", r.name)
		}
		if strings.Contains(r.answer, " 200 ") {
			t.Errorf("%s: answered %q, want the connection cut", r.name, r.answer)
		}
	}
	if n := len(ts.storedRequests(t)); n != 0 {
		t.Errorf("stored requests = %d, want none from a body that never arrived", n)
	}
}

// Requests too large are answered, not dropped: a page in the user's
// language, JSON on the API, and 431 for headers beyond the limit.
func TestOversizedRequestsOverTheWire(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, shortTimeouts)
	addr := ts.listen(t)
	big := strings.Repeat("a", 200<<10)

	t.Run("headers", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: tropa.test\r\nX-Big: %s\r\n\r\n", strings.Repeat("h", 40<<10))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("reading the answer: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("40 KiB of headers = %d, want 431", resp.StatusCode)
		}
	})

	t.Run("form body", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/", strings.NewReader("message="+big))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept-Language", "uk")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("POST / with 200 KiB = %d, want 413", resp.StatusCode)
		}
		doc := htmlcheck.Parse(t, string(body))
		htmlcheck.HasOne(t, doc, "html[lang=uk]")
		htmlcheck.HasText(t, doc, "p.error", "Надісланий текст задовгий")
	})

	t.Run("API body", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/requests",
			strings.NewReader(`{"message":"`+big+`"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Error struct{ Code, Message string }
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatalf("API answer is not JSON: %v", err)
		}
		if resp.StatusCode != http.StatusRequestEntityTooLarge || out.Error.Code != "too_large" || out.Error.Message == "" {
			t.Errorf("POST /api/v1/requests with 200 KiB = %d %+v, want 413 too_large with a message", resp.StatusCode, out.Error)
		}
	})
	if n := len(ts.storedRequests(t)); n != 0 {
		t.Errorf("stored requests = %d, want 0", n)
	}
}
