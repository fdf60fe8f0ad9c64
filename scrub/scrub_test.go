package scrub_test

import (
	"bytes"
	"errors"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"reflect"
	"testing"

	"tropa/scrub"
	"tropa/scrub/scrubtest"
)

const maxPixels = 50_000_000

func decode(tb testing.TB, b []byte) image.Image {
	tb.Helper()
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("image.Decode: %v", err)
	}
	return img
}

// TestCleanDropsMetadata cleans photos carrying every kind of metadata: none
// is left, and the picture is the same, pixel for pixel.
func TestCleanDropsMetadata(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		in   []byte
		typ  string
		w, h int
	}{
		"jpeg with GPS EXIF": {scrubtest.JPEG(t, 64, 48), scrub.TypeJPEG, 64, 48},
		"png with text":      {scrubtest.PNG(t, 30, 20), scrub.TypePNG, 30, 20},
	} {
		t.Run(name, func(t *testing.T) {
			if left := scrubtest.Leftovers(tc.in); len(left) == 0 {
				t.Fatal("the test photo carries no metadata: the test proves nothing")
			}
			img, err := scrub.Clean(tc.in, maxPixels)
			if err != nil {
				t.Fatalf("Clean: %v", err)
			}
			if img.Type != tc.typ || img.Width != tc.w || img.Height != tc.h {
				t.Errorf("Clean = %s %d×%d, want %s %d×%d", img.Type, img.Width, img.Height, tc.typ, tc.w, tc.h)
			}
			if left := scrubtest.Leftovers(img.Data); len(left) > 0 {
				t.Errorf("left in the cleaned image: %v", left)
			}
			if before, after := decode(t, tc.in), decode(t, img.Data); !reflect.DeepEqual(before, after) {
				t.Errorf("the cleaned image shows other pixels than the original")
			}
		})
	}
}

// TestCleanRefuses refuses what is not a photo, or one too large to open.
func TestCleanRefuses(t *testing.T) {
	t.Parallel()
	photo := scrubtest.JPEG(t, 16, 16)
	for name, tc := range map[string]struct {
		in   []byte
		want error
	}{
		"html":              {[]byte("<!doctype html><script>alert(1)</script>"), scrub.ErrType},
		"empty":             {nil, scrub.ErrType},
		"gif":               {[]byte("GIF89a\x01\x00\x01\x00"), scrub.ErrType},
		"jpeg magic, html":  {[]byte("\xFF\xD8\xFF<html><script>alert(1)</script>"), scrub.ErrMalformed},
		"jpeg cut at frame": {photo[:300], scrub.ErrMalformed},
		"png bomb":          {scrubtest.PNGBomb(100_000, 100_000), scrub.ErrPixels},
		"png just too big":  {scrubtest.PNGBomb(10_000, 5_001), scrub.ErrPixels},
		"png no pixels":     {scrubtest.PNGBomb(0, 10), scrub.ErrMalformed},
		"png without end":   {scrubtest.PNGBomb(10, 10)[:60], scrub.ErrMalformed},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := scrub.Clean(tc.in, maxPixels); !errors.Is(err, tc.want) {
				t.Errorf("Clean error = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestCleanAtPixelLimit takes an image of exactly the pixels allowed.
func TestCleanAtPixelLimit(t *testing.T) {
	t.Parallel()
	img, err := scrub.Clean(scrubtest.PNGBomb(10_000, 5_000), maxPixels)
	if err != nil || img.Width != 10_000 || img.Height != 5_000 {
		t.Errorf("Clean = %+v, %v; want the image", img, err)
	}
}

// withSegment is jpg with a segment inserted right after its start.
func withSegment(jpg []byte, marker byte, payload []byte) []byte {
	n := len(payload) + 2
	out := append([]byte{0xFF, 0xD8, 0xFF, marker, byte(n >> 8), byte(n)}, payload...)
	return append(out, jpg[2:]...)
}

// TestCleanKeepsOrientation keeps a photo taken sideways upright: of its
// EXIF only the orientation is left, alone in a segment of its own, and the
// camera, the GPS position and everything else are gone.
func TestCleanKeepsOrientation(t *testing.T) {
	t.Parallel()
	bigEndian := func(o byte) []byte {
		return []byte("Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x02" +
			"\x01\x0F\x00\x02\x00\x00\x00\x04TRO\x00" +
			"\x01\x12\x00\x03\x00\x00\x00\x01\x00" + string(o) + "\x00\x00\x00\x00\x00\x00")
	}
	plain := scrubtest.JPEG(t, 32, 24)
	for name, tc := range map[string]struct {
		in   []byte
		want uint16 // 0 for no orientation kept
	}{
		"phone, little-endian, turned right": {scrubtest.JPEGOriented(t, 32, 24, 6), 6},
		"phone, little-endian, upside down":  {scrubtest.JPEGOriented(t, 32, 24, 3), 3},
		"phone, upright":                     {scrubtest.JPEGOriented(t, 32, 24, 1), 0},
		"big-endian, turned left":            {withSegment(plain, 0xE1, bigEndian(8)), 8},
		"out of range":                       {withSegment(plain, 0xE1, bigEndian(9)), 0},
		"IFD past the end":                   {withSegment(plain, 0xE1, []byte("Exif\x00\x00MM\x00*\xFF\xFF\xFF\xF0")), 0},
		"XMP, not EXIF":                      {withSegment(plain, 0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00\x01\x12\x00\x03")), 0},
	} {
		t.Run(name, func(t *testing.T) {
			img, err := scrub.Clean(tc.in, maxPixels)
			if err != nil {
				t.Fatalf("Clean: %v", err)
			}
			if left := scrubtest.Leftovers(img.Data); len(left) > 0 {
				t.Errorf("left in the cleaned image: %v", left)
			}
			kept := bytes.Count(img.Data, []byte("\xFF\xE1"))
			switch {
			case tc.want == 0 && kept != 0:
				t.Errorf("cleaned image holds %d APP1 segments, want none", kept)
			case tc.want != 0 && (kept != 1 || !bytes.Contains(img.Data, scrubtest.OrientationSegment(tc.want))):
				t.Errorf("cleaned image holds %d APP1 segments, want one with orientation %d alone", kept, tc.want)
			}
			if before, after := decode(t, tc.in), decode(t, img.Data); !reflect.DeepEqual(before, after) {
				t.Errorf("the cleaned image shows other pixels than the original")
			}
		})
	}
}
