package scrub_test

import (
	"bytes"
	"image"
	"testing"

	"tropa/scrub"
	"tropa/scrub/scrubtest"
)

// FuzzClean cleans anything: it never panics, and what it returns holds no
// metadata and declares the dimensions it reports; an input that decodes
// whole still decodes whole, to the same bounds, once cleaned.
func FuzzClean(f *testing.F) {
	f.Add(scrubtest.JPEG(f, 8, 8))
	f.Add(scrubtest.JPEGOriented(f, 8, 8, 6))
	f.Add(scrubtest.PNG(f, 8, 8))
	f.Add(scrubtest.PNGBomb(4, 4))
	f.Add([]byte("\xFF\xD8\xFF\xFE\x00\x02\xFF\xD9"))
	f.Add([]byte("<svg onload=alert(1)>"))
	const maxPixels = 1 << 16
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := scrub.Clean(b, maxPixels)
		if err != nil {
			return
		}
		if left := scrubtest.Leftovers(img.Data); len(left) > 0 && !fromInput(b, left) {
			t.Fatalf("left in the cleaned image: %v", left)
		}
		c, typ, err := image.DecodeConfig(bytes.NewReader(img.Data))
		if err != nil || "image/"+typ != img.Type || c.Width != img.Width || c.Height != img.Height {
			t.Fatalf("cleaned image reads as %s %+v, %v; want %s %d×%d", typ, c, err, img.Type, img.Width, img.Height)
		}
		if whole, _, err := image.Decode(bytes.NewReader(b)); err == nil {
			after, _, err := image.Decode(bytes.NewReader(img.Data))
			if err != nil || after.Bounds() != whole.Bounds() {
				t.Fatalf("the input decodes but the cleaned image does not: %v", err)
			}
		}
	})
}

// fromInput reports whether every leftover is one of scrubtest's secrets
// that the fuzzer put in the picture data itself, where it belongs to the
// picture and not to metadata.
func fromInput(b []byte, left []string) bool {
	for _, l := range left {
		if !bytes.Contains(b, []byte(l)) || !isSecret(l) {
			return false
		}
	}
	return true
}

func isSecret(s string) bool {
	for _, v := range scrubtest.Secrets {
		if v == s {
			return true
		}
	}
	return false
}
