package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"tropa"
	"tropa/store"
)

// fillQueue writes n open cases straight into the database file, as fast
// as one transaction allows: the queue reads only their metadata, so their
// sealed fields are random bytes. Every case is wrapped to holder.
func fillQueue(tb testing.TB, ts *testServer, n int, holder string) {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(ts.where, store.DBFile)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	insertRequest, err := tx.Prepare(`INSERT INTO requests (id, ref, kind, situation, channel, stage, urgency, created_at,
		last_applicant_at, sealed_contact, due_at) VALUES ($1, $2, $3, $4, 'web', $5, $6, $7, $7, $8, $9)`)
	if err != nil {
		tb.Fatal(err)
	}
	insertWrap, err := tx.Prepare(`INSERT INTO key_wraps (request_id, holder, wrapped, created_at) VALUES ($1, $2, $3, $4)`)
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	start := ts.clock.now.Add(-90 * 24 * time.Hour)
	sealed := make([]byte, 64)
	stages := []tropa.Stage{tropa.StageNew, tropa.StageTriage, tropa.StageCounselling, tropa.StageExitPlan}
	for i := range n {
		id := tropa.NewID()
		created := start.Add(time.Duration(i) * time.Minute)
		due := int64(1<<63 - 1)
		if i%20 == 0 {
			due = ts.clock.now.Add(time.Duration(rng.IntN(96)-24) * time.Hour).UnixMicro()
		}
		if _, err := insertRequest.Exec(id, fmt.Sprintf("B%07d", i), string(tropa.Kinds[i%len(tropa.Kinds)]),
			string(tropa.Situations[i%len(tropa.Situations)]), string(stages[i%len(stages)]), i%7/6,
			created.UnixMicro(), sealed, due); err != nil {
			tb.Fatal(err)
		}
		if _, err := insertWrap.Exec(id, holder, sealed, created.UnixMicro()); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkQueuePage serves the first page of the queue over 100,000 open
// cases: to a coordinator, who sees every case, and to a caseworker, who
// holds the key of every one. It reports the server's time per page at the
// 50th and 99th percentile.
func BenchmarkQueuePage(b *testing.B) {
	ts := newTestServer(b)
	ts.addStaff(b, coordinatorName, tropa.RoleCoordinator, false)
	fillQueue(b, ts, 100_000, ts.staffID(b, caseworkerName))
	ctx := context.Background()
	if n, err := ts.store.Queue(ctx, tropa.QueueFilter{Limit: 1}); err != nil || len(n) != 1 {
		b.Fatalf("Queue after filling: %v, %v", n, err)
	}
	browsers := map[string]*browser{
		coordinatorName: ts.staffBrowser(b, coordinatorName, staffPassword),
		caseworkerName:  ts.staffBrowser(b, caseworkerName, caseworkerPassword),
	}
	for _, who := range []struct{ name, path string }{
		{coordinatorName, "/staff/inbox"},
		{coordinatorName, "/staff/inbox?due=24h"},
		{caseworkerName, "/staff/inbox"},
		{caseworkerName, "/staff/inbox?stage=counselling&urgency=high"},
	} {
		browser := browsers[who.name]
		b.Run(who.name+who.path, func(b *testing.B) {
			var times []time.Duration
			for b.Loop() {
				start := time.Now()
				resp := browser.do(b, newRequest(b, http.MethodGet, who.path, nil), false)
				times = append(times, time.Since(start))
				if resp.status != http.StatusOK {
					b.Fatalf("GET %s = %d", who.path, resp.status)
				}
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
