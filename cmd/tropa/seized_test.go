package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"golang.org/x/net/html"

	"tropa"
	"tropa/internal/htmlcheck"
	"tropa/scrub"
	"tropa/scrub/scrubtest"
	"tropa/seal"
	"tropa/store"
)

// TestSeizedDisk runs the real server, puts marked text through every path
// that stores it (applicant request and contact, staff reply, internal
// note, triage reason, documents, route, a meeting's place, applicant
// follow-up, photos and their names, login, TOTP enrolment), stops the
// server, and then reads every byte it left on disk, in its data directory
// and in the temporary directory, and everything it printed, as an
// adversary who seized the machine would: none of the marked text,
// photos, receipts, password or TOTP secret may be there.
func TestSeizedDisk(t *testing.T) {
	dir := t.TempDir()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	const password = "correct horse battery staple"
	mustRun(t, "", "init", "--data", dir)
	enrolCode := enrolCodeIn(t, mustRun(t, password+"\n", "user", "add", "--data", dir, "--name", "olga", "--role", "caseworker",
		"--password-stdin"))

	srv := startServer(t, dir)
	markers := map[string]string{
		"message":        "MARKER-MESSAGE-7f3a91 Я в госпитале, часть 12345",
		"contact":        "MARKER-CONTACT-@secret_handle_51c2",
		"reply":          "MARKER-REPLY-e0d4c8 встречаемся у вокзала",
		"followup":       "MARKER-FOLLOWUP-9b1e77 паспорт забрали",
		"note":           "MARKER-NOTE-3c5d20 голос дрожит",
		"reason":         "MARKER-REASON-6a0f13 ранен под Курском",
		"route":          "MARKER-ROUTE-8d2b44 через Верхний Ларс",
		"country":        "MARKER-COUNTRY-1e9c57",
		"deadline":       "MARKER-DEADLINE-4f7a68 встреча у моста",
		"photo":          "MARKER-PHOTO-2b8e61 выписка.jpg",
		"photo2":         "MARKER-PHOTO-d71c05 повестка.png",
		"legal country":  "MARKER-LEGALCOUNTRY-5c0e2a",
		"lawyer":         "MARKER-LAWYER-a82f19 адвокат Шульц, +49 30 1234",
		"legal note":     "MARKER-LEGALNOTE-71d3b0 интервью в Айзенхюттенштадте",
		"meeting place":  "MARKER-PLACE-5e2a19 у водокачки",
		"meeting sign":   "MARKER-SIGN-b3c870 белая повязка",
		"meeting phrase": "MARKER-PHRASE-71d6f2 тихий дон",
		"meeting reason": "MARKER-MEETREASON-0c94ae обстрел",
		// Only its hash is kept.
		"enrol code":     enrolCode,
		"call said":      "MARKER-CALL-5e2a19 мать говорит: он в Белгороде",
		"call back":      "MARKER-CALLBACK-+79001234567",
		"returning said": "MARKER-RECALL-c4d803 выписывают в пятницу",
	}
	jpg, png := scrubtest.JPEG(t, 64, 48), scrubtest.PNG(t, 48, 32)

	applicant := newClient(t)
	page := applicant.postPhoto(srv.url, url.Values{"kind": {"leave_country"}, "situation": {"hospital"},
		"message": {markers["message"]}, "contact": {markers["contact"]}}, markers["photo"], jpg)
	receipt := htmlcheck.Text(htmlcheck.HasOne(t, page, "p.receipt"))
	if _, err := seal.ParseReceipt(receipt); err != nil {
		t.Fatalf("receipt page shows %q: %v", receipt, err)
	}

	staff := newClient(t)
	page, totpSecret := staff.firstLogin(t, srv.url, "olga", password, enrolCode)
	link, _ := htmlcheck.Attr(htmlcheck.HasOne(t, page, "table.inbox td a"), "href")
	page = staff.get(srv.url + strings.TrimPrefix(link, "/"))
	htmlcheck.HasText(t, page, ".message .body", markers["message"])
	htmlcheck.HasText(t, page, ".contact", markers["contact"])
	photoLink, _ := htmlcheck.Attr(htmlcheck.HasOne(t, page, "ul.attachments a"), "href")
	if left := scrubtest.Leftovers(staff.download(srv.url + strings.TrimPrefix(photoLink, "/"))); len(left) > 0 {
		t.Errorf("the photo downloaded still holds %v", left)
	}
	page = staff.postForm(srv.url+strings.TrimPrefix(link, "/")+"/reply", url.Values{"message": {markers["reply"]}})
	htmlcheck.HasText(t, page, ".message.staff .body", markers["reply"])

	caseURL := srv.url + strings.TrimPrefix(link, "/")
	version, _ := htmlcheck.Attr(htmlcheck.HasOne(t, page, "form#triage input[name=version]"), "value")
	page = staff.postForm(caseURL+"/triage", url.Values{"version": {version}, "disposition": {"case"},
		"urgency": {"high"}, "reason": {markers["reason"]}})
	page = staff.postForm(caseURL+"/note", url.Values{"note": {markers["note"]}})
	htmlcheck.HasText(t, page, ".message.note .body", markers["note"])
	version, _ = htmlcheck.Attr(htmlcheck.HasOne(t, page, "form#details-form input[name=version]"), "value")
	page = staff.postForm(caseURL+"/details", url.Values{"version": {version}, "doc_international_passport": {"confiscated"},
		"route": {markers["route"]}, "destination": {markers["country"]}})
	htmlcheck.HasText(t, page, "textarea#route", markers["route"])
	page = staff.postForm(caseURL+"/left", url.Values{"left_at": {time.Now().UTC().Add(-time.Hour).Format("2006-01-02T15:04")}})
	page = staff.postForm(caseURL+"/deadlines", url.Values{"kind": {"meeting"},
		"due_at": {time.Now().UTC().Add(20 * time.Hour).Format("2006-01-02T15:04")}, "label": {markers["deadline"]}})
	htmlcheck.HasText(t, page, "table.deadlines", markers["deadline"])
	htmlcheck.HasText(t, page, "ol.history", markers["reason"])
	page = staff.postForm(caseURL+"/legal", url.Values{"procedure": {"asylum"}, "country": {markers["legal country"]},
		"helper": {markers["lawyer"]}})
	htmlcheck.HasText(t, page, "section#legal p.helper", markers["lawyer"])
	process, _ := htmlcheck.Attr(htmlcheck.HasOne(t, page, "section#legal article"), "id")
	page = staff.postForm(caseURL+"/legal/"+strings.TrimPrefix(process, "legal-")+"/steps", url.Values{"kind": {"interview"},
		"at": {time.Now().UTC().Add(30 * time.Hour).Format("2006-01-02T15:04")}, "note": {markers["legal note"]}})
	htmlcheck.HasText(t, page, "table.legal-steps", markers["legal note"])
	meetAt := time.Now().UTC().Add(30 * time.Hour)
	page = staff.postForm(caseURL+"/meetings", url.Values{"start": {meetAt.Format("2006-01-02T15:04")},
		"end": {meetAt.Add(time.Hour).Format("2006-01-02T15:04")}, "place": {markers["meeting place"]},
		"sign": {markers["meeting sign"]}, "phrase": {markers["meeting phrase"]}})
	meetingID, _ := htmlcheck.Attr(htmlcheck.HasOne(t, page, "div.meeting"), "id")
	meetingID = strings.TrimPrefix(meetingID, "meeting-")
	page = staff.postForm(caseURL+"/meetings/"+meetingID+"/state", url.Values{"state": {"cancelled"},
		"reason": {markers["meeting reason"]}})
	htmlcheck.HasText(t, page, "div.meeting", markers["meeting reason"])

	page = applicant.postPhoto(srv.url+"check/reply", url.Values{"receipt": {receipt}, "message": {markers["followup"]}},
		markers["photo2"], png)
	htmlcheck.HasNone(t, page, ".message.note")
	htmlcheck.HasText(t, page, ".message.staff .body", markers["reply"])
	htmlcheck.HasText(t, page, ".message.applicant .body", markers["followup"])

	// A call taken on the phone, and the applicant ringing back with his
	// receipt.
	page = staff.postForm(srv.url+"staff/calls", url.Values{"caller": {"relative"}, "kind": {"surrender"},
		"situation": {"front"}, "message": {markers["call said"]}, "contact": {markers["call back"]}})
	callReceipt := htmlcheck.Text(htmlcheck.HasOne(t, page, "p.receipt"))
	page = staff.postForm(srv.url+"staff/calls/returning", url.Values{"receipt": {receipt}, "caller": {"self"},
		"said": {markers["returning said"]}})
	htmlcheck.HasText(t, page, "ol.history", markers["returning said"])

	output := srv.stop(t)

	secrets := map[string]string{"password": password, "TOTP secret": totpSecret,
		"receipt": receipt, "receipt digits": strings.ReplaceAll(receipt, " ", ""),
		"call receipt": strings.ReplaceAll(callReceipt, " ", ""),
		// A document's status is sealed with the case, and so is its
		// history entry.
		"document status": "confiscated"}
	for name, photo := range map[string][]byte{"photo": jpg, "photo2": png} {
		// A run from the middle of the photo as it is kept, once cleaned.
		clean, err := scrub.Clean(photo, tropa.MaxAttachmentPixels)
		if err != nil {
			t.Fatal(err)
		}
		secrets[name+" bytes"] = string(clean.Data[len(clean.Data)/2-16 : len(clean.Data)/2+16])
	}
	for _, s := range scrubtest.Secrets {
		secrets["photo metadata "+s] = s
	}
	secrets["enrol code undashed"] = strings.ReplaceAll(enrolCode, "-", "")
	addMarkers(secrets, markers)
	if files := searchFiles(t, dir, secrets); files == 0 {
		t.Fatal("the data directory is empty: nothing was searched")
	}
	if left, err := os.ReadDir(tmp); err != nil || len(left) > 0 {
		t.Errorf("the server left %v (%v) in the temporary directory", left, err)
	}
	assertAbsent(t, "server output", output, secrets)
	if !bytes.Contains(output, []byte(`pattern="POST /check/reply"`)) {
		t.Errorf("server output has no request log lines, so it was not really searched:\n%s", output)
	}
}

