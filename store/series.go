package store

import (
	"context"
	"database/sql"
	"time"

	"tropa"
)

// seriesMonth is how series_values keeps a month: 2023-09, which sorts as
// the months do.
const seriesMonth = "2006-01"

// PutSeries stores a published series and its values with its audit entry,
// in one transaction; with replace, a series of the same name goes first.
func (db *DB) PutSeries(ctx context.Context, s *tropa.Series, replace bool, ev tropa.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if replace {
			if _, err := deleteSeries(ctx, tx, s.Name); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO series (id, name, source, imported_at) VALUES ($1, $2, $3, $4)`,
			s.ID, s.Name, s.Source, s.ImportedAt.UnixMicro()); err != nil {
			return mapErr(err)
		}
		for _, v := range s.Values {
			if _, err := tx.ExecContext(ctx, `INSERT INTO series_values (series_id, month, value) VALUES ($1, $2, $3)`,
				s.ID, v.Month.Format(seriesMonth), v.Value); err != nil {
				return mapErr(err)
			}
		}
		return appendAudit(ctx, tx, ev)
	})
}

// deleteSeries deletes the series named name and its values, and reports
// whether there was one.
func deleteSeries(ctx context.Context, tx *sql.Tx, name string) (bool, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM series_values WHERE series_id IN (SELECT id FROM series WHERE name = $1)`, name); err != nil {
		return false, mapErr(err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM series WHERE name = $1`, name)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n > 0, mapErr(err)
}

// DeleteSeries deletes a series and its values with its audit entry.
func (db *DB) DeleteSeries(ctx context.Context, name string, ev tropa.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		found, err := deleteSeries(ctx, tx, name)
		if err != nil {
			return err
		}
		if !found {
			return tropa.Errorf(tropa.ENOTFOUND, "no series %q", name)
		}
		return appendAudit(ctx, tx, ev)
	})
}

// ListSeries lists every series by name, with its values, from one
// snapshot.
func (db *DB) ListSeries(ctx context.Context) ([]tropa.Series, error) {
	return db.readSeries(ctx, ``, nil)
}

// SeriesByName returns the series named name, or ENOTFOUND.
func (db *DB) SeriesByName(ctx context.Context, name string) (*tropa.Series, error) {
	list, err := db.readSeries(ctx, ` WHERE s.name = $1`, []any{name})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, tropa.Errorf(tropa.ENOTFOUND, "no series %q", name)
	}
	return &list[0], nil
}

// readSeries reads the series where selects, by name, each with its
// values by month.
func (db *DB) readSeries(ctx context.Context, where string, args []any) ([]tropa.Series, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT s.id, s.name, s.source, s.imported_at, v.month, v.value
		FROM series s LEFT JOIN series_values v ON v.series_id = s.id`+where+` ORDER BY s.name, s.id, v.month`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.Series
	for rows.Next() {
		var s tropa.Series
		var imported int64
		var month sql.NullString
		var value sql.NullInt64
		if err := rows.Scan(&s.ID, &s.Name, &s.Source, &imported, &month, &value); err != nil {
			return nil, mapErr(err)
		}
		if len(list) == 0 || list[len(list)-1].ID != s.ID {
			s.ImportedAt = fromMicros(imported)
			list = append(list, s)
		}
		if !month.Valid {
			continue
		}
		m, err := time.Parse(seriesMonth, month.String)
		if err != nil {
			return nil, tropa.Errorf(tropa.EINTERNAL, "series %s: month %q: %v", s.ID, month.String, err)
		}
		last := &list[len(list)-1]
		last.Values = append(last.Values, tropa.SeriesValue{Month: m, Value: value.Int64})
	}
	return list, mapErr(rows.Err())
}
