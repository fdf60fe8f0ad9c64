package desk_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/seal"
	"tropa/store/storetest"
)

// busyMeetings is how many meetings the busy two days hold beside the
// ordinary ones: a front-line breakout, every team at work.
const busyMeetings = 300

// BenchmarkDayBoard reads the day board as the meetings page asks for it,
// in Kyiv time, from a store of 100,000 cases of which one in ten has a
// meeting, 10,000 in all, spread over a year, about 27 a UTC day (a
// surrender hotline's 3–5 a day would take years to reach), every key
// wrapped for real to the coordinator, who holds every case, and one in
// 50 to a caseworker. "busy" is two days holding 300 more meetings. It
// reports the median and the 95th percentile of a read. It runs on
// SQLite, and on PostgreSQL when TROPA_TEST_POSTGRES names one.
//
//	go test ./desk -run '^$' -bench BenchmarkDayBoard -benchtime 200x
func BenchmarkDayBoard(b *testing.B) {
	for _, backend := range []storetest.Backend{storetest.SQLite, storetest.Postgres} {
		b.Run(backend.Name, func(b *testing.B) { benchmarkDayBoard(b, newFixtureAt(b, backend.New(b))) })
	}
}

func benchmarkDayBoard(b *testing.B, f *fixture) {
	ctx := context.Background()
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		b.Skip(err)
	}
	olena := f.caseworker(b, "olena")
	f.addStaff(b, "kateryna", tropa.RoleCoordinator, false)
	kateryna := f.enroll(b, "kateryna")
	ordinary := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	busy := ordinary.AddDate(0, 0, 100)
	fillMeetings(b, f, kateryna, olena, ordinary, busy.In(kyiv), kyiv)

	for _, bm := range []struct {
		name string
		s    *desk.Session
		now  time.Time
		min  int
	}{
		{"coordinator/ordinary", kateryna, ordinary, 40},
		{"coordinator/busy", kateryna, busy, busyMeetings},
		{"caseworker/ordinary", olena, ordinary, 5},
		{"caseworker/busy", olena, busy, busyMeetings / 5},
	} {
		b.Run(bm.name, func(b *testing.B) {
			f.clock.Set(bm.now)
			board, err := f.desk.DayBoard(ctx, bm.s, kyiv)
			if err != nil || len(board) < bm.min {
				b.Fatalf("DayBoard = %d meetings, %v; want at least %d", len(board), err, bm.min)
			}
			b.Logf("%d meetings on the board", len(board))
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := f.desk.DayBoard(ctx, bm.s, kyiv); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			reportLatency(b, took)
		})
	}
}

// fillMeetings writes benchCases cases, one in ten with a meeting that
// starts on one of 367 UTC days around now, and busyMeetings more cases
// among them with a meeting in the two days in busy's zone from busy's
// midnight. coordinator holds every case, caseworker one in 50. The keys
// of the cases with a meeting are wrapped for real and the meetings sealed
// under them; the other cases' keys are never opened by the board.
func fillMeetings(b *testing.B, f *fixture, coordinator, caseworker *desk.Session, now, busy time.Time, zone *time.Location) {
	b.Helper()
	busyFrom := time.Date(busy.Year(), busy.Month(), busy.Day(), 0, 0, 0, 0, busy.Location())
	busyStep := busyFrom.AddDate(0, 0, 2).Sub(busyFrom) / busyMeetings
	today := tropa.Day(now)
	sealed := make([]byte, 64)
	fillCases(b, f, benchCases, now, func(exec func(string, ...any), i int, id string, created time.Time) {
		var start time.Time
		switch j := i / 10; {
		case i%10 == 0:
			start = today.Add(time.Duration(j%367-183)*24*time.Hour + time.Duration(j*7%24)*time.Hour +
				time.Duration(j*13%60)*time.Minute)
		case i%10 == 5 && j < busyMeetings:
			start = busyFrom.Add(time.Duration(j) * busyStep)
		}
		wrapped := func(*desk.Session) []byte { return sealed }
		if !start.IsZero() {
			key := seal.NewKey()
			m := tropa.Meeting{ID: tropa.NewID(), RequestID: id, State: tropa.MeetingConfirmed,
				Window: tropa.Window{Start: start, End: start.Add(90 * time.Minute), Zone: zone.String()},
				Place:  "у моста через реку", Sign: "белая повязка на левой руке", Phrase: "тихий дон",
				Responsible: coordinator.Staff.ID,
				Steps: []tropa.MeetingStep{{State: tropa.MeetingProposed, By: coordinator.Staff.ID, At: created},
					{State: tropa.MeetingConfirmed, By: coordinator.Staff.ID, At: created}}}
			rec, err := desk.SealMeeting(&key, m)
			if err != nil {
				b.Fatal(err)
			}
			exec(`INSERT INTO meetings (id, request_id, state, day, closed_day, responsible, sealed)
				VALUES ($1, $2, $3, $4, 0, $5, $6)`, rec.ID, id, string(rec.State), rec.Day.UnixMicro(),
				rec.Responsible, rec.Sealed)
			wrapped = func(s *desk.Session) []byte {
				w, err := seal.WrapKey(s.Staff.PublicKey, &key)
				if err != nil {
					b.Fatal(err)
				}
				return w
			}
		}
		holders := []*desk.Session{coordinator}
		if i%50 == 0 || i%50 == 5 {
			holders = append(holders, caseworker)
		}
		for _, s := range holders {
			exec(`INSERT INTO key_wraps (request_id, holder, reason, wrapped, created_at)
				VALUES ($1, $2, 'entered', $3, $4)`, id, s.Staff.ID, wrapped(s), tropa.Day(created).UnixMicro())
		}
	})
}
