package web_test

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"tropa"
	"tropa/internal/htmlcheck"
	"tropa/scrub/scrubtest"
	"tropa/web"
)

// photo is a file an applicant picks.
type photo struct {
	name string
	data []byte
}

// multipartBody encodes a form as a browser does when it has a file input:
// the fields in order, then the photos under one name. A file input left
// empty is sent as a part with no name and no content. The boundary is
// random unless given.
func multipartBody(tb testing.TB, boundary string, form url.Values, photos []photo) (body []byte, contentType string) {
	tb.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if boundary != "" {
		if err := w.SetBoundary(boundary); err != nil {
			tb.Fatal(err)
		}
	}
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range form[k] {
			w.WriteField(k, v)
		}
	}
	if len(photos) == 0 {
		photos = []photo{{}}
	}
	for _, p := range photos {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="photos"; filename="`+strings.NewReplacer(`"`, `%22`).Replace(p.name)+`"`)
		h.Set("Content-Type", "image/jpeg")
		part, err := w.CreatePart(h)
		if err != nil {
			tb.Fatal(err)
		}
		part.Write(p.data)
	}
	w.Close()
	return b.Bytes(), w.FormDataContentType()
}

// postPhotos posts a form with photos, as a browser without JavaScript does.
func (b *browser) postPhotos(tb testing.TB, path string, form url.Values, photos ...photo) *response {
	tb.Helper()
	body, ct := multipartBody(tb, "", form, photos)
	req := newRequest(tb, http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	return b.do(tb, req, true)
}

// caseLink opens the inbox of staff and returns the link to its only case.
func caseLink(tb testing.TB, staff *browser) string {
	tb.Helper()
	_, links := inboxRows(tb, staff.get(tb, "/staff/inbox").doc(tb))
	if len(links) != 1 {
		tb.Fatalf("inbox has %d requests, want 1", len(links))
	}
	return links[0]
}

// attachmentLinks lists the download links of a case page, with their text.
func attachmentLinks(tb testing.TB, doc *html.Node) (hrefs, names []string) {
	tb.Helper()
	for _, a := range htmlcheck.MustQuery(tb, doc, "ul.attachments a") {
		href, _ := htmlcheck.Attr(a, "href")
		hrefs, names = append(hrefs, href), append(names, htmlcheck.Text(a))
	}
	return hrefs, names
}

// TestPhotosMetadataRemoved sends a JPEG carrying a GPS position and a PNG
// carrying text through the real form; the caseworker downloads each: no
// metadata is left, it decodes to the same size, and it comes as a file to
// save, of its sniffed type, that cannot run anything if opened.
func TestPhotosMetadataRemoved(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	jpg, png := scrubtest.JPEG(t, 40, 30), scrubtest.PNG(t, 24, 16)
	for _, b := range [][]byte{jpg, png} {
		if len(scrubtest.Leftovers(b)) == 0 {
			t.Fatal("the test photo carries no metadata: the test proves nothing")
		}
	}
	applicant := ts.browser(loopback)
	resp := applicant.postPhotos(t, "/", requestForm(), photo{"выписка из госпиталя.jpg", jpg}, photo{"повестка.png", png})
	if resp.status != http.StatusOK {
		t.Fatalf("POST / with photos = %d; body:\n%s", resp.status, resp.body)
	}
	receipt := htmlcheck.Text(htmlcheck.HasOne(t, resp.doc(t), "p.receipt"))

	staff := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	doc := staff.get(t, caseLink(t, staff)).doc(t)
	hrefs, names := attachmentLinks(t, doc)
	if want := []string{"выписка из госпиталя.jpg", "повестка.png"}; !slices.Equal(names, want) {
		t.Fatalf("the case lists %v, want %v", names, want)
	}
	htmlcheck.HasText(t, doc, "ul.attachments li", "JPEG")
	for i, want := range []struct {
		typ, name string
		w, h      int
	}{{"image/jpeg", "%D0%B2%D1%8B%D0%BF%D0%B8%D1%81%D0%BA%D0%B0%20", 40, 30}, {"image/png", "%D0%BF%D0%BE", 24, 16}} {
		resp := staff.get(t, hrefs[i])
		h := resp.header
		if resp.status != http.StatusOK || h.Get("Content-Type") != want.typ || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("download %d = %d, headers %v; want %s, nosniff, a sandbox CSP", i, resp.status, h, want.typ)
		}
		if cd := h.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''"+want.name) {
			t.Errorf("Content-Disposition = %q, want an attachment named %s…", cd, want.name)
		}
		if left := scrubtest.Leftovers([]byte(resp.body)); len(left) > 0 {
			t.Errorf("the download of %s still holds %v", names[i], left)
		}
		c, _, err := image.DecodeConfig(strings.NewReader(resp.body))
		if _, _, derr := image.Decode(strings.NewReader(resp.body)); err != nil || derr != nil || c.Width != want.w || c.Height != want.h {
			t.Errorf("the download of %s reads as %d×%d (%v, %v), want %d×%d", names[i], c.Width, c.Height, err, derr, want.w, want.h)
		}
	}

	// The applicant sees what he sent, and nobody else can take it.
	thread := applicant.post(t, "/check", url.Values{"receipt": {receipt}}).doc(t)
	htmlcheck.HasText(t, thread, "li.message.applicant ul.attachments", "повестка.png")
	analyst := ts.staffBrowser(t, analystName, analystPassword)
	caseResp := analyst.get(t, strings.SplitN(hrefs[0], "/attachments/", 2)[0])
	fileResp := analyst.get(t, hrefs[0])
	if fileResp.status != caseResp.status || fileResp.status < 400 ||
		htmlcheck.Text(htmlcheck.HasOne(t, fileResp.doc(t), "p.error")) != htmlcheck.Text(htmlcheck.HasOne(t, caseResp.doc(t), "p.error")) {
		t.Errorf("the analyst's download = %d %q; want the case's refusal, %d", fileResp.status, fileResp.body, caseResp.status)
	}
}

