package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pquerna/otp/totp"

	"tropa"
	"tropa/seal"
)

// client sends the tool's requests: applicants with no cookie, staff each
// with their own session.
type client struct {
	base    string
	http    *http.Client
	staff   []*staffBrowser
	turn    atomic.Uint64
	serial  atomic.Uint64
	pool    receiptPool
	checked atomic.Int64
}

// staffBrowser is one logged-in staff member and the cases their inbox showed.
type staffBrowser struct {
	http  *http.Client
	mu    sync.Mutex
	cases []string
}

// failure is a request that did not do what it should, by kind.
type failure string

func (f failure) Error() string { return string(f) }

func statusFailure(code int) failure {
	return failure(fmt.Sprintf("HTTP %d %s", code, http.StatusText(code)))
}

func newClient(base string) *client {
	t := &http.Transport{MaxIdleConns: 4096, MaxIdleConnsPerHost: 4096, IdleConnTimeout: time.Minute}
	return &client{base: strings.TrimRight(base, "/"), http: &http.Client{Transport: t, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login logs each staff member in through the login page, with the
// current TOTP code.
func (c *client) login(ctx context.Context, staff []Staff) error {
	for _, s := range staff {
		jar, _ := cookiejar.New(nil)
		b := &staffBrowser{http: &http.Client{Transport: c.http.Transport, Timeout: time.Minute, Jar: jar}}
		code, err := totp.GenerateCode(s.TOTPSecret, time.Now())
		if err != nil {
			return fmt.Errorf("staff %s: TOTP secret: %w", s.Name, err)
		}
		form := url.Values{"name": {s.Name}, "password": {s.Password}, "code": {code}}
		resp, err := c.do(ctx, b.http, http.MethodPost, "/staff/login", form)
		if err != nil {
			return fmt.Errorf("staff %s: login: %w", s.Name, err)
		}
		if p := resp.Request.URL.Path; resp.StatusCode != http.StatusOK || p == "/staff/login" || p == "/staff/totp" {
			return fmt.Errorf("staff %s: login refused (%d at %s): check the name, password and TOTP secret; "+
				"a TOTP code works once, so wait 30 s between runs", s.Name, resp.StatusCode, p)
		}
		c.staff = append(c.staff, b)
	}
	return nil
}

type response struct {
	*http.Response
	body []byte
}

// do sends a request as a browser without JavaScript does: a form posted
// from the site's own page.
func (c *client) do(ctx context.Context, hc *http.Client, method, path string, form url.Values) (*response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.send(hc, req)
}

func (c *client) send(hc *http.Client, req *http.Request) (*response, error) {
	resp, err := hc.Do(req)
	switch {
	case err == nil:
	case errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err):
		return nil, failure("timeout")
	case errors.Is(err, syscall.ECONNREFUSED):
		return nil, failure("connection refused")
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return nil, failure("connection closed by the server")
	default:
		return nil, failure("transport error")
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, failure("reading response")
	}
	return &response{Response: resp, body: b}, nil
}

// submission is a new applicant's request; token, in its message, is how
// a receipt check knows it opened the right request.
func (c *client) submission() (tropa.Submission, string) {
	n := c.serial.Add(1)
	token := fmt.Sprintf("load-%d-%d", time.Now().UnixNano(), n)
	return tropa.Submission{Kind: tropa.Kinds[n%uint64(len(tropa.Kinds))],
		Situation: tropa.Situations[n%uint64(len(tropa.Situations))],
		Message:   "[LOAD TEST — fake request " + token + "] " + strings.Repeat("I left the unit and need advice. ", 12)}, token
}

var receiptGroups = regexp.MustCompile(`<span>(\d{5})</span>`)

func (c *client) submitForm(ctx context.Context) error {
	sub, token := c.submission()
	form := url.Values{"kind": {string(sub.Kind)}, "situation": {string(sub.Situation)}, "message": {sub.Message},
		"contact": {""}}
	resp, err := c.do(ctx, c.http, http.MethodPost, "/", form)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return statusFailure(resp.StatusCode)
	}
	_, page, _ := bytes.Cut(resp.body, []byte(`id="receipt"`))
	var receipt strings.Builder
	for _, m := range receiptGroups.FindAllSubmatch(page, -1) {
		receipt.Write(m[1])
	}
	if receipt.Len() != seal.CheckedDigits {
		return failure("no receipt in the page")
	}
	c.pool.add(receipt.String(), token)
	return nil
}

func (c *client) submitAPI(ctx context.Context) error {
	sub, token := c.submission()
	b, _ := json.Marshal(map[string]string{"kind": string(sub.Kind), "situation": string(sub.Situation),
		"message": sub.Message})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/v1/requests", bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.send(c.http, req)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return statusFailure(resp.StatusCode)
	}
	var out struct{ Receipt string }
	if json.Unmarshal(resp.body, &out) != nil || out.Receipt == "" {
		return failure("no receipt in the answer")
	}
	c.pool.add(out.Receipt, token)
	return nil
}

// check brings a receipt got earlier back to the check page, and fails
// unless the request it opens is the one sent with it. With no receipt
// yet, it reports false and does nothing.
func (c *client) check(ctx context.Context) (bool, error) {
	receipt, token, ok := c.pool.random()
	if !ok {
		return false, nil
	}
	resp, err := c.do(ctx, c.http, http.MethodPost, "/check", url.Values{"receipt": {receipt}})
	if err != nil {
		return true, err
	}
	if resp.StatusCode != http.StatusOK {
		return true, statusFailure(resp.StatusCode)
	}
	if !bytes.Contains(resp.body, []byte(token)) {
		return true, failure("receipt opened another request")
	}
	c.checked.Add(1)
	return true, nil
}

var caseLink = regexp.MustCompile(`/staff/requests/([0-9A-Za-z_-]+)`)

// staffPage shows a staff member, in turn, the inbox and a case from it.
// It returns which page it asked for.
func (c *client) staffPage(ctx context.Context) (string, error) {
	n := int(c.turn.Add(1))
	b := c.staff[n%len(c.staff)]
	b.mu.Lock()
	var id string
	if len(b.cases) > 0 && n/len(c.staff)%2 == 1 {
		id = b.cases[rand.IntN(len(b.cases))]
	}
	b.mu.Unlock()
	page, path := "staff inbox", "/staff/inbox"
	if id != "" {
		page, path = "staff case", "/staff/requests/"+id
	}
	resp, err := c.do(ctx, b.http, http.MethodGet, path, nil)
	if err != nil {
		return page, err
	}
	if resp.Request.URL.Path != path {
		return page, failure("sent to log in again")
	}
	if resp.StatusCode != http.StatusOK {
		return page, statusFailure(resp.StatusCode)
	}
	if id == "" {
		var cases []string
		for _, m := range caseLink.FindAllSubmatch(resp.body, 20) {
			cases = append(cases, string(m[1]))
		}
		b.mu.Lock()
		b.cases = cases
		b.mu.Unlock()
	}
	return page, nil
}

// receiptPool keeps the latest receipts, in memory only, for checks.
type receiptPool struct {
	mu       sync.Mutex
	receipts [][2]string
	next     int
}

const poolSize = 1000

func (p *receiptPool) add(receipt, token string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.receipts) < poolSize {
		p.receipts = append(p.receipts, [2]string{receipt, token})
		return
	}
	p.receipts[p.next] = [2]string{receipt, token}
	p.next = (p.next + 1) % poolSize
}

func (p *receiptPool) random() (receipt, token string, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.receipts) == 0 {
		return "", "", false
	}
	r := p.receipts[rand.IntN(len(p.receipts))]
	return r[0], r[1], true
}
