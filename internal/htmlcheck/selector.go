package htmlcheck

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// selectorList is a parsed comma-separated list; an element matches if any
// member matches.
type selectorList []complexSelector

// complexSelector holds compounds left to right; the first combinator is unused.
type complexSelector []step

type step struct {
	combinator byte // ' ' (descendant) or '>' (child), relating this step to the previous one
	compound
}

type compound struct {
	tag   string // "" for * or when only other parts are given
	attrs []attrSelector
}

type attrOp int

const (
	opExists   attrOp = iota
	opEquals          // [a=v] and #id
	opPrefix          // [a^=v]
	opContains        // [a*=v]
	opIncludes        // .class: v is one of the whitespace-separated words
)

type attrSelector struct {
	name string
	op   attrOp
	val  string
}

func (l selectorList) match(n *html.Node) bool {
	return slices.ContainsFunc(l, func(c complexSelector) bool { return c.match(n, len(c)-1) })
}

// match reports whether n matches c[:i+1] with n as the subject of c[i].
// Descendant steps backtrack over every matching ancestor, because taking
// only the nearest one can miss matches when a child combinator comes next.
func (c complexSelector) match(n *html.Node, i int) bool {
	if !c[i].compound.match(n) {
		return false
	}
	if i == 0 {
		return true
	}
	if c[i].combinator == '>' {
		return n.Parent != nil && c.match(n.Parent, i-1)
	}
	for p := range n.Ancestors() {
		if c.match(p, i-1) {
			return true
		}
	}
	return false
}

func (c compound) match(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	// The parser lowercases HTML tag names but keeps SVG's camelCase ones
	// (foreignObject), so compare case-insensitively rather than lowercasing.
	if c.tag != "" && !strings.EqualFold(c.tag, n.Data) {
		return false
	}
	for _, a := range c.attrs {
		if !a.match(n) {
			return false
		}
	}
	return true
}

func (a attrSelector) match(n *html.Node) bool {
	v, ok := Attr(n, a.name)
	if !ok {
		return false
	}
	switch a.op {
	case opEquals:
		return v == a.val
	case opPrefix:
		// CSS says an empty operand for ^= and *= matches nothing.
		return a.val != "" && strings.HasPrefix(v, a.val)
	case opContains:
		return a.val != "" && strings.Contains(v, a.val)
	case opIncludes:
		return slices.Contains(strings.FieldsFunc(v, isSpace), a.val)
	default: // opExists
		return true
	}
}

// parser is a hand-written recursive-descent parser for the supported subset
// of Selectors Level 4. Names are deliberately lenient (any run of letters,
// digits, '-', '_' or non-ASCII bytes) so that test authors can write
// [tabindex=0] without quoting; everything outside the subset is an error
// rather than being silently misread.
type parser struct {
	s   string
	pos int
}

func parseSelector(s string) (selectorList, error) {
	p := &parser{s: s}
	var list selectorList
	for {
		p.skipSpace()
		c, err := p.complex()
		if err != nil {
			return nil, err
		}
		list = append(list, c)
		if p.eof() {
			return list, nil
		}
		p.pos++ // complex stops only at the end or at a comma
	}
}

func (p *parser) complex() (complexSelector, error) {
	first, err := p.compound()
	if err != nil {
		return nil, err
	}
	c := complexSelector{{compound: first}}
	for {
		sawSpace := p.skipSpace()
		if p.eof() || p.peek() == ',' {
			return c, nil
		}
		comb := byte(' ')
		switch ch := p.peek(); {
		case ch == '>':
			comb = '>'
			p.pos++
			p.skipSpace()
		case ch == '+' || ch == '~':
			return nil, p.errorf("combinator %q is not supported", ch)
		case !sawSpace:
			return nil, p.unexpected()
		}
		next, err := p.compound()
		if err != nil {
			return nil, err
		}
		c = append(c, step{comb, next})
	}
}

func (p *parser) compound() (compound, error) {
	var c compound
	start := p.pos
	if !p.eof() && p.peek() == '*' {
		p.pos++
	} else {
		c.tag = p.name()
	}
	for !p.eof() && strings.IndexByte("#.[:", p.peek()) >= 0 {
		switch p.peek() {
		case '#', '.':
			sel := attrSelector{name: "id", op: opEquals}
			if p.peek() == '.' {
				sel = attrSelector{name: "class", op: opIncludes}
			}
			p.pos++
			if sel.val = p.name(); sel.val == "" {
				return c, p.unexpected()
			}
			c.attrs = append(c.attrs, sel)
		case '[':
			a, err := p.attr()
			if err != nil {
				return c, err
			}
			c.attrs = append(c.attrs, a)
		case ':':
			return c, p.errorf("pseudo-classes and pseudo-elements are not supported")
		}
	}
	if p.pos == start {
		return c, p.unexpected()
	}
	return c, nil
}

func (p *parser) attr() (attrSelector, error) {
	p.pos++ // '['
	p.skipSpace()
	a := attrSelector{name: p.name()}
	if a.name == "" {
		return a, p.unexpected()
	}
	p.skipSpace()
	switch {
	case strings.HasPrefix(p.s[p.pos:], "]"):
		p.pos++
		return a, nil
	case strings.HasPrefix(p.s[p.pos:], "="):
		a.op = opEquals
		p.pos++
	case strings.HasPrefix(p.s[p.pos:], "^="):
		a.op = opPrefix
		p.pos += 2
	case strings.HasPrefix(p.s[p.pos:], "*="):
		a.op = opContains
		p.pos += 2
	case len(p.s)-p.pos >= 2 && p.s[p.pos+1] == '=' && strings.IndexByte("~|$", p.peek()) >= 0:
		return a, p.errorf("attribute operator %q is not supported", p.s[p.pos:p.pos+2])
	default:
		return a, p.unexpected()
	}
	p.skipSpace()
	if !p.eof() && (p.peek() == '"' || p.peek() == '\'') {
		q := p.peek()
		end := strings.IndexByte(p.s[p.pos+1:], q)
		if end < 0 {
			return a, p.errorf("unterminated string")
		}
		a.val = p.s[p.pos+1 : p.pos+1+end]
		if strings.ContainsAny(a.val, "\\\n") {
			return a, p.errorf("escapes and newlines in strings are not supported")
		}
		p.pos += end + 2
	} else if a.val = p.name(); a.val == "" {
		return a, p.unexpected()
	}
	p.skipSpace()
	if p.eof() || p.peek() != ']' {
		return a, p.unexpected() // also catches flags such as [a=b i]
	}
	p.pos++
	return a, nil
}

func (p *parser) name() string {
	start := p.pos
	for !p.eof() && isNameByte(p.peek()) {
		p.pos++
	}
	return p.s[start:p.pos]
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c >= 0x80
}

// isSpace is the CSS and HTML definition of whitespace, which unlike
// unicode.IsSpace excludes U+00A0, so &nbsp; survives in Text.
func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
}

func (p *parser) skipSpace() bool {
	start := p.pos
	for !p.eof() && isSpace(rune(p.peek())) {
		p.pos++
	}
	return p.pos > start
}

func (p *parser) eof() bool  { return p.pos >= len(p.s) }
func (p *parser) peek() byte { return p.s[p.pos] }

func (p *parser) unexpected() error {
	if p.eof() {
		return p.errorf("unexpected end of selector")
	}
	if p.peek() == '\\' {
		return p.errorf("escapes are not supported")
	}
	return p.errorf("unexpected %q", p.peek())
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("htmlcheck: selector %q: offset %d: %s", p.s, p.pos, fmt.Sprintf(format, args...))
}
