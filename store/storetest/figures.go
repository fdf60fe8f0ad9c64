package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/store"
)

// FillFigures writes n requests straight into the database at where, in
// one statement, spread evenly over the days from first on: what a
// benchmark of the figures needs in far less time than the desk would
// take. Their kinds, channels, situations, triage and outcomes take turns;
// a third of the last 45 days' are still open, the rest closed within 40
// days as cases, spam, duplicates or not ours. The figures' day_counts are filled from
// them as the store would have kept them, and the tables are analyzed
// and, on PostgreSQL, vacuumed, as its autovacuum would within a minute
// of so many inserts.
func FillFigures(tb testing.TB, where string, n, days int, first time.Time) {
	tb.Helper()
	ctx := context.Background()
	postgres := strings.HasPrefix(where, "postgres")
	driver, dsn := "sqlite", "file:"+filepath.Join(where, store.DBFile)+"?_pragma=busy_timeout(10000)"
	if postgres {
		driver, dsn = "pgx", where
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	const microsPerDay = 86_400_000_000
	created := fmt.Sprintf("(%d + (i * %d / %d) * %d)", first.UnixMicro(), days, n, microsPerDay)
	// A third of the last 45 days' requests are open; older ones were
	// all closed.
	open := fmt.Sprintf("(i >= %d AND i %% 3 = 0)", n-n*45/days)
	from, blob := `seq`, `X'00'`
	prefix := fmt.Sprintf(`WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < %d) `, n-1)
	if postgres {
		prefix, from, blob = ``, fmt.Sprintf(`generate_series(CAST(0 AS BIGINT), %d) AS seq(i)`, n-1), `'\x00'::bytea`
	}
	disposition := `CASE WHEN ` + open + ` AND i % 2 = 0 THEN '' WHEN ` + open + ` THEN 'case' ELSE ` + turns("i % 10", []string{
		"case", "case", "case", "case", "case", "case", "case", "spam", "duplicate", "not_ours"}) + ` END`
	outcome := `CASE WHEN ` + open + ` OR i % 10 >= 7 THEN '' ELSE ` + turns("(i / 10) % 9", []string{
		"left_country", "surrendered", "returned_to_unit", "detained", "suspended_sentence", "imprisoned",
		"lost_contact", "helped_otherwise", "withdrew"}) + ` END`
	fill := prefix + `INSERT INTO requests (id, ref, kind, situation, channel, stage, urgency, created_at, sealed_contact,
		disposition, outcome, owner_id, due_at, closed_at, updated_at)
		SELECT 'b' || i, 'B' || i, ` + turns("i % 6", strs(tropa.Kinds)) + `, ` + turns("(i / 6) % 7", strs(tropa.Situations)) +
		`, ` + turns("(i / 3) % 4", strs(tropa.Channels)) + `,
		CASE WHEN ` + open + ` THEN 'counselling' ELSE 'closed' END, 1, ` + created + `, ` + blob + `,
		` + disposition + `, ` + outcome + `, '', ` + fmt.Sprint(int64(math.MaxInt64)) + `,
		CASE WHEN ` + open + ` THEN 0 ELSE ` + created + fmt.Sprintf(` + (i %% 40) * %d END, `, microsPerDay) + created + `
		FROM ` + from
	start := time.Now()
	if _, err := db.ExecContext(ctx, fill); err != nil {
		tb.Fatalf("fill requests: %v", err)
	}
	if _, err := db.ExecContext(ctx, dayCountsOfRequests); err != nil {
		tb.Fatalf("fill day_counts: %v", err)
	}
	settle := `ANALYZE`
	if postgres {
		settle = `VACUUM ANALYZE`
	}
	if _, err := db.ExecContext(ctx, settle); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("%d requests over %d days from %s written in %v", n, days, first.Format(time.DateOnly),
		time.Since(start).Round(time.Millisecond))
}

// dayCountsOfRequests counts every request into day_counts, as the store
// counts each one it writes.
const dayCountsOfRequests = `INSERT INTO day_counts (day, what, key, n)
	SELECT created_at, 'kind', kind, COUNT(*) FROM requests GROUP BY created_at, kind
	UNION ALL SELECT created_at, 'channel', channel, COUNT(*) FROM requests GROUP BY created_at, channel
	UNION ALL SELECT created_at, 'situation', situation, COUNT(*) FROM requests GROUP BY created_at, situation
	UNION ALL SELECT created_at, 'disposition', disposition, COUNT(*) FROM requests
		WHERE disposition <> '' GROUP BY created_at, disposition
	UNION ALL SELECT closed_at, 'outcome', outcome, COUNT(*) FROM requests
		WHERE closed_at <> 0 AND disposition = 'case' AND outcome <> '' GROUP BY closed_at, outcome`

// turns is an SQL expression that reads values[i] where i is the
// integer expression index.
func turns(index string, values []string) string {
	var b strings.Builder
	b.WriteString("CASE " + index)
	for i, v := range values {
		fmt.Fprintf(&b, " WHEN %d THEN '%s'", i, v)
	}
	b.WriteString(" END")
	return b.String()
}

func strs[S ~string](values []S) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}