// addMarkers adds to secrets each marker and each of its distinctive
// words alone: a field split or stored in another form must not slip
// through.
func addMarkers(secrets, markers map[string]string) {
	for name, m := range markers {
		secrets[name] = m
		for _, w := range strings.Fields(m) {
			if len(w) >= 10 {
				secrets[name+" word "+w] = w
			}
		}
	}
}

// searchFiles looks for every secret in every file under root, and
// returns how many files it read.
func searchFiles(t *testing.T, root string, secrets map[string]string) int {
	t.Helper()
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		assertAbsent(t, path, b, secrets)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// firstLogin logs name in for the first time, setting up TOTP with the
// enrolment code, and returns the inbox and the TOTP secret shown.
func (c *client) firstLogin(t *testing.T, siteURL, name, password, enrolCode string) (*html.Node, string) {
	t.Helper()
	page := c.postForm(siteURL+"staff/login", url.Values{"name": {name}, "password": {password}})
	secret := htmlcheck.Text(htmlcheck.HasOne(t, page, "code.secret"))
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c.postForm(siteURL+"staff/totp", url.Values{"enrol_code": {enrolCode}, "code": {code}}), secret
}

func assertAbsent(t *testing.T, where string, b []byte, secrets map[string]string) {
	t.Helper()
	for name, s := range secrets {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("%s contains the %s in plain text", where, name)
		}
	}
}

