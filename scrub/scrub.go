// Package scrub makes an uploaded photo safe to keep: it recognises JPEG and
// PNG by their content, refuses images whose declared size would take too
// much memory to open, and drops every part of the file that is not needed
// to show the picture (EXIF with its GPS position, XMP, IPTC, comments,
// text chunks, thumbnails, trailing data); of a JPEG's EXIF it keeps only
// the orientation, rewritten alone. It copies the image data as it
// is, never decoding and re-encoding it, so that a photo of a document
// keeps every detail and a bomb costs nothing to refuse.
package scrub

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
)

// The types an image may have, as a Content-Type.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
)

var (
	// ErrType is a file that is neither a JPEG nor a PNG image.
	ErrType = errors.New("scrub: not a JPEG or PNG image")
	// ErrMalformed is a file that starts like an image but is not one.
	ErrMalformed = errors.New("scrub: malformed image")
	// ErrPixels is an image larger, in pixels, than allowed.
	ErrPixels = errors.New("scrub: image has too many pixels")
)

// Image is a scrubbed image.
type Image struct {
	Type          string
	Width, Height int
	Data          []byte
}

var (
	jpegMagic = []byte{0xFF, 0xD8, 0xFF}
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
)

// Sniff returns the type of an image from its first bytes, or "".
func Sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, jpegMagic):
		return TypeJPEG
	case bytes.HasPrefix(b, pngMagic):
		return TypePNG
	}
	return ""
}

// Clean checks b and returns it without metadata. Its dimensions are read
// from the header before anything else, and an image of more than
// maxPixels pixels is refused with ErrPixels. The result declares the same
// dimensions as b.
func Clean(b []byte, maxPixels int) (*Image, error) {
	typ := Sniff(b)
	var strip func([]byte) ([]byte, error)
	var config func([]byte) (image.Config, error)
	switch typ {
	case TypeJPEG:
		strip, config = stripJPEG, func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) }
	case TypePNG:
		strip, config = stripPNG, func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) }
	default:
		return nil, ErrType
	}
	c, err := config(b)
	if err != nil || c.Width <= 0 || c.Height <= 0 {
		return nil, ErrMalformed
	}
	if int64(c.Width)*int64(c.Height) > int64(maxPixels) {
		return nil, ErrPixels
	}
	out, err := strip(b)
	if err != nil {
		return nil, err
	}
	// What was kept must still say what it is: a file whose header only
	// parsed thanks to a dropped part is refused rather than stored broken.
	if after, err := config(out); err != nil || after.Width != c.Width || after.Height != c.Height {
		return nil, ErrMalformed
	}
	return &Image{Type: typ, Width: c.Width, Height: c.Height, Data: out}, nil
}
