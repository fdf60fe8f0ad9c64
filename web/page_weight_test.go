package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"tropa"
	"tropa/internal/htmlcheck"
)

// maxPageBytes is what an applicant page may cost, with everything it
// loads: a man on a bad connection, maybe over Tor, waits for each byte.
const maxPageBytes = 30 << 10

// TestApplicantPageWeight loads every page an applicant can see as a
// browser would on a first visit: the page, then each stylesheet, image,
// script or icon it asks for, and what those stylesheets import. Each page
// with all it loads must stay under maxPageBytes, ask nothing of another
// site, and work without JavaScript.
//
// Bytes count as HTTP/1.1 sends them: status line, headers, body. A page
// that gives back what the applicant typed (an error page keeps his
// message so that it is not lost) is weighed without that text: he sent
// it, and it is not the page's to trim.
func TestApplicantPageWeight(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	applicant := ts.browser(loopback)
	message := strings.Repeat("Меня ранили под Авдеевкой, лежу в госпитале в Ростове, паспорт забрал командир. ", 8)
	receipt := applicant.submit(t, requestForm("message", message))
	staff := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	_, links := inboxRows(t, staff.get(t, "/staff/inbox").doc(t))
	staff.post(t, links[0]+"/reply", url.Values{"message": {strings.Repeat("Здравствуйте. Мы можем помочь: вот что нужно сделать сначала. ", 10)}})
	applicant.post(t, "/check/reply", url.Values{"receipt": {receipt}, "message": {"Выписывают в пятницу, что брать с собой?"}})

	tooLong := strings.Repeat("я", tropa.MaxMessageLen+1)
	limited := ts.browser(remoteAddr)
	for range 5 {
		limited.submit(t, requestForm())
	}
	wrongReceipt := "1111 2222 3333 4444 5555 6666 7777"

	tests := []struct {
		name       string
		load       func(t *testing.T) *response
		wantStatus int
		want       string // a selector that shows the page is the one meant
		echoed     string // what the applicant typed and the page gives back
	}{
		{"form in Russian", get(applicant, "/?lang=ru"), http.StatusOK, "html[lang=ru] form.request", ""},
		{"form in Ukrainian", get(applicant, "/?lang=uk"), http.StatusOK, "html[lang=uk] form.request", ""},
		{"form in English", get(applicant, "/?lang=en"), http.StatusOK, "html[lang=en] form.request", ""},
		{"receipt", post(applicant, "/", requestForm("message", message)), http.StatusOK, "p.receipt", ""},
		{"receipt check", get(applicant, "/check"), http.StatusOK, "input#receipt", ""},
		{"thread with replies", post(applicant, "/check", url.Values{"receipt": {receipt}}), http.StatusOK,
			"ol.messages li.message.staff", ""},
		{"form missing its fields", post(applicant, "/", requestForm("kind", "", "situation", "")), http.StatusUnprocessableEntity,
			"p.error", "Меня призвали, повестка на завтра. Что делать?"},
		{"message too long", post(applicant, "/", requestForm("message", tooLong)), http.StatusUnprocessableEntity, "p.error", tooLong},
		{"wrong receipt", post(applicant, "/check", url.Values{"receipt": {wrongReceipt}}), http.StatusNotFound, "p.error", wrongReceipt},
		{"rate limited", post(limited, "/", requestForm()), http.StatusTooManyRequests, "p.error", "Меня призвали, повестка на завтра. Что делать?"},
		{"not found", get(applicant, "/no/such/page"), http.StatusNotFound, "p.error", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := tt.load(t)
			if resp.status != tt.wantStatus {
				t.Fatalf("status %d, want %d", resp.status, tt.wantStatus)
			}
			htmlcheck.HasOne(t, resp.doc(t), tt.want)
			if tt.echoed != "" && !strings.Contains(resp.body, tt.echoed) {
				t.Fatalf("the page does not give back what the applicant typed, so it cannot be left out of its weight")
			}
			w := weigh(t, applicant, resp)
			n, echoed := w.total, 0
			if tt.echoed != "" {
				echoed = strings.Count(resp.body, tt.echoed) * len(tt.echoed)
				n -= echoed
			}
			t.Logf("%d bytes in %d requests (%s); besides, %d bytes the applicant typed",
				n, len(w.parts), strings.Join(w.parts, " + "), echoed)
			if n > maxPageBytes {
				t.Errorf("the page costs %d bytes with what it loads, more than %d", n, maxPageBytes)
			}
		})
	}
}

