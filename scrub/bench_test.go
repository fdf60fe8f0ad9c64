package scrub_test

import (
	"testing"

	"tropa/scrub"
	"tropa/scrub/scrubtest"
)

// BenchmarkCleanBomb is the cost of refusing a PNG that declares ten
// billion pixels: reading its header, nothing more.
func BenchmarkCleanBomb(b *testing.B) {
	bomb := scrubtest.PNGBomb(100_000, 100_000)
	for b.Loop() {
		if _, err := scrub.Clean(bomb, maxPixels); err != scrub.ErrPixels {
			b.Fatal(err)
		}
	}
}

// BenchmarkCleanJPEG is the cost of cleaning a phone-sized photo: 4000×3000
// with EXIF, copied segment by segment, never decoded.
func BenchmarkCleanJPEG(b *testing.B) {
	photo := scrubtest.JPEG(b, 4000, 3000)
	b.SetBytes(int64(len(photo)))
	for b.Loop() {
		if _, err := scrub.Clean(photo, maxPixels); err != nil {
			b.Fatal(err)
		}
	}
}
