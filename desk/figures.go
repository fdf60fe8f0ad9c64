package desk

import (
	"time"

	"context"

	"tropa"
	"tropa/stats"
)

// Figures are everything the figures page counts for a period: requests,
// cases, calls and stays, meetings by how they ended, legal decisions.
type Figures struct {
	Counts    *tropa.Counts
	Meetings  map[tropa.MeetingState]int
	Decisions []tropa.DecisionCount
	// Times are the days requests waited for a first reply and an
	// outcome.
	Times tropa.ReplyTimes
}

// Figures counts p for a staff member whose role may read figures.
func (d *Desk) Figures(ctx context.Context, s *Session, p stats.Period) (Figures, error) {
	if err := require(s, tropa.PermStats); err != nil {
		return Figures{}, err
	}
	return d.LocalFigures(ctx, p)
}

// OpenCases counts the cases open now by stage, for a staff member whose
// role may read figures.
func (d *Desk) OpenCases(ctx context.Context, s *Session) (map[tropa.Stage]int, error) {
	if err := require(s, tropa.PermStats); err != nil {
		return nil, err
	}
	return d.LocalOpenCases(ctx)
}

// LocalOpenCases counts the cases open now by stage for tropa stats, from
// clear columns, as LocalFigures does.
func (d *Desk) LocalOpenCases(ctx context.Context) (map[tropa.Stage]int, error) {
	return d.cfg.Store.OpenByStage(ctx)
}

// ReceivedBefore reports whether the organization received any request
// before the day of t, for a staff member whose role may read figures.
func (d *Desk) ReceivedBefore(ctx context.Context, s *Session, t time.Time) (bool, error) {
	if err := require(s, tropa.PermStats); err != nil {
		return false, err
	}
	return d.LocalReceivedBefore(ctx, t)
}

// LocalReceivedBefore is ReceivedBefore for tropa stats, from clear
// counts as LocalFigures.
func (d *Desk) LocalReceivedBefore(ctx context.Context, t time.Time) (bool, error) {
	return d.cfg.Store.ReceivedBefore(ctx, t)
}

// LocalFigures counts p for tropa stats, run beside the database: the
// counts come from the columns kept in clear, which whoever holds the
// database reads anyway, so no staff key is asked for.
func (d *Desk) LocalFigures(ctx context.Context, p stats.Period) (Figures, error) {
	var f Figures
	var err error
	if f.Counts, err = d.counts(ctx, p); err != nil {
		return Figures{}, err
	}
	if f.Meetings, err = d.meetingCounts(ctx, p); err != nil {
		return Figures{}, err
	}
	// Legal decisions by day, procedure and outcome, from clear columns.
	if f.Decisions, err = d.cfg.Store.DecisionCounts(ctx, p.From(), p.To()); err != nil {
		return Figures{}, err
	}
	if f.Times, err = d.cfg.Store.ReplyTimes(ctx, p.From(), p.To()); err != nil {
		return Figures{}, err
	}
	return f, nil
}