// TestPhotosRefused sends what may not be kept: each is refused with a
// reason that names the file, everything typed is shown again, and
// nothing is stored.
func TestPhotosRefused(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	jpg := scrubtest.JPEG(t, 16, 16)
	large := append(slices.Clip(jpg), make([]byte, tropa.MaxAttachmentSize)...)
	for name, tc := range map[string]struct {
		photos    []photo
		status    int
		wantError string
	}{
		"html named as a photo": {[]photo{{"скан.jpg", []byte("<!doctype html><script>alert(1)</script>")}},
			http.StatusUnprocessableEntity, "«скан.jpg» — не фото"},
		"decompression bomb": {[]photo{{"бомба.png", scrubtest.PNGBomb(200_000, 200_000)}},
			http.StatusUnprocessableEntity, "«бомба.png» слишком большое разрешение"},
		"too large": {[]photo{{"огромное.jpg", large}}, http.StatusRequestEntityTooLarge, "«огромное.jpg» больше 4 МБ"},
		"too many": {slices.Repeat([]photo{{"стр.jpg", jpg}}, tropa.MaxAttachments+1),
			http.StatusUnprocessableEntity, "не больше 3 фото"},
		"over the whole body's cap": {slices.Repeat([]photo{{"стр.jpg", large[:tropa.MaxAttachmentSize]}}, tropa.MaxAttachments+1),
			http.StatusRequestEntityTooLarge, "не больше 3 фото по 4 МБ"},
	} {
		t.Run(name, func(t *testing.T) {
			form := requestForm("kind", "surrender", "message", "Текст, который нельзя терять", "contact", "signal: ivan.42")
			resp := ts.browser(loopback).postPhotos(t, "/", form, tc.photos...)
			if resp.status != tc.status {
				t.Fatalf("POST / = %d, want %d", resp.status, tc.status)
			}
			doc := resp.doc(t)
			htmlcheck.HasText(t, doc, "p.error", tc.wantError)
			htmlcheck.HasText(t, doc, "p.error", "Ваш текст сохранён")
			if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "textarea#message")); got != form.Get("message") {
				t.Errorf("message shown again = %q, want %q", got, form.Get("message"))
			}
			if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "textarea#contact")); got != form.Get("contact") {
				t.Errorf("contact shown again = %q, want %q", got, form.Get("contact"))
			}
			htmlcheck.HasOne(t, doc, `input[name=kind][value=surrender][checked]`)
			htmlcheck.HasOne(t, doc, `input[type=file][name=photos]`)
			if n := len(ts.storedRequests(t)); n != 0 {
				t.Errorf("stored requests = %d, want 0", n)
			}
		})
	}
}

