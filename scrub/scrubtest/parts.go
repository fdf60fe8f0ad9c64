package scrubtest

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// parts lists the JPEG segments or PNG chunks of b that a scrubbed image
// may not hold, and anything after its end. It reads b on its own, apart
// from the scrubber, so that the two do not share a mistake.
func parts(b []byte) []string {
	if bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		return pngParts(b)
	}
	return jpegParts(b)
}

func jpegParts(b []byte) []string {
	var found []string
	i := 2
	for i+2 <= len(b) {
		if b[i] != 0xFF {
			return append(found, fmt.Sprintf("garbage at %d", i))
		}
		m := b[i+1]
		if m == 0xD9 {
			if i+2 != len(b) {
				found = append(found, "data after the end")
			}
			return found
		}
		if m == 0x01 || m >= 0xD0 && m <= 0xD7 {
			i += 2
			continue
		}
		if i+4 > len(b) {
			break
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		p := b[min(i+4, len(b)):min(i+2+n, len(b))]
		switch {
		case m == 0xE0 && bytes.HasPrefix(p, []byte("JFIF\x00")):
			if len(p) != 14 || p[12] != 0 || p[13] != 0 {
				found = append(found, "JFIF thumbnail")
			}
		case m == 0xEE && bytes.HasPrefix(p, []byte("Adobe")):
		case m == 0xE1 && isOrientation(b[i:min(i+2+n, len(b))]):
		case m >= 0xC0 && m <= 0xDF && m != 0xC8 && m != 0xDE && m != 0xDF:
		default:
			found = append(found, fmt.Sprintf("JPEG segment %#x", m))
		}
		i += 2 + n
		if m == 0xDA {
			for i+1 < len(b) && (b[i] != 0xFF || b[i+1] == 0 || b[i+1] >= 0xD0 && b[i+1] <= 0xD7) {
				i++
			}
		}
	}
	return append(found, "no end")
}

func pngParts(b []byte) []string {
	var found []string
	kept := map[string]bool{"IHDR": true, "PLTE": true, "IDAT": true, "tRNS": true, "gAMA": true, "cHRM": true, "sRGB": true}
	for i := 8; i+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		i += 12 + n
		if typ == "IEND" {
			if i != len(b) {
				found = append(found, "data after the end")
			}
			return found
		}
		if !kept[typ] {
			found = append(found, "PNG chunk "+typ)
		}
	}
	return append(found, "no end")
}

// isOrientation reports whether seg is OrientationSegment of a value that
// turns or flips the picture.
func isOrientation(seg []byte) bool {
	for o := uint16(2); o <= 8; o++ {
		if bytes.Equal(seg, OrientationSegment(o)) {
			return true
		}
	}
	return false
}
