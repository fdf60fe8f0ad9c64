package desk_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"tropa"
)

// pastRows yields n rows with text, then err if not nil.
func pastRows(n int, err error) func(yield func(tropa.HistoryRow, error) bool) {
	return func(yield func(tropa.HistoryRow, error) bool) {
		for i := range n {
			row := tropa.HistoryRow{Day: time.Date(2024, 3, 1+i%28, 0, 0, 0, 0, time.UTC), Channel: tropa.ChannelHotline,
				Kind: tropa.KindSurrender, Situation: tropa.SituationFront, Outcome: tropa.OutcomeSurrendered,
				Text: fmt.Sprintf("row %d", i)}
			if !yield(row, nil) {
				return
			}
		}
		if err != nil {
			yield(tropa.HistoryRow{}, err)
		}
	}
}

// Rows sealed on several cores are written in one transaction: a history
// that fails after many rows writes none of them, a bad row is refused by
// the desk too, and no sealing goroutine outlives the import. It counts
// goroutines, so it runs alone.
func TestImportHistoryAllOrNothing(t *testing.T) {
	f := newFixture(t)
	f.addStaff(t, "olga", tropa.RoleCaseworker, true)
	ctx := context.Background()
	goroutines := runtime.NumGoroutine()
	invalid := tropa.HistoryRow{Day: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Channel: "pigeon",
		Kind: tropa.KindSurrender, Situation: tropa.SituationFront, Outcome: tropa.OutcomeSurrendered}
	for name, rows := range map[string]func(yield func(tropa.HistoryRow, error) bool){
		"the file fails": pastRows(500, io.ErrUnexpectedEOF),
		"a bad row": func(yield func(tropa.HistoryRow, error) bool) {
			for row, err := range pastRows(300, nil) {
				if !yield(row, err) {
					return
				}
			}
			yield(invalid, nil)
		},
	} {
		if n, err := f.desk.ImportHistory(ctx, rows); err == nil || n != 0 {
			t.Errorf("%s: ImportHistory = %d, %v; want an error", name, n, err)
		}
	}
	if n, err := f.desk.ImportHistory(ctx, pastRows(0, errors.New("unreadable"))); err == nil || n != 0 {
		t.Errorf("an unreadable file: ImportHistory = %d, %v; want an error", n, err)
	}
	c, err := f.store.Counts(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if n := c.ReceivedByChannel[tropa.ChannelHotline]; n != 0 {
		t.Fatalf("after failed imports %d requests are stored, want 0", n)
	}
	if n, err := f.desk.ImportHistory(ctx, pastRows(300, nil)); err != nil || n != 300 {
		t.Fatalf("ImportHistory = %d, %v; want 300", n, err)
	}
	if c, err = f.store.Counts(ctx, time.Time{}, time.Time{}); err != nil || c.ClosedByOutcome[tropa.OutcomeSurrendered] != 300 {
		t.Errorf("after the import: %+v, %v; want 300 closed", c, err)
	}
	for range 100 {
		if runtime.NumGoroutine() <= goroutines {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > goroutines {
		t.Errorf("%d goroutines after the imports, %d before", n, goroutines)
	}
}
