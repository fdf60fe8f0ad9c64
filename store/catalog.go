package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// The catalog is what Dump and Load learn of a database's tables from the
// database itself, so that a table added by a later migration is copied
// without anyone remembering to list it here.

// table is one table a dump carries.
type table struct {
	name    string
	columns []string
	kinds   []kind
	// refs are the tables its foreign keys refer to.
	refs []string
}

// kind is the type of a column as a dump carries it. The migrations spell
// types that both databases read alike (see 00001_init.sql).
type kind int

const (
	kindInt kind = iota
	kindText
	kindBytes
	kindBool
)

var kinds = map[string]kind{
	"integer": kindInt, "bigint": kindInt, "text": kindText, "bytea": kindBytes, "boolean": kindBool,
}

// normalize turns a value as the driver scanned it into the one Go type
// the kind has. SQLite keeps booleans as 0 and 1, and may hold text where
// bytes are declared (the audit head's first hash is an empty text).
func (k kind) normalize(v any) (any, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case int64:
		switch k {
		case kindInt:
			return v, nil
		case kindBool:
			if v == 0 || v == 1 {
				return v == 1, nil
			}
		}
	case string:
		switch k {
		case kindText:
			return v, nil
		case kindBytes:
			return []byte(v), nil
		}
	case []byte:
		// SQLite's driver reads an empty blob as a nil slice, which it
		// would write back as NULL.
		if k == kindBytes && v == nil {
			return []byte{}, nil
		} else if k == kindBytes {
			return v, nil
		}
	case bool:
		if k == kindBool {
			return v, nil
		}
	}
	return nil, fmt.Errorf("a %T value %v where the schema has a %s", v, v, k)
}

// holds reports whether v is a value of kind k as normalize returns it.
func (k kind) holds(v any) bool {
	switch v.(type) {
	case nil:
		return true
	case int64:
		return k == kindInt
	case string:
		return k == kindText
	case []byte:
		return k == kindBytes
	case bool:
		return k == kindBool
	}
	return false
}

func (k kind) String() string {
	return [...]string{"integer", "text", "bytea", "boolean"}[k]
}

// catalogSQL asks a database for its tables, a table's columns with their
// declared types, and the tables a table's foreign keys refer to.
type catalogSQL struct{ tables, columns, refs string }

var (
	sqliteCatalog = catalogSQL{
		tables:  `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`,
		columns: `SELECT name, type FROM pragma_table_info($1) ORDER BY cid`,
		refs:    `SELECT DISTINCT "table" FROM pragma_foreign_key_list($1)`,
	}
	postgresCatalog = catalogSQL{
		tables: `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
		columns: `SELECT column_name, data_type FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
		refs: `SELECT DISTINCT r.relname FROM pg_constraint c
			JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
			WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace AND t.relname = $1`,
	}
)

func (db *DB) catalog() catalogSQL {
	if db.postgres {
		return postgresCatalog
	}
	return sqliteCatalog
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// tableNames lists every table in the database, those a dump leaves out too.
func (db *DB) tableNames(ctx context.Context, q querier) ([]string, error) {
	return queryStrings(ctx, q, db.catalog().tables)
}

// tables returns the tables a dump carries, each after those it refers to.
func (db *DB) tables(ctx context.Context, q querier) ([]table, error) {
	names, err := db.tableNames(ctx, q)
	if err != nil {
		return nil, err
	}
	var list []table
	for _, name := range names {
		if notDumped[name] {
			continue
		}
		t := table{name: name}
		if t.refs, err = queryStrings(ctx, q, db.catalog().refs, name); err != nil {
			return nil, err
		}
		if err := db.readColumns(ctx, q, &t); err != nil {
			return nil, err
		}
		list = append(list, t)
	}
	return orderByRefs(list)
}

func (db *DB) readColumns(ctx context.Context, q querier, t *table) error {
	rows, err := q.QueryContext(ctx, db.catalog().columns, t.name)
	if err != nil {
		return fmt.Errorf("store: columns of %s: %w", t.name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return fmt.Errorf("store: columns of %s: %w", t.name, err)
		}
		k, ok := kinds[strings.ToLower(typ)]
		if !ok {
			return fmt.Errorf("store: column %s.%s has the type %s, which a dump cannot carry", t.name, name, typ)
		}
		t.columns, t.kinds = append(t.columns, name), append(t.kinds, k)
	}
	return rows.Err()
}

// orderByRefs puts every table after the tables it refers to, and
// otherwise in order of name, so that dumps of one schema list tables alike.
func orderByRefs(list []table) ([]table, error) {
	slices.SortFunc(list, func(a, b table) int { return strings.Compare(a.name, b.name) })
	placed := map[string]bool{}
	ordered := make([]table, 0, len(list))
	for len(ordered) < len(list) {
		progress := false
		for _, t := range list {
			if placed[t.name] || !refsPlaced(t, placed) {
				continue
			}
			placed[t.name], progress = true, true
			ordered = append(ordered, t)
			break
		}
		if !progress {
			return nil, fmt.Errorf("store: the foreign keys of %s go round in a circle or to a table a dump leaves out", unplaced(list, placed))
		}
	}
	return ordered, nil
}

func refsPlaced(t table, placed map[string]bool) bool {
	for _, r := range t.refs {
		if r != t.name && !placed[r] {
			return false
		}
	}
	return true
}

func unplaced(list []table, placed map[string]bool) string {
	var names []string
	for _, t := range list {
		if !placed[t.name] {
			names = append(names, t.name)
		}
	}
	return strings.Join(names, ", ")
}

func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: catalog: %w", err)
	}
	defer rows.Close()
	var list []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("store: catalog: %w", err)
		}
		list = append(list, s)
	}
	return list, rows.Err()
}
