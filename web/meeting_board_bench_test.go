package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/store"
)

// BenchmarkMeetingBoardPage serves the day board, GET /staff/meetings, in
// Kyiv time, to a coordinator who holds every one of 100,000 open cases,
// and to a caseworker on intake, who holds only the cases submitted
// through the desk, among 10,000 meetings spread over 367 UTC
// days, about 27 a day. The meetings of the three UTC days the board's two
// local days touch, 82, are arranged through the desk on cases submitted
// through it, with real keys; the others' sealed fields are zero bytes, as
// the board never opens a meeting of another day. It reports the
// server's time per page at the 50th and 95th percentile.
//
//	go test ./web -run '^$' -bench BenchmarkMeetingBoardPage -benchtime 200x
func BenchmarkMeetingBoardPage(b *testing.B) {
	ts := newTestServer(b)
	ts.addStaff(b, coordinatorName, tropa.RoleCoordinator, true)
	fillQueue(b, ts, 100_000, ts.staffID(b, coordinatorName))
	browsers := map[string]*browser{
		coordinatorName: ts.staffBrowser(b, coordinatorName, staffPassword),
		caseworkerName:  ts.staffBrowser(b, caseworkerName, caseworkerPassword),
	}
	for _, br := range browsers {
		br.post(b, "/staff/account/zone", url.Values{"zone": {"Europe/Kyiv"}})
	}
	coord := browsers[coordinatorName].session(b)
	now := ts.deskClock.Now()
	arranged := fillBoard(b, ts, coord, now)
	ts.deskClock.now = now.Add(5 * time.Minute)
	b.Logf("%d meetings arranged through the desk", arranged)

	for _, name := range []string{coordinatorName, caseworkerName} {
		br := browsers[name]
		b.Run(name, func(b *testing.B) {
			resp := br.get(b, "/staff/meetings")
			if rows := count(b, resp.doc(b), "table.meetings tr[id^=board-]"); rows < 40 {
				b.Fatalf("the board shows %d meetings, want the two days' 50 or so", rows)
			}
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				resp := br.do(b, newRequest(b, http.MethodGet, "/staff/meetings", nil), false)
				took = append(took, time.Since(start))
				if resp.status != http.StatusOK {
					b.Fatalf("GET /staff/meetings = %d", resp.status)
				}
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}

// fillBoard writes 10,000 meetings, one a case, starting on one of 367
// UTC days around now. Those of the day before, of now's and of the next
// are arranged by s on cases submitted through the desk, with the desk's
// clock set back three days so that none is in the past; the others go
// straight into the database on the cases fillQueue wrote. It returns how
// many were arranged.
func fillBoard(b *testing.B, ts *testServer, s *desk.Session, now time.Time) int {
	b.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(ts.where, store.DBFile)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var ids []string
	rows, err := db.QueryContext(ctx, `SELECT id FROM requests ORDER BY id LIMIT 10000`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	today := tropa.Day(now)
	sealed := make([]byte, 400)
	var arrange []time.Time
	for j, id := range ids {
		day := j%367 - 183
		start := today.AddDate(0, 0, day).Add(time.Duration(j*7%24)*time.Hour + time.Duration(j*13%60)*time.Minute)
		if day >= -1 && day <= 1 {
			arrange = append(arrange, start)
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO meetings (id, request_id, state, day, closed_day, responsible,
			sealed) VALUES ($1, $2, 'confirmed', $3, 0, $4, $5)`, tropa.NewID(), id, tropa.Day(start).UnixMicro(),
			s.Staff.ID, sealed); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	ts.deskClock.now = now.AddDate(0, 0, -3)
	for _, start := range arrange {
		receipt, err := ts.desk.Submit(ctx, tropa.Submission{Kind: tropa.KindSurrender, Situation: tropa.SituationFront,
			Channel: tropa.ChannelWeb, Contact: "signal: @meeting", Message: "Хочу сдаться"})
		if err != nil {
			b.Fatal(err)
		}
		th, err := ts.desk.ApplicantThread(ctx, receipt.String())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ts.desk.ArrangeMeeting(ctx, s, th.Request.ID, desk.MeetingInput{Window: tropa.Window{Start: start,
			End: start.Add(90 * time.Minute), Zone: "Europe/Kyiv"}, Place: "у моста через реку",
			Sign: "белая повязка на левой руке", Phrase: "тихий дон"}); err != nil {
			b.Fatal(err)
		}
	}
	return len(arrange)
}

// session is the desk's session behind b's staff cookie.
func (b *browser) session(tb testing.TB) *desk.Session {
	tb.Helper()
	u, _ := url.Parse(baseURL + "/staff/")
	for _, c := range b.jar.Cookies(u) {
		if c.Name == "tropa_staff" {
			s, err := b.ts.desk.Session(context.Background(), c.Value)
			if err != nil {
				tb.Fatal(err)
			}
			return s
		}
	}
	tb.Fatal("no staff session cookie")
	return nil
}
