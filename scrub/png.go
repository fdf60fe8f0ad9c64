package scrub

import "encoding/binary"

// pngKept are the chunks a decoder needs to show the picture: header,
// palette, data, end, and the transparency and colour chunks that change
// what the pixels look like. Text (tEXt, zTXt, iTXt), EXIF (eXIf), time
// (tIME), ICC profiles, physical size, animation and anything unknown are
// dropped.
var pngKept = map[string]bool{
	"IHDR": true, "PLTE": true, "IDAT": true, "IEND": true,
	"tRNS": true, "gAMA": true, "cHRM": true, "sRGB": true,
}

// stripPNG copies the chunks in pngKept, as they are with their CRCs, and
// drops the rest and anything after the end.
func stripPNG(b []byte) ([]byte, error) {
	out := make([]byte, 0, len(b))
	out = append(out, pngMagic...)
	for i := len(pngMagic); ; {
		if len(b)-i < 12 {
			return nil, ErrMalformed
		}
		n := binary.BigEndian.Uint32(b[i:])
		if uint64(n) > uint64(len(b)-i-12) {
			return nil, ErrMalformed
		}
		typ := string(b[i+4 : i+8])
		end := i + 12 + int(n)
		if i == len(pngMagic) && typ != "IHDR" {
			return nil, ErrMalformed
		}
		if pngKept[typ] {
			out = append(out, b[i:end]...)
		}
		if typ == "IEND" {
			return out, nil
		}
		i = end
	}
}
