package botapi

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxText is the most characters of one message. Telegram counts them in
// UTF-16 code units, so an emoji outside the Basic Multilingual Plane
// counts two: Split counts the same way.
const MaxText = 4096

// Split cuts text into messages of at most limit UTF-16 code units, in
// order, never inside a UTF-8 sequence. It cuts at the last paragraph
// break of a part, else at its last line break, else at its last space,
// as long as that keeps at least half of the part; else between two
// characters. White space around a cut and around the text is dropped, as
// Telegram drops it, and parts that would hold only white space are left
// out (Telegram refuses them): text with nothing to say gives no part.
func Split(text string, limit int) []string {
	var parts []string
	text = strings.TrimSpace(text)
	for text != "" {
		part, rest := text, ""
		if cut := prefixUnits(text, limit); cut < len(text) {
			part, rest = breakAt(text, cut)
		}
		if strings.TrimSpace(part) != "" {
			parts = append(parts, part)
		}
		text = rest
	}
	return parts
}

// prefixUnits is the byte length of the longest prefix of s that fits in
// limit UTF-16 code units (at least one rune, so Split always moves on).
func prefixUnits(s string, limit int) int {
	units, i := 0, 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		n := 1
		if r >= 0x10000 {
			n = 2
		}
		if units+n > limit && i > 0 {
			break
		}
		units += n
		i += size
	}
	return i
}

// breakAt splits s around the best break in s[:cut].
func breakAt(s string, cut int) (string, string) {
	head := s[:cut]
	for _, sep := range []string{"\n\n", "\n", " "} {
		if i := strings.LastIndex(head, sep); i >= cut/2 && i > 0 {
			cut = i
			break
		}
	}
	return strings.TrimRightFunc(s[:cut], unicode.IsSpace), strings.TrimLeftFunc(s[cut:], unicode.IsSpace)
}
