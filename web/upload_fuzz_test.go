package web_test

import (
	"testing"

	"tropa/scrub/scrubtest"
)

// fuzzBoundary is the boundary of every body FuzzPhotoForm sends.
const fuzzBoundary = "tropa-fuzz-boundary"

// photoFormSeed is an applicant form with photos, framed by fuzzBoundary.
func photoFormSeed(tb testing.TB, photos ...photo) []byte {
	body, _ := multipartBody(tb, fuzzBoundary, requestForm(), photos)
	return body
}

// FuzzPhotoForm posts arbitrary bytes as the applicant form with photos:
// the answer is a receipt or a page that explains what to correct, never a
// server error, and never a page with markup from the input.
func FuzzPhotoForm(f *testing.F) {
	ts := newFuzzServer(f)
	f.Add(photoFormSeed(f, photo{"скан.jpg", scrubtest.JPEG(f, 8, 8)}))
	f.Add(photoFormSeed(f, photo{"скан.png", scrubtest.PNG(f, 8, 8)}))
	f.Add(photoFormSeed(f, photo{"<script>.jpg", []byte("<script>alert(1)</script>")}))
	f.Add(photoFormSeed(f, photo{"bomb.png", scrubtest.PNGBomb(1<<20, 1<<20)}))
	f.Add(photoFormSeed(f))
	f.Fuzz(func(t *testing.T, body []byte) {
		ts.postApplicantForm(t, "multipart/form-data; boundary="+fuzzBoundary, body)
	})
}
