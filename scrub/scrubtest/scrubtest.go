// Package scrubtest builds photos carrying the metadata a phone or an editor
// leaves in them (EXIF with a GPS position, XMP, IPTC, comments, text
// chunks, thumbnails, trailing data), for tests that check it is gone.
package scrubtest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// Secrets are strings hidden in the metadata of the photos built here; none
// may be left in a scrubbed one. "Exif" is the APP1 and eXIf signature.
var Secrets = []string{"Exif", "TROPA-CAMERA", "TROPA-GPS-DATUM", "TROPA-XMP", "TROPA-IPTC", "TROPA-COMMENT",
	"TROPA-TRAILER", "TROPA-THUMB", "TROPA-PNG-TEXT", "TROPA-PNG-ZTXT", "TROPA-PNG-EXIF"}

// picture is a w×h image with something to see in it.
func picture(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	return img
}

// JPEG returns a w×h JPEG as a phone leaves it: a JFIF header with a
// thumbnail, EXIF naming the camera and giving a GPS position, XMP, IPTC,
// a comment, and data after its end.
func JPEG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	return JPEGOriented(tb, w, h, 0)
}

// JPEGOriented is JPEG with an EXIF Orientation tag of o among the camera
// and the GPS position, as a phone held sideways writes it; none for 0.
func JPEGOriented(tb testing.TB, w, h int, o uint16) []byte {
	tb.Helper()
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, picture(w, h), &jpeg.Options{Quality: 80}); err != nil {
		tb.Fatalf("jpeg.Encode: %v", err)
	}
	jfif := append([]byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x02\x02"), "TROPA-THUMB!"...)
	var b bytes.Buffer
	b.Write(enc.Bytes()[:2])
	segment(&b, 0xE0, jfif)
	segment(&b, 0xE1, append([]byte("Exif\x00\x00"), exifWithGPS(o)...))
	segment(&b, 0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>TROPA-XMP</x:xmpmeta>"))
	segment(&b, 0xED, []byte("Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0aTROPA-IPTC"))
	segment(&b, 0xFE, []byte("TROPA-COMMENT"))
	b.Write(enc.Bytes()[2:])
	b.WriteString("TROPA-TRAILER")
	return b.Bytes()
}

func segment(b *bytes.Buffer, marker byte, payload []byte) {
	b.Write([]byte{0xFF, marker})
	binary.Write(b, binary.BigEndian, uint16(len(payload)+2))
	b.Write(payload)
}

// exifWithGPS is a little-endian TIFF structure: IFD0 names the camera,
// gives orientation o unless it is 0, and points to a GPS IFD with a
// latitude and a map datum.
func exifWithGPS(o uint16) []byte {
	entries := 2
	if o != 0 {
		entries++
	}
	ifd0, ifd0Len := uint32(8), uint32(2+entries*12+4)
	makeAt, makeLen := ifd0+ifd0Len, uint32(13)
	gpsAt, gpsLen := makeAt+makeLen, uint32(2+3*12+4)
	latAt := gpsAt + gpsLen
	datumAt := latAt + 24
	le := binary.LittleEndian
	b := []byte("II*\x00")
	b = le.AppendUint32(b, ifd0)
	entry := func(tag, typ uint16, count, value uint32) {
		b = le.AppendUint16(b, tag)
		b = le.AppendUint16(b, typ)
		b = le.AppendUint32(b, count)
		b = le.AppendUint32(b, value)
	}
	const ascii, long, rational = 2, 4, 5
	const short = 3
	b = le.AppendUint16(b, uint16(entries))
	entry(0x010F, ascii, makeLen, makeAt)
	if o != 0 {
		entry(0x0112, short, 1, uint32(o))
	}
	entry(0x8825, long, 1, gpsAt)
	b = le.AppendUint32(b, 0)
	b = append(b, "TROPA-CAMERA\x00"...)
	b = le.AppendUint16(b, 3)
	entry(0x0001, ascii, 2, uint32('N'))
	entry(0x0002, rational, 3, latAt)
	entry(0x0012, ascii, 16, datumAt)
	b = le.AppendUint32(b, 0)
	for _, v := range []uint32{48, 1, 51, 1, 1234, 100} {
		b = le.AppendUint32(b, v)
	}
	return append(b, "TROPA-GPS-DATUM\x00"...)
}

// PNG returns a w×h PNG with text, compressed text, EXIF and time chunks,
// and data after its end.
func PNG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	var enc bytes.Buffer
	if err := png.Encode(&enc, picture(w, h)); err != nil {
		tb.Fatalf("png.Encode: %v", err)
	}
	const ihdrEnd = 8 + 12 + 13
	var b bytes.Buffer
	b.Write(enc.Bytes()[:ihdrEnd])
	Chunk(&b, "tEXt", []byte("Comment\x00TROPA-PNG-TEXT"))
	Chunk(&b, "zTXt", []byte("Author\x00\x00TROPA-PNG-ZTXT"))
	Chunk(&b, "eXIf", append([]byte("Exif\x00\x00"), "TROPA-PNG-EXIF"...))
	Chunk(&b, "tIME", []byte{0x07, 0xEA, 12, 1, 10, 30, 0})
	b.Write(enc.Bytes()[ihdrEnd:])
	b.WriteString("TROPA-TRAILER")
	return b.Bytes()
}

// Chunk writes a PNG chunk with its CRC.
func Chunk(b *bytes.Buffer, typ string, data []byte) {
	binary.Write(b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	binary.Write(b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// PNGBomb is a small PNG that declares w×h pixels, each of them zero: what
// it would take to open is out of all proportion to its size.
func PNGBomb(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	Chunk(&b, "IHDR", append(ihdr, 8, 0, 0, 0, 0))
	Chunk(&b, "IDAT", []byte{0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01})
	Chunk(&b, "IEND", nil)
	return b.Bytes()
}

// Leftovers lists what in a JPEG or PNG is not needed to show it: each
// secret of Secrets found in it, and each segment or chunk but those a
// scrubbed image may keep.
func Leftovers(b []byte) []string {
	var found []string
	rest := b
	for o := uint16(2); o <= 8; o++ {
		rest = bytes.ReplaceAll(rest, OrientationSegment(o), nil)
	}
	for _, s := range Secrets {
		if bytes.Contains(rest, []byte(s)) {
			found = append(found, s)
		}
	}
	return append(found, parts(b)...)
}

// OrientationSegment is the one APP1 segment a scrubbed JPEG may hold: EXIF
// with nothing but Orientation o, big-endian, written out byte by byte
// here apart from the scrubber.
func OrientationSegment(o uint16) []byte {
	return []byte{0xFF, 0xE1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0x00, 0x00,
		'M', 'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, 0x00, 0x01,
		0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, byte(o >> 8), byte(o), 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00}
}
