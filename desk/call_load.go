package desk

import (
	"context"
	"time"

	"tropa"
	"tropa/stats"
)

// CallLoad is how many calls came in today, hour by hour and day by day,
// against the same hours and days a week earlier, on a coordinator's
// clock: a surge shows against what is usual for that weekday and hour.
type CallLoad struct {
	Hours []LoadCount
	Days  []LoadCount
}

// LoadCount is the calls of one hour or day and of the same a week before.
type LoadCount struct {
	At       time.Time
	Calls    int
	WeekAgo  int
	Complete bool
}

// Change is Calls against WeekAgo.
func (c LoadCount) Change() stats.Change {
	return stats.Change{Now: c.Calls, Before: c.WeekAgo}
}

// loadDays is how many days the call load shows, today last.
const loadDays = 7

// CallLoad counts the calls of today's hours and of the last week's days
// in s's zone, from the hour counters that name no case.
func (d *Desk) CallLoad(ctx context.Context, s *Session) (*CallLoad, error) {
	if err := require(s, tropa.PermCallLoad); err != nil {
		return nil, err
	}
	loc, err := d.StaffLocation(ctx, s.Staff.ID)
	if err != nil {
		return nil, err
	}
	now := d.now()
	today, _ := localDay(now, loc)
	start := today.In(loc).AddDate(0, 0, -loadDays+1-7)
	counts, err := d.cfg.Store.CallHours(ctx, start.UTC(), now.Add(time.Hour))
	if err != nil {
		return nil, err
	}
	byHour := make(map[time.Time]int, len(counts))
	for _, c := range counts {
		byHour[c.Hour] = c.Calls
	}
	// Hours are counted on the UTC hour; in a zone off by half an hour
	// each shows under the local hour it starts in.
	sum := func(from, to time.Time) int {
		n := 0
		for h := from.UTC().Truncate(time.Hour); h.Before(to); h = h.Add(time.Hour) {
			n += byHour[h]
		}
		return n
	}
	load := &CallLoad{}
	for h := today.UTC(); !h.After(now); h = h.Add(time.Hour) {
		end := h.Add(time.Hour)
		load.Hours = append(load.Hours, LoadCount{At: h.In(loc), Calls: sum(h, end),
			WeekAgo: sum(h.AddDate(0, 0, -7), end.AddDate(0, 0, -7)), Complete: !end.After(now)})
	}
	for i := loadDays - 1; i >= 0; i-- {
		from := today.In(loc).AddDate(0, 0, -i)
		to := from.AddDate(0, 0, 1)
		load.Days = append(load.Days, LoadCount{At: from, Calls: sum(from, to),
			WeekAgo: sum(from.AddDate(0, 0, -7), to.AddDate(0, 0, -7)), Complete: !to.After(now)})
	}
	return load, nil
}