// TestPhotosChooseAgain refuses a form for its text: the photos sent with
// it were not kept, and the page says to choose them again.
func TestPhotosChooseAgain(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp := ts.browser(loopback).postPhotos(t, "/?lang=en", requestForm("message", ""), photo{"page.jpg", scrubtest.JPEG(t, 8, 8)})
	if resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("POST / without a message = %d, want 422", resp.status)
	}
	htmlcheck.HasText(t, resp.doc(t), "p#photos-again", "choose the photos again")
	resp = ts.browser(loopback).post(t, "/?lang=en", requestForm("message", ""))
	htmlcheck.HasNone(t, resp.doc(t), "p#photos-again")
}

// TestPhotosBusy fills the memory for photos: each photo needs room for
// the largest allowed while it arrives, and keeps what it takes. A photo
// that does not fit is not taken, the applicant is told to retry, his text
// is kept, and once the memory is given back photos are taken again.
func TestPhotosBusy(t *testing.T) {
	t.Parallel()
	jpg := scrubtest.JPEG(t, 8, 8)
	ts := newTestServer(t, func(c *web.Config) { c.PhotoMemory = tropa.MaxAttachmentSize + 1 + int64(len(jpg)) })
	form := requestForm("message", "Текст, который нельзя терять")
	resp := ts.browser(loopback).postPhotos(t, "/", form, photo{"1.jpg", jpg}, photo{"2.jpg", jpg}, photo{"3.jpg", jpg})
	if resp.status != http.StatusServiceUnavailable {
		t.Fatalf("POST / with more photos than memory for them = %d, want 503", resp.status)
	}
	if got := resp.header.Get("Retry-After"); got != "180" {
		t.Errorf("Retry-After = %q, want 180: the page asks for a few minutes", got)
	}
	doc := resp.doc(t)
	htmlcheck.HasText(t, doc, "p.error", "Ваш текст сохранён")
	if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "textarea#message")); got != form.Get("message") {
		t.Errorf("message shown again = %q", got)
	}
	if n := len(ts.storedRequests(t)); n != 0 {
		t.Errorf("stored requests = %d, want 0", n)
	}
	for i := range 3 {
		if resp := ts.browser(loopback).postPhotos(t, "/", form, photo{"1.jpg", jpg}, photo{"2.jpg", jpg}); resp.status != http.StatusOK {
			t.Fatalf("POST / with two photos, %d: %d, want 200: the memory was not given back", i, resp.status)
		}
	}
}

// TestPhotoNamesAreText names a photo like a path out of the data
// directory and like markup: the name is shown cleaned and as text, and
// nothing is written anywhere by it.
func TestPhotoNamesAreText(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	before := filesUnder(t, ts.where)
	jpg := scrubtest.JPEG(t, 8, 8)
	resp := ts.browser(loopback).postPhotos(t, "/", requestForm(),
		photo{"../../../../etc/passwd", jpg}, photo{`..\..\tropa.db`, jpg}, photo{`<img src=x onerror=alert(1)>.jpg`, jpg})
	if resp.status != http.StatusOK {
		t.Fatalf("POST / = %d; body:\n%s", resp.status, resp.body)
	}
	if after := filesUnder(t, ts.where); !slices.Equal(after, before) {
		t.Errorf("files in the data directory went from %v to %v", before, after)
	}
	staff := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	doc := staff.get(t, caseLink(t, staff)).doc(t)
	wantInert(t, doc)
	if _, names := attachmentLinks(t, doc); !slices.Equal(names, []string{"passwd", "tropa.db", "<img src=x onerror=alert(1)>.jpg"}) {
		t.Errorf("names shown = %q", names)
	}
}

