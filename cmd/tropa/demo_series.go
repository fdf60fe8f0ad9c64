package main

import (
	"context"
	"time"

	"tropa"
	"tropa/desk"
)

// addDemoSeries imports a made-up monthly series over the twelve months to
// now, named and sourced as fake, to chart beside the demo's requests.
func addDemoSeries(ctx context.Context, d *desk.Desk, now time.Time) error {
	s := &tropa.Series{
		Name:   "[DEMO] Вымышленный ряд / Вигаданий ряд / Fake series",
		Source: "[DEMO] вымышленный источник, не настоящие цифры / вигадане джерело / a fake source, not real figures",
	}
	first := tropa.SeriesMonth(now).AddDate(0, -11, 0)
	for i, v := range []int64{310, 344, 402, 388, 451, 497, 530, 512, 575, 610, 598, 644} {
		s.Values = append(s.Values, tropa.SeriesValue{Month: first.AddDate(0, i, 0), Value: v})
	}
	return d.LocalImportSeries(ctx, s, false)
}
