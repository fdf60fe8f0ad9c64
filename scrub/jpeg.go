package scrub

import (
	"bytes"
	"encoding/binary"
)

// JPEG markers kept or rewritten.
const (
	markerSOI  = 0xD8
	markerEOI  = 0xD9
	markerSOS  = 0xDA
	markerAPP0 = 0xE0
	markerAPP1 = 0xE1
	markerAPPE = 0xEE
)

// jfifLen is the length of a JFIF header without its thumbnail; adobeLen
// that of the Adobe segment, which says how the colours are encoded.
const (
	jfifLen  = 14
	adobeLen = 12
)

// stripJPEG copies the segments a decoder needs to show the picture: the
// frame, tables and scans, the JFIF header without its thumbnail and the
// Adobe colour transform, and of EXIF only the orientation, in an APP1
// built anew, so that a photo taken upright shows upright. Everything else
// (the rest of APP1 EXIF and XMP, APP2 ICC profiles, APP13 IPTC, the other
// APPn, comments, data after the end) is dropped. A scan cut short is
// ended, as decoders end it anyway.
func stripJPEG(b []byte) ([]byte, error) {
	out := make([]byte, 0, len(b))
	out = append(out, 0xFF, markerSOI)
	oriented := false
	i := 2
	for {
		if i >= len(b) || b[i] != 0xFF {
			return nil, ErrMalformed
		}
		for i < len(b) && b[i] == 0xFF {
			i++
		}
		if i >= len(b) {
			return nil, ErrMalformed
		}
		m := b[i]
		i++
		switch {
		case m == markerEOI:
			return append(out, 0xFF, markerEOI), nil
		case m == 0x00 || m == markerSOI:
			return nil, ErrMalformed
		case m == 0x01 || m >= 0xD0 && m <= 0xD7:
			// Standalone markers carry nothing.
			out = append(out, 0xFF, m)
			continue
		}
		if i+2 > len(b) {
			return nil, ErrMalformed
		}
		n := int(b[i])<<8 | int(b[i+1])
		if n < 2 || i+n > len(b) {
			return nil, ErrMalformed
		}
		if o := exifOrientation(m, b[i+2:i+n]); o != 0 && !oriented {
			out = appendSegment(out, markerAPP1, orientationEXIF(o))
			oriented = true
		}
		out = keepSegment(out, m, b[i+2:i+n])
		i += n
		if m != markerSOS {
			continue
		}
		start := i
		i = scanEnd(b, i)
		if i >= len(b) {
			// Without a fill byte left dangling before the end.
			out = append(out, bytes.TrimRight(b[start:], "\xff")...)
			return append(out, 0xFF, markerEOI), nil
		}
		out = append(out, b[start:i]...)
	}
}

// keepSegment appends the segment m with payload p to out if a decoder
// needs it, rewritten to hold no more than it needs.
func keepSegment(out []byte, m byte, p []byte) []byte {
	switch {
	case m == markerAPP0 && len(p) >= jfifLen && bytes.HasPrefix(p, []byte("JFIF\x00")):
		// The header, with its thumbnail's width and height set to none.
		p = append(p[:jfifLen-2:jfifLen-2], 0, 0)
	case m == markerAPPE && len(p) >= adobeLen && bytes.HasPrefix(p, []byte("Adobe")):
		p = p[:adobeLen]
	case isFrameOrTable(m):
	default:
		return out
	}
	return appendSegment(out, m, p)
}

func appendSegment(out []byte, m byte, p []byte) []byte {
	n := len(p) + 2
	out = append(out, 0xFF, m, byte(n>>8), byte(n))
	return append(out, p...)
}

// exifOrientation is the Orientation tag of the first IFD of segment m
// with payload p, if m is an APP1 EXIF segment and the tag turns or flips
// the picture (2 to 8); otherwise 0.
func exifOrientation(m byte, p []byte) uint16 {
	tiff, ok := bytes.CutPrefix(p, []byte("Exif\x00\x00"))
	if m != markerAPP1 || !ok || len(tiff) < 8 {
		return 0
	}
	var order binary.ByteOrder
	switch string(tiff[:4]) {
	case "II*\x00":
		order = binary.LittleEndian
	case "MM\x00*":
		order = binary.BigEndian
	default:
		return 0
	}
	ifd := int64(order.Uint32(tiff[4:]))
	if ifd+2 > int64(len(tiff)) {
		return 0
	}
	entries := tiff[ifd+2:]
	for range order.Uint16(tiff[ifd:]) {
		if len(entries) < 12 {
			return 0
		}
		const tagOrientation, typeShort = 0x0112, 3
		if order.Uint16(entries) == tagOrientation {
			if o := order.Uint16(entries[8:]); order.Uint16(entries[2:]) == typeShort && order.Uint32(entries[4:]) == 1 && o >= 2 && o <= 8 {
				return o
			}
			return 0
		}
		entries = entries[12:]
	}
	return 0
}

// orientationEXIF is the payload of an APP1 segment that holds nothing but
// the Orientation tag o: a big-endian TIFF header and one IFD of one entry.
func orientationEXIF(o uint16) []byte {
	return []byte{'E', 'x', 'i', 'f', 0, 0,
		'M', 'M', 0, 42, 0, 0, 0, 8,
		0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, byte(o >> 8), byte(o), 0, 0,
		0, 0, 0, 0}
}

// isFrameOrTable reports whether m is a marker of the picture itself: a
// start of frame (SOF0–SOF15 but for DHT, JPG and DAC, which share the
// range), quantization, Huffman and arithmetic tables, restart interval,
// start of scan, number of lines.
func isFrameOrTable(m byte) bool {
	switch m {
	case 0xC4, 0xCC, 0xDB, 0xDD, markerSOS, 0xDC:
		return true
	case 0xC8:
		return false
	}
	return m >= 0xC0 && m <= 0xCF
}

// scanEnd returns where the entropy-coded data that starts at i ends: at
// the next marker that is not a stuffed byte or a restart.
func scanEnd(b []byte, i int) int {
	for i+1 < len(b) {
		if b[i] == 0xFF {
			next := b[i+1]
			if next == 0x00 || next >= 0xD0 && next <= 0xD7 {
				i += 2
				continue
			}
			return i
		}
		i++
	}
	return len(b)
}
