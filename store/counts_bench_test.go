package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tropa/store"
	"tropa/store/storetest"
)

// benchFigures is how many requests the figures' benchmarks count: a
// million over the four years from 2023 to 2026, some 685 a day.
const (
	benchFigures     = 1_000_000
	benchFiguresDays = 4 * 365
)

var benchFiguresFirst = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

// BenchmarkCountsYear counts 2025 month by month, every split of
// requests received and cases closed at once, over a million requests:
// what tropa stats --by month and a year of the figures page ask of the
// store. It runs on SQLite, and on PostgreSQL when TROPA_TEST_POSTGRES is
// set.
func BenchmarkCountsYear(b *testing.B) {
	for _, backend := range []storetest.Backend{storetest.SQLite, storetest.Postgres} {
		b.Run(backend.Name, func(b *testing.B) {
			ctx := context.Background()
			where := backend.New(b)
			storetest.Open(b, where).Close()
			storetest.FillFigures(b, where, benchFigures, benchFiguresDays, benchFiguresFirst)
			db := storetest.Open(b, where)
			explainCounts(b, db, backend, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC))
			total := 0
			for m := range 12 {
				c, err := db.Counts(ctx, time.Date(2025, time.Month(m+1), 1, 0, 0, 0, 0, time.UTC),
					time.Date(2025, time.Month(m+2), 1, 0, 0, 0, 0, time.UTC))
				if err != nil {
					b.Fatal(err)
				}
				for _, n := range c.ReceivedBySituation {
					total += n
				}
			}
			if want := benchFigures * 365 / benchFiguresDays; total < want-1 || total > want+1 {
				b.Fatalf("2025 counts %d requests by situation, want %d", total, want)
			}
			b.ReportAllocs()
			for b.Loop() {
				for m := range 12 {
					if _, err := db.Counts(ctx, time.Date(2025, time.Month(m+1), 1, 0, 0, 0, 0, time.UTC),
						time.Date(2025, time.Month(m+2), 1, 0, 0, 0, 0, time.UTC)); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// explainCounts logs how the database plans each query of Counts over
// from to to: SQLite's query plan, PostgreSQL's plan as it ran.
func explainCounts(b *testing.B, db *store.DB, backend storetest.Backend, from, to time.Time) {
	b.Helper()
	explain := "EXPLAIN QUERY PLAN "
	if backend.Name == storetest.Postgres.Name {
		explain = "EXPLAIN (ANALYZE, BUFFERS) "
	}
	for _, q := range store.CountsQueries {
		var args []any
		if strings.Contains(q, "$1") {
			args = []any{from.UnixMicro(), to.UnixMicro()}
		}
		rows, err := store.Writer(db).QueryContext(context.Background(), explain+q, args...)
		if err != nil {
			b.Fatal(err)
		}
		cols, err := rows.Columns()
		if err != nil {
			b.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			cells := make([]any, len(cols))
			text := make([]string, len(cols))
			for i := range cells {
				cells[i] = &text[i]
			}
			if err := rows.Scan(cells...); err != nil {
				b.Fatal(err)
			}
			plan = append(plan, text[len(text)-1])
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s\n%s", strings.Join(strings.Fields(q), " "), strings.Join(plan, "\n"))
	}
}
