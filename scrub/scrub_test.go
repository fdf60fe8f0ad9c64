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
