package main

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// site is a real tropa server, started as "tropa serve" is, on a data
// directory of its own with one intake caseworker.
type site struct {
	url      string // with the trailing slash
	origin   string // scheme://host:port, what every request must stay on
	staff    string
	password string
	// enrolCode is what the staff member enrols TOTP with.
	enrolCode string
	server    *testServer
}

// startSite starts a site; each of before runs on its data directory before
// the server starts.
func startSite(t *testing.T, before ...func(t *testing.T, dir string)) *site {
	t.Helper()
	dir := t.TempDir()
	s := &site{staff: "olga", password: "olga keeps the ledger by candlelight"}
	mustRun(t, "", "init", "--data", dir)
	s.enrolCode = enrolCodeIn(t, mustRun(t, s.password+"\n", "user", "add", "--data", dir, "--name", s.staff, "--role",
		"caseworker", "--password-stdin"))
	for _, f := range before {
		f(t, dir)
	}
	s.server = startServer(t, dir)
	s.url = s.server.url
	u, err := url.Parse(s.url)
	if err != nil {
		t.Fatal(err)
	}
	s.origin = u.Scheme + "://" + u.Host
	return s
}

// startChrome starts a headless Chromium of its own (its own profile, so
// its own cookies) and returns the context of its first tab. The test
// skips when TROPA_TEST_CHROMIUM does not name a Chromium.
func startChrome(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("TROPA_TEST_CHROMIUM")
	if path == "" {
		t.Skip("TROPA_TEST_CHROMIUM is not set: set it to a Chromium binary (/usr/bin/chromium) to run the browser tests")
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("TROPA_TEST_CHROMIUM=%s: %v", path, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.DisableGPU,
		// The tests run as root in CI, where Chromium's sandbox refuses to start.
		chromedp.NoSandbox,
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium at %s: %v", path, err)
	}
	return ctx
}

// anotherPerson opens a tab in the Chromium of ctx that shares nothing with
// the others (cookies, cache): a second person, without the seconds a second
// Chromium takes to start.
func anotherPerson(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return ctx
}

// do runs browser actions, failing the test with what went wrong.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// follow clicks the link or button that matches sel and waits for the
// page it leads to, failing unless that comes back 200.
func follow(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	followStatus(t, ctx, sel, http.StatusOK)
}

// followStatus is follow for a page that must come back with status want.
func followStatus(t *testing.T, ctx context.Context, sel string, want int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("follow %s: %v", sel, err)
	}
	if resp.Status != want {
		t.Fatalf("follow %s: %s answered %d, want %d", sel, resp.URL, resp.Status, want)
	}
}

// text is the visible text of the first element matching sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// noScript turns JavaScript off in the tab, as an applicant in Tor Browser
// at its safest setting has it, and makes sure a script no longer runs.
func noScript(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "disable JavaScript", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}), chromedp.Navigate(`data:text/html,<title>off</title><script>document.title="on"</script>`))
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	if title != "off" {
		t.Fatalf("a page's script still ran with JavaScript disabled: the title is %q", title)
	}
}

// cookies are the names of the cookies the tab would send to any of urls.
func cookies(t *testing.T, ctx context.Context, urls ...string) []string {
	t.Helper()
	r, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) (network.GetCookiesResult, error) {
		return cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: urls})
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range r.Cookies {
		names = append(names, c.Name)
	}
	return names
}

// speaks makes the tab ask for pages in languages, an Accept-Language
// value, as a browser set up in that language does.
func speaks(t *testing.T, ctx context.Context, languages string) {
	t.Helper()
	do(t, ctx, "set the languages", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Accept-Language": languages}})
		return err
	}))
}

// The screen of a small phone, in CSS pixels.
const phoneWidth, phoneHeight = 360, 740

// phone makes the tab the size of a small phone's screen.
func phone(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "emulate a phone", chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateScale(2)))
}

// onFirstScreen fails the test unless the element sel selects ends within
// a phone's first screen, where it is seen without scrolling.
func onFirstScreen(t *testing.T, ctx context.Context, sel, what string) {
	t.Helper()
	box, err := chromedp.Run(ctx, chromedp.Dimensions(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("where %s is: %v", what, err)
	}
	// Border is the box's four corners, x and y in turn; the third is the
	// bottom right.
	if bottom := box.Border[5]; bottom > phoneHeight {
		t.Errorf("%s ends %.0f px down a %d px screen: the reader must scroll to find it", what, bottom, phoneHeight)
	}
}

// checkWidth fails the test when the page is wider than the window, so
// that a phone's reader would have to scroll sideways.
func checkWidth(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	m, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) (page.GetLayoutMetricsResult, error) {
		return cdp.Call(ctx, tg, page.GetLayoutMetrics, cdp.Empty{})
	})
	if err != nil {
		t.Fatal(err)
	}
	if w, vw := m.CSSContentSize.Width, float64(m.CSSLayoutViewport.ClientWidth); w > vw {
		t.Errorf("%s is %.0f px wide in a window of %.0f px: the reader must scroll sideways", name, w, vw)
	}
}

