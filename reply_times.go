package tropa

import (
	"context"
	"time"
)

// ReplyTimes are how long requests waited, by number of whole days: from
// the UTC day a request came to the day staff first wrote to the
// applicant (FirstReply), and to the day its case was closed with an
// outcome (Outcome). Each counts on the day of the reply or the closing.
// Only requests that came through tropa after it began to note first
// replies count: not imported history, nor requests from before.
type ReplyTimes struct {
	FirstReply, Outcome map[int]int
}

// Add adds o's counts to t's.
func (t *ReplyTimes) Add(o ReplyTimes) {
	for _, m := range []struct {
		to   *map[int]int
		from map[int]int
	}{{&t.FirstReply, o.FirstReply}, {&t.Outcome, o.Outcome}} {
		if *m.to == nil {
			*m.to = map[int]int{}
		}
		for days, n := range m.from {
			(*m.to)[days] += n
		}
	}
}

// ReplyTimeStore counts the times to first reply and to outcome.
type ReplyTimeStore interface {
	// ReplyTimes counts the first replies and closings from from until
	// to, the requests retention deleted too.
	ReplyTimes(ctx context.Context, from, to time.Time) (ReplyTimes, error)
}