func get(b *browser, path string) func(*testing.T) *response {
	return func(t *testing.T) *response {
		return b.do(t, newRequest(t, http.MethodGet, path, nil), false)
	}
}

func post(b *browser, path string, form url.Values) func(*testing.T) *response {
	return func(t *testing.T) *response {
		return b.postRaw(t, path, form.Encode(), false)
	}
}

// weight is what a page and everything it loads cost.
type weight struct {
	total int
	parts []string // "path bytes" for each request
}

// weigh checks the page in resp and everything it loads, fetched with b,
// and adds up the bytes.
func weigh(t *testing.T, b *browser, resp *response) weight {
	t.Helper()
	w := weight{}
	w.add("page", wireSize(resp))
	c := &pageCheck{}
	loads := c.page(htmlcheck.Parse(t, resp.body))
	seen := map[string]bool{}
	for len(loads) > 0 {
		u := loads[0]
		loads = loads[1:]
		if seen[u] {
			continue
		}
		seen[u] = true
		sub := b.get(t, u)
		if sub.status != http.StatusOK {
			t.Errorf("%s, which the page loads, answers %d", u, sub.status)
			continue
		}
		w.add(u, wireSize(sub))
		if strings.HasPrefix(sub.header.Get("Content-Type"), "text/css") {
			loads = append(loads, c.css(u, sub.body)...)
		}
	}
	for _, p := range c.problems {
		t.Error(p)
	}
	return w
}

func (w *weight) add(what string, n int) {
	w.total += n
	w.parts = append(w.parts, fmt.Sprintf("%s %d", what, n))
}

// wireSize is the size of resp as HTTP/1.1 sends it.
func wireSize(resp *response) int {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "HTTP/1.1 %d %s\r\n", resp.status, http.StatusText(resp.status))
	h := resp.header.Clone()
	if h.Get("Content-Length") == "" {
		h.Set("Content-Length", fmt.Sprint(len(resp.body)))
	}
	h.Write(&buf)
	return buf.Len() + len("\r\n") + len(resp.body)
}

// urlAttrs are the attributes that hold a URL a browser may load or go to.
var urlAttrs = []string{"src", "href", "action", "formaction", "srcset", "poster", "data", "background", "cite", "ping", "manifest"}

// pageCheck notes what, in a page and what it loads, points off the site
// or needs JavaScript.
type pageCheck struct {
	problems []string
}

func (c *pageCheck) problem(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// page checks doc and returns the same-site paths a browser loads with it.
func (c *pageCheck) page(doc *html.Node) []string {
	var loads []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if n.Data == "style" && n.FirstChild != nil {
			loads = append(loads, c.css("/", n.FirstChild.Data)...)
		}
		if n.Data == "button" && attrOf(n, "type") == "button" {
			c.problem("<button type=button> does nothing without JavaScript")
		}
		if n.Data == "form" && attrOf(n, "action") == "" {
			c.problem("a form has no action")
		}
		for _, a := range n.Attr {
			switch {
			case strings.HasPrefix(a.Key, "on"):
				c.problem("<%s %s> needs JavaScript", n.Data, a.Key)
			case a.Key == "style":
				loads = append(loads, c.css("/", a.Val)...)
			case slices.Contains(urlAttrs, a.Key):
				for _, v := range attrURLs(a) {
					if p, ok := c.sameSite("/", v, n.Data+" "+a.Key); ok && loadsWithPage(n, a.Key) {
						loads = append(loads, p)
					}
				}
			}
		}
	}
	return loads
}

// loadsWithPage says whether attribute key of n is fetched as the page
// loads, rather than followed when the applicant acts.
func loadsWithPage(n *html.Node, key string) bool {
	switch n.Data {
	case "a", "area", "form", "button", "input", "blockquote", "q", "del", "ins":
		return key == "src" && n.Data == "input"
	case "link":
		rel := strings.Fields(strings.ToLower(attrOf(n, "rel")))
		return key == "href" && slices.ContainsFunc(rel, func(r string) bool {
			return r == "stylesheet" || r == "icon" || r == "preload" || r == "modulepreload" || r == "manifest"
		})
	}
	return key != "cite"
}