// screenshot saves the whole page, not only what fits the window, as
// name.png among the test's artifacts (kept with go test -artifacts).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		m, err := cdp.Call(ctx, tg, page.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		r, err := cdp.Call(ctx, tg, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			CaptureBeyondViewport: new(true),
			FromSurface:           new(true),
			Clip: &page.Viewport{Width: m.CSSContentSize.Width,
				Height: math.Ceil(m.CSSContentSize.Height), Scale: 1},
		})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	})
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// traffic is what one tab asked the network for, and what its pages
// complained about in the console, since the last take.
type traffic struct {
	mu       sync.Mutex
	urls     map[network.RequestID]string
	order    []network.RequestID
	received map[network.RequestID]float64
	// documents are the pages themselves, as opposed to what they load.
	documents map[string]bool
	console   []string
}

// fetch is one request a page made and the bytes that came back for it,
// headers included.
type fetch struct {
	url   string
	bytes int
}

// record starts recording ctx's tab. The browser cache is off, so each
// page costs what it costs an applicant who comes for the first time.
func record(t *testing.T, ctx context.Context) *traffic {
	t.Helper()
	tr := &traffic{}
	tr.reset()
	do(t, ctx, "disable the cache", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
		return err
	}))
	if err := chromedp.Listen(ctx, tr.event); err != nil {
		t.Fatal(err)
	}
	return tr
}

func (tr *traffic) reset() {
	tr.urls = map[network.RequestID]string{}
	tr.received = map[network.RequestID]float64{}
	tr.documents = map[string]bool{}
	tr.order, tr.console = nil, nil
}

// event runs on the tab's reading goroutine: it only notes things down.
func (tr *traffic) event(ev any) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if _, seen := tr.urls[ev.RequestID]; !seen {
			tr.order = append(tr.order, ev.RequestID)
		}
		tr.urls[ev.RequestID] = ev.Request.URL
		if ev.Type == network.ResourceTypeDocument {
			tr.documents[ev.Request.URL] = true
		}
	case *network.EventLoadingFinished:
		tr.received[ev.RequestID] = ev.EncodedDataLength
	case *runtime.EventExceptionThrown:
		tr.console = append(tr.console, "exception: "+ev.ExceptionDetails.Text)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			tr.console = append(tr.console, fmt.Sprintf("console.%s", ev.Type))
		}
	case *log.EventEntryAdded:
		// Chromium logs a page's own error status (a not-found page
		// for a mistyped receipt); follow has checked it already.
		own := ev.Entry.Source == log.EntrySourceNetwork && tr.documents[ev.Entry.URL]
		if !own && (ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning) {
			tr.console = append(tr.console, fmt.Sprintf("%s %s: %s (%s)", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
		}
	}
}

// take returns what was fetched and logged since the last take.
func (tr *traffic) take() ([]fetch, []string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var fs []fetch
	for _, id := range tr.order {
		fs = append(fs, fetch{url: tr.urls[id], bytes: int(tr.received[id])})
	}
	console := tr.console
	tr.reset()
	return fs, console
}

// checkPage checks what the page just shown fetched: every request stayed
// on origin (data: URLs never leave the browser), and nothing was logged
// as an error or warning. It returns the bytes transferred for the page and
// everything it loaded.
func (tr *traffic) checkPage(t *testing.T, name, origin string) int {
	t.Helper()
	total, problems := tr.inspect(origin)
	for _, p := range problems {
		t.Errorf("%s: %s", name, p)
	}
	return total
}

// inspect takes what was recorded and returns the bytes transferred and
// what is wrong with it.
func (tr *traffic) inspect(origin string) (int, []string) {
	fs, console := tr.take()
	total := 0
	var problems []string
	for _, f := range fs {
		if f.url != origin && !strings.HasPrefix(f.url, origin+"/") && !strings.HasPrefix(f.url, "data:") {
			problems = append(problems, "a request left the site: "+f.url)
		}
		total += f.bytes
	}
	for _, c := range console {
		problems = append(problems, "console: "+c)
	}
	if len(fs) == 0 {
		problems = append(problems, "no request was recorded, so the page was not really checked")
	}
	return total, problems
}