// filesUnder lists the files under dir.
func filesUnder(tb testing.TB, dir string) []string {
	tb.Helper()
	var list []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			list = append(list, strings.TrimPrefix(p, dir))
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return list
}

// TestReplyWithPhoto sends a photo with a reply from the request's page; a
// refused one shows the request again with the reply as typed.
func TestReplyWithPhoto(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	applicant := ts.browser(loopback)
	resp := applicant.postPhotos(t, "/", requestForm())
	if resp.status != http.StatusOK {
		t.Fatalf("POST / with the file input left empty = %d; body:\n%s", resp.status, resp.body)
	}
	receipt := htmlcheck.Text(htmlcheck.HasOne(t, resp.doc(t), "p.receipt"))
	reply := url.Values{"receipt": {receipt}, "message": {"Вот повестка"}}

	resp = applicant.postPhotos(t, "/check/reply", reply, photo{"повестка.html", []byte("<script>alert(1)</script>")})
	if resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("reply with html = %d, want 422", resp.status)
	}
	doc := resp.doc(t)
	htmlcheck.HasText(t, doc, "p.error", "«повестка.html»")
	if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "form#reply textarea")); got != "Вот повестка" {
		t.Errorf("reply shown again = %q", got)
	}

	resp = applicant.postPhotos(t, "/check/reply", reply, photo{"повестка.jpg", scrubtest.JPEG(t, 8, 8)})
	if resp.status != http.StatusOK {
		t.Fatalf("reply with a photo = %d", resp.status)
	}
	htmlcheck.HasText(t, resp.doc(t), "li.message.applicant ul.attachments", "повестка.jpg")
	staff := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	if _, names := attachmentLinks(t, staff.get(t, caseLink(t, staff)).doc(t)); !slices.Equal(names, []string{"повестка.jpg"}) {
		t.Errorf("the case lists %v, want the reply's photo", names)
	}
}

// TestLargeBodyOnlyWithPhotos gives the larger cap to photos only: text
// beyond the usual cap is refused on the applicant form, whether sent with
// photos or without.
func TestLargeBodyOnlyWithPhotos(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	long := requestForm("message", strings.Repeat("я", 100<<10))
	for name, resp := range map[string]*response{
		"multipart":  ts.browser(loopback).postPhotos(t, "/", long, photo{"стр.jpg", scrubtest.JPEG(t, 8, 8)}),
		"urlencoded": ts.browser(loopback).post(t, "/", long),
	} {
		if resp.status != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: POST / with 200 KiB of text = %d, want 413", name, resp.status)
		}
	}
	if n := len(ts.storedRequests(t)); n != 0 {
		t.Errorf("stored requests = %d, want 0", n)
	}
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// A form with photos refused before its handler, as one sent from another
// site is, is not read: choosing the language of the refusal must not pull
// megabytes into memory outside the photos' budget.
func TestRefusedUploadNotRead(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.browser(loopback)
	b.header.Set("Sec-Fetch-Site", "cross-site")
	body, ct := multipartBody(t, "", requestForm("lang", "uk"), []photo{{"big.jpg", bytes.Repeat([]byte{0xff}, tropa.MaxAttachmentSize)}})
	sent := &countingReader{r: bytes.NewReader(body)}
	req := newRequest(t, http.MethodPost, "/", sent)
	req.Header.Set("Content-Type", ct)
	req.ContentLength = int64(len(body))
	resp := b.do(t, req, false)
	if resp.status != http.StatusForbidden {
		t.Errorf("cross-site form with a photo = %d, want 403", resp.status)
	}
	if sent.n > 64<<10 {
		t.Errorf("the refusal read %d bytes of the %d sent, want none of the photo", sent.n, len(body))
	}
}