func attrURLs(a html.Attribute) []string {
	if a.Key != "srcset" {
		return []string{a.Val}
	}
	var us []string
	for c := range strings.SplitSeq(a.Val, ",") {
		if f := strings.Fields(c); len(f) > 0 {
			us = append(us, f[0])
		}
	}
	return us
}

// sameSite resolves ref against base. It fails the test for a URL off the
// site or a javascript: URL, and returns the path to load for a same-site
// one; data: URLs and #fragments load nothing more.
func (c *pageCheck) sameSite(base, ref, where string) (string, bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") {
		return "", false
	}
	b, _ := url.Parse(baseURL + base)
	u, err := b.Parse(ref)
	if err != nil {
		c.problem("%s: %q is not a URL: %v", where, ref, err)
		return "", false
	}
	switch {
	case u.Scheme == "data":
		return "", false
	case u.Scheme == "javascript":
		c.problem("%s: %q needs JavaScript", where, ref)
		return "", false
	case u.Scheme+"://"+u.Host != baseURL:
		c.problem("%s: %q leaves the site", where, ref)
		return "", false
	}
	return u.RequestURI(), true
}

var (
	cssURL    = regexp.MustCompile(`url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)`)
	cssImport = regexp.MustCompile(`@import\s+(?:"([^"]*)"|'([^']*)')`)
)

// css checks the URLs in the stylesheet css, found at base, and returns
// those to load.
func (c *pageCheck) css(base, css string) []string {
	var loads []string
	for _, re := range []*regexp.Regexp{cssURL, cssImport} {
		for _, m := range re.FindAllStringSubmatch(css, -1) {
			ref := strings.Join(m[1:], "")
			if p, ok := c.sameSite(base, ref, "CSS in "+base); ok {
				loads = append(loads, p)
			}
		}
	}
	return loads
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// TestPageCheck shows that the page-weight test sees what it must refuse,
// and follows what a browser would load.
func TestPageCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, page   string
		wantLoads    []string
		wantProblems int
	}{
		{"own stylesheet, icon and links", `<link rel="stylesheet" href="/static/style.css"><link rel="icon" href="data:,">` +
			`<a href="/check?lang=uk">x</a><form method="post" action="/"><button type="submit">x</button></form>`,
			[]string{"/static/style.css"}, 0},
		{"image from elsewhere", `<img src="https://evil.example/pixel.png">`, nil, 1},
		{"stylesheet from a CDN", `<link rel="stylesheet" href="//cdn.example/s.css">`, nil, 1},
		{"font imported in a style element", `<style>@import "https://fonts.example/f.css";</style>`, nil, 1},
		{"background from elsewhere", `<div style="background: url(http://x.example/a.png)"></div>`, nil, 1},
		{"own background image", `<div style="background: url('/static/a.png')"></div>`, []string{"/static/a.png"}, 0},
		{"link to another site", `<a href="https://other.example/">x</a>`, nil, 1},
		{"javascript: link", `<a href="javascript:go()">x</a>`, nil, 1},
		{"button that needs a script", `<button type="button" onclick="go()">x</button>`, nil, 2},
		{"form without action", `<form method="post"><button>x</button></form>`, nil, 1},
		{"image set from elsewhere", `<img src="/a.png" srcset="/a2.png 2x, https://x.example/a3.png 3x">`, []string{"/a.png", "/a2.png"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &pageCheck{}
			loads := c.page(htmlcheck.Parse(t, "<!doctype html><html><head></head><body>"+tt.page+"</body></html>"))
			if !slices.Equal(loads, tt.wantLoads) {
				t.Errorf("loads %q, want %q", loads, tt.wantLoads)
			}
			if len(c.problems) != tt.wantProblems {
				t.Errorf("problems %q, want %d", c.problems, tt.wantProblems)
			}
		})
	}
	c := &pageCheck{}
	if got := c.css("/static/style.css", `body { background: url(bg.png) } @import 'more.css';`); !slices.Equal(got, []string{"/static/bg.png", "/static/more.css"}) {
		t.Errorf("a stylesheet's relative URLs load %q, want them beside it", got)
	}
}
