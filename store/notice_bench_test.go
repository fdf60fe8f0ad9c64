package store_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

// BenchmarkNoticeCases reads what may need a person, as the notices do
// every minute for each person who asked for them, in the store of
// BenchmarkQueue: for a caseworker holding a few hundred of its 100,000
// open cases, and for the coordinator who holds them all, before she was
// told of any and once she was told of all.
func BenchmarkNoticeCases(b *testing.B) {
	for _, backend := range []storetest.Backend{storetest.SQLite, storetest.Postgres} {
		b.Run(backend.Name, func(b *testing.B) {
			ctx := context.Background()
			db := mustFillQueue(b, backend, time.Now())
			run := func(name, who string, dueBefore time.Time, want int) {
				b.Run(name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						cases, err := db.NoticeCases(ctx, who, who == "coord", dueBefore)
						if err != nil || want >= 0 && len(cases) != want {
							b.Fatalf("NoticeCases(%s) = %d cases, %v; want %d", who, len(cases), err, want)
						}
					}
				})
			}
			run("caseworker", "alice", time.Now(), -1)
			run("coordinator never told", "coord", time.Now(), -1)
			coord := newStaff("coord", tropa.RoleCoordinator, true)
			coord.ID = "coord"
			mustCreateStaff(b, db, coord)
			cases, err := db.NoticeCases(ctx, "coord", true, time.Time{})
			if err != nil {
				b.Fatal(err)
			}
			marks := make([]tropa.NoticeMark, len(cases))
			for i, c := range cases {
				marks[i] = c.Now
				marks[i].Unowned = c.Unowned
			}
			start := time.Now()
			if err := db.SaveNoticePrefs(ctx, &tropa.NoticePrefs{StaffID: "coord", Lang: "en"}, marks); err != nil {
				b.Fatal(err)
			}
			b.Logf("%d marks written in %v", len(marks), time.Since(start).Round(time.Millisecond))
			// The benchmark's due times are not cut to the hour as a desk
			// cuts them, so its marks do not match them: no due time is
			// news here.
			run("coordinator told of all", "coord", time.Time{}, 0)
		})
	}
}
