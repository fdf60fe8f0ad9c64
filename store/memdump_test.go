package store_test

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// memDump keeps a dump in memory.
type memDump struct {
	version int64
	tables  []*memTable
	// onRow, when set, runs before each row is kept.
	onRow func(table string)
}

type memTable struct {
	name    string
	columns []string
	rows    [][]any
}

func (d *memDump) Schema(v int64) error { d.version = v; return nil }

func (d *memDump) Table(name string, columns []string) error {
	d.tables = append(d.tables, &memTable{name: name, columns: slices.Clone(columns)})
	return nil
}

func (d *memDump) Row(values []any) error {
	t := d.tables[len(d.tables)-1]
	if d.onRow != nil {
		d.onRow(t.name)
	}
	t.rows = append(t.rows, slices.Clone(values))
	return nil
}

func (d *memDump) table(name string) *memTable {
	for _, t := range d.tables {
		if t.name == name {
			return t
		}
	}
	return nil
}

// reader reads the dump back as a store.DumpReader.
func (d *memDump) reader() *memReader { return &memReader{d: d} }

type memReader struct {
	d    *memDump
	next int
	row  int
}

func (r *memReader) Schema() int64 { return r.d.version }

func (r *memReader) NextTable() (string, []string, error) {
	if r.next == len(r.d.tables) {
		return "", nil, io.EOF
	}
	t := r.d.tables[r.next]
	r.next, r.row = r.next+1, 0
	return t.name, t.columns, nil
}

func (r *memReader) NextRow() ([]any, error) {
	t := r.d.tables[r.next-1]
	if r.row == len(t.rows) {
		return nil, io.EOF
	}
	r.row++
	return t.rows[r.row-1], nil
}

// canonical is a dump as comparable text: each table's rows, columns by
// name, rows sorted, so that dumps of two databases compare however each
// orders columns and rows.
func (d *memDump) canonical() map[string][]string {
	out := map[string][]string{}
	for _, t := range d.tables {
		order := slices.Clone(t.columns)
		slices.Sort(order)
		rows := []string{strings.Join(order, ",")}
		for _, row := range t.rows {
			var b strings.Builder
			for _, c := range order {
				fmt.Fprintf(&b, "%#v;", row[slices.Index(t.columns, c)])
			}
			rows = append(rows, b.String())
		}
		slices.Sort(rows[1:])
		out[t.name] = rows
	}
	return out
}

// isTable selects a table by name, for slices.DeleteFunc.
func isTable(name string) func(*memTable) bool {
	return func(t *memTable) bool { return t.name == name }
}

// deepCopy copies a dump, so that a test can change the copy.
func deepCopy(d *memDump) *memDump {
	c := &memDump{version: d.version}
	for _, t := range d.tables {
		ct := &memTable{name: t.name, columns: slices.Clone(t.columns)}
		for _, row := range t.rows {
			ct.rows = append(ct.rows, slices.Clone(row))
		}
		c.tables = append(c.tables, ct)
	}
	return c
}
