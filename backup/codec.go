package backup

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
)

// A value is a type byte and, for numbers, a varint; for text and bytes, a
// length and the bytes.
const (
	typeNull  = 0
	typeInt   = 1
	typeText  = 2
	typeBytes = 3
	typeFalse = 4
	typeTrue  = 5
)

// Limits on what a reader accepts, so that a damaged length cannot make it
// allocate without end. The largest value is well above any sealed field.
const (
	maxName    = 256
	maxValue   = 256 << 20
	maxColumns = 1000
	maxTables  = 1000
)

func appendUint(b []byte, n uint64) []byte { return binary.AppendUvarint(b, n) }

func appendInt(b []byte, n int64) []byte { return binary.AppendVarint(b, n) }

func appendString(b []byte, s string) []byte { return append(appendUint(b, uint64(len(s))), s...) }

func appendValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, typeNull), nil
	case int64:
		return appendInt(append(b, typeInt), v), nil
	case string:
		return appendString(append(b, typeText), v), nil
	case []byte:
		return append(appendUint(append(b, typeBytes), uint64(len(v))), v...), nil
	case bool:
		if v {
			return append(b, typeTrue), nil
		}
		return append(b, typeFalse), nil
	}
	return nil, fmt.Errorf("backup: cannot write a value of type %T", v)
}

// decoder reads the payload and hashes every byte it consumes, so that the
// manifest's hash can be checked against what was read.
type decoder struct {
	r   *bufio.Reader
	sum hash.Hash
}

// peek returns the next record's tag without consuming it; io.EOF at the
// very end.
func (d *decoder) peek() (byte, error) {
	b, err := d.r.Peek(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

// ReadByte makes d an io.ByteReader for the varint functions.
func (d *decoder) ReadByte() (byte, error) {
	b, err := d.r.ReadByte()
	if err != nil {
		return 0, unexpected(err)
	}
	d.sum.Write([]byte{b})
	return b, nil
}

func (d *decoder) uint(limit uint64) (uint64, error) {
	n, err := binary.ReadUvarint(d)
	if err != nil {
		return 0, damaged(err)
	}
	if n > limit {
		return 0, damaged(fmt.Errorf("a length of %d", n))
	}
	return n, nil
}

func (d *decoder) int() (int64, error) {
	n, err := binary.ReadVarint(d)
	return n, damaged(err)
}

// raw reads n bytes without hashing them. Memory grows with what arrives,
// not with what a length claims: a damaged or crafted length of 256 MiB in
// a short file costs no more than the file.
func (d *decoder) raw(n int) ([]byte, error) {
	if n <= rawChunk {
		b := make([]byte, n)
		if _, err := io.ReadFull(d.r, b); err != nil {
			return nil, damaged(unexpected(err))
		}
		return b, nil
	}
	var buf bytes.Buffer
	buf.Grow(rawChunk)
	if _, err := io.CopyN(&buf, d.r, int64(n)); err != nil {
		return nil, damaged(unexpected(err))
	}
	return buf.Bytes(), nil
}

// rawChunk is the most raw allocates before the bytes are there.
const rawChunk = 64 << 10

func (d *decoder) bytes(limit uint64) ([]byte, error) {
	n, err := d.uint(limit)
	if err != nil {
		return nil, err
	}
	b, err := d.raw(int(n))
	if err != nil {
		return nil, err
	}
	d.sum.Write(b)
	return b, nil
}

func (d *decoder) string(limit uint64) (string, error) {
	b, err := d.bytes(limit)
	return string(b), err
}

func (d *decoder) value() (any, error) {
	t, err := d.ReadByte()
	if err != nil {
		return nil, damaged(err)
	}
	switch t {
	case typeNull:
		return nil, nil
	case typeInt:
		return d.int()
	case typeText:
		return d.string(maxValue)
	case typeBytes:
		return d.bytes(maxValue)
	case typeFalse:
		return false, nil
	case typeTrue:
		return true, nil
	}
	return nil, damaged(fmt.Errorf("a value of unknown type %d", t))
}

// unexpected turns an end of file inside a record into a truncation.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