// enrolCodeLine is how tropa user add and reset-totp print the code.
var enrolCodeLine = regexp.MustCompile(`(?m)^  ([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})$`)

// enrolCodeIn is the enrolment code in what tropa user add printed.
func enrolCodeIn(t *testing.T, out string) string {
	t.Helper()
	m := enrolCodeLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no enrolment code in:\n%s", out)
	}
	return m[1]
}

// mustRun runs a tropa command to completion.
func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(t.Context(), args, noEnv, strings.NewReader(stdin), &out, &out); err != nil {
		t.Fatalf("tropa %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

func noEnv(string) string { return "" }

// lockedBuffer collects a server's output while it runs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

type testServer struct {
	url    string
	cancel context.CancelFunc
	done   chan error
	out    *lockedBuffer
}

var servingLine = regexp.MustCompile(`serving on (http://\S+/)`)

// startServer runs "tropa serve" on a free port of the loopback, on the
// data directory or PostgreSQL URL where, with flags added.
func startServer(t *testing.T, where string, flags ...string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &testServer{cancel: cancel, done: make(chan error, 1), out: &lockedBuffer{}}
	args := append(append([]string{"serve", "--addr", "127.0.0.1:0"}, dbFlags(where)...), flags...)
	go func() {
		s.done <- run(ctx, args, noEnv, strings.NewReader(""), s.out, s.out)
	}()
	t.Cleanup(func() { s.cancel() })
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := servingLine.FindSubmatch(s.out.Bytes()); m != nil {
			s.url = string(m[1])
			return s
		}
		select {
		case err := <-s.done:
			t.Fatalf("server stopped: %v\n%s", err, s.out.Bytes())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("server did not start:\n%s", s.out.Bytes())
	return nil
}

// dbFlags are the flags that name where: --db for a PostgreSQL URL, and
// --data for a data directory.
func dbFlags(where string) []string {
	if store.IsPostgresURL(where) {
		return []string{"--db", where}
	}
	return []string{"--data", where}
}

// stop shuts the server down as SIGTERM would and returns all it printed.
func (s *testServer) stop(t *testing.T) []byte {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("server: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not shut down")
	}
	return s.out.Bytes()
}

// client is a browser without JavaScript: it follows redirects, keeps
// cookies, and reads pages.
type client struct {
	t *testing.T
	c *http.Client
}

func newClient(t *testing.T) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

func (c *client) get(u string) *html.Node {
	c.t.Helper()
	return c.read(c.c.Get(u))
}

func (c *client) postForm(u string, v url.Values) *html.Node {
	c.t.Helper()
	return c.read(c.c.PostForm(u, v))
}

// postPhoto posts a form with one photo, as a browser does.
func (c *client) postPhoto(u string, v url.Values, name string, photo []byte) *html.Node {
	c.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k := range v {
		w.WriteField(k, v.Get(k))
	}
	part, err := w.CreateFormFile("photos", name)
	if err != nil {
		c.t.Fatal(err)
	}
	part.Write(photo)
	w.Close()
	return c.read(c.c.Post(u, w.FormDataContentType(), &b))
}

// download fetches a file and returns its bytes.
func (c *client) download(u string) []byte {
	c.t.Helper()
	resp, err := c.c.Get(u)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: %d, %v", u, resp.StatusCode, err)
	}
	return b
}

func (c *client) read(resp *http.Response, err error) *html.Node {
	c.t.Helper()
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("%s %s: status %d\n%s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, b)
	}
	return htmlcheck.Parse(c.t, string(b))
}
