package store_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/store"
	"tropa/store/storetest"
)

// BenchmarkMeetingsHeld reads the day board's rows from a store of 100,000
// open cases (see BenchmarkQueue) with 10,000 meetings spread over a year,
// about 27 a day, as a surrender hotline's 3–5 a day would take years to
// reach: for the coordinator, who holds every case, and for a caseworker
// who holds one in 500.
func BenchmarkMeetingsHeld(b *testing.B) {
	for _, backend := range []storetest.Backend{storetest.SQLite, storetest.Postgres} {
		b.Run(backend.Name, func(b *testing.B) { benchmarkMeetingsHeld(b, backend) })
	}
}

func benchmarkMeetingsHeld(b *testing.B, backend storetest.Backend) {
	ctx := context.Background()
	now := time.Now()
	db := mustFillQueue(b, backend, now)
	rows, err := store.Writer(db).QueryContext(ctx, `SELECT id FROM requests WHERE closed_at = 0 ORDER BY id LIMIT 10000`)
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	sealed := make([]byte, 400)
	for i, id := range ids {
		day := tropa.Day(now.Add(time.Duration(i%365-180) * 24 * time.Hour))
		if _, err := store.Writer(db).ExecContext(ctx, `INSERT INTO meetings (id, request_id, state, day, closed_day,
			responsible, sealed) VALUES ($1, $2, $3, $4, 0, 'coord', $5)`, tropa.NewID(), id, string(tropa.MeetingConfirmed),
			day.UnixMicro(), sealed); err != nil {
			b.Fatal(err)
		}
	}
	// The three UTC days a board's two local days touch in a zone off UTC.
	from, to := now.Add(-24*time.Hour), now.Add(24*time.Hour)
	for _, holder := range []string{"coord", "alice"} {
		b.Run(holder, func(b *testing.B) {
			list, err := db.MeetingsHeld(ctx, holder, from, to)
			if err != nil || (holder == "coord" && len(list) == 0) {
				b.Fatalf("MeetingsHeld = %d, %v", len(list), err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := db.MeetingsHeld(ctx, holder, from, to); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
