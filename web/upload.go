package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sync"
	"time"

	"tropa"
	"tropa/admission"
)

// Forms that carry photos are read part by part into memory with hard caps,
// never with ParseMultipartForm, which spills large files to temporary
// files: an applicant's photo must not touch the disk before it is sealed.

// maxUploadBody bounds a form with photos: the photos allowed, the text,
// and room for multipart's framing.
const maxUploadBody = tropa.MaxAttachments*tropa.MaxAttachmentSize + maxBody

// uploadTimeout is how long a form with photos may take to arrive and be
// answered: over a slow Tor circuit, a few MiB take a minute or two, far
// past the server's timeouts for everything else.
const uploadTimeout = 3 * time.Minute

// maxParts bounds the parts of a form: the applicant forms have a handful
// of fields and a few photos.
const maxParts = 50

// photoField is the file input's name.
const photoField = "photos"

// photoMemory is the default bound on the photo data all requests together
// may hold while they are received, checked and sealed. A photo reserves
// room for the largest allowed while it arrives, then keeps what it takes
// until its request ends; the memory taken is up to three times this, as
// each photo is copied once cleaned and once sealed. A flood of large
// uploads is then told to retry instead of exhausting the server's memory.
const photoMemory = 32 * tropa.MaxAttachmentSize

// photosRetry is when an applicant whose photos found no memory is asked
// to send them again: "in a few minutes".
const photosRetry = 3 * time.Minute

// budget is memory that requests take from and give back.
type budget struct {
	mu   sync.Mutex
	free int64
}

// take reserves n bytes, if that many are free.
func (b *budget) take(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.free < n {
		return false
	}
	b.free -= n
	return true
}

func (b *budget) give(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.free += n
}

// isMultipart reports whether r's body is a multipart form.
func isMultipart(r *http.Request) bool {
	t, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && t == "multipart/form-data"
}

// readPhotos reads a posted form that may carry photos: its fields go to
// r.PostForm, the photos are returned, and release must be called once
// they are no longer needed. It always leaves r.PostForm set, with every
// field read before a problem, so that what the applicant typed can be
// shown back to him; the file input comes last in the forms for that
// reason. A file refused (too many, too large, no memory for it now) is
// named in the error, and the rest of the form is still read.
func (s *Server) readPhotos(w http.ResponseWriter, r *http.Request) (files []tropa.Upload, release func(), err error) {
	var taken int64
	release = func() { s.photos.give(taken) }
	if !isMultipart(r) {
		err := parseForm(r)
		if r.PostForm == nil {
			r.PostForm = url.Values{}
		}
		return nil, release, err
	}
	form := url.Values{}
	r.PostForm = form
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, release, errBadForm
	}
	// The connection gets uploadTimeout once a photo starts to arrive with
	// room in the budget for it, and not before: the number of connections
	// held that long is then bounded by the photos' memory.
	extended := false
	var refused error
	text := int64(maxBody)
	for parts := 0; ; parts++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return files, release, refused
		}
		if err != nil {
			return nil, release, formError(err)
		}
		if parts == maxParts {
			return nil, release, errBadForm
		}
		if part.FormName() != photoField {
			b, err := io.ReadAll(io.LimitReader(part, text+1))
			if err != nil {
				return nil, release, formError(err)
			}
			if text -= int64(len(b)); text < 0 {
				return nil, release, errBodyTooLarge
			}
			if part.FileName() == "" {
				form.Add(part.FormName(), string(b))
			}
			continue
		}
		if refused != nil || !s.photos.take(tropa.MaxAttachmentSize+1) {
			// Read past it, holding none of it, to reach the fields after.
			n, err := io.Copy(io.Discard, part)
			if err != nil {
				return nil, release, formError(err)
			}
			if refused == nil && (n > 0 || part.FileName() != "") {
				refused = errPhotosBusy
			}
			continue
		}
		const reserved = tropa.MaxAttachmentSize + 1
		taken += reserved
		if !extended {
			rc := http.NewResponseController(w)
			// Not every ResponseWriter can; then the server's own
			// timeouts hold.
			rc.SetReadDeadline(time.Now().Add(uploadTimeout))
			rc.SetWriteDeadline(time.Now().Add(uploadTimeout + time.Minute))
			extended = true
		}
		data, err := io.ReadAll(io.LimitReader(part, reserved))
		if err != nil {
			return nil, release, formError(err)
		}
		var kept int64
		switch {
		case len(data) == 0 && part.FileName() == "":
			// The input, with no photo chosen.
		case len(files) == tropa.MaxAttachments:
			refused = tropa.ErrTooManyFiles()
		case len(data) > tropa.MaxAttachmentSize:
			refused = tropa.ErrFileTooLarge(part.FileName())
		default:
			files = append(files, tropa.Upload{Name: part.FileName(), Data: data})
			kept = int64(len(data))
		}
		// What is not kept is given back at once.
		s.photos.give(reserved - kept)
		taken -= reserved - kept
	}
}

var (
	errBadForm        = tropa.UserError(tropa.EINVALID, "ErrBadForm", nil)
	errBodyTooLarge   = tropa.UserError(tropa.ETOOLARGE, "ErrBodyTooLarge", nil)
	errPhotosBusy     = admission.RetryLater(tropa.EBUSY, "ErrPhotosBusy", photosRetry)
	errUploadTooLarge = tropa.UserError(tropa.ETOOLARGE, "ErrUploadTooLarge",
		map[string]any{"Max": tropa.MaxAttachments, "MiB": tropa.MaxAttachmentSize >> 20})
)

// formError is the applicant's explanation of a form that could not be
// read to its end.
func formError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return errUploadTooLarge
	}
	return errBadForm
}

// FileSize says how large a file is, in KiB or MiB.
func (p *page) FileSize(n int64) string {
	if n < 1<<20 {
		return p.T("SizeKiB", "N", (n+1023)>>10)
	}
	return p.T("SizeMiB", "N", fmt.Sprintf("%.1f", float64(n)/(1<<20)))
}

// MaxPhotos is how many photos a message may carry.
func (p *page) MaxPhotos() int { return tropa.MaxAttachments }

// MaxPhotoMiB is how large each may be.
func (p *page) MaxPhotoMiB() int { return tropa.MaxAttachmentSize >> 20 }
