package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/store/storetest"
)

func TestUpdateCaseDeadlines(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testUpdateCaseDeadlines)
}

func testUpdateCaseDeadlines(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	var s tropa.Store = mustOpenStore(t, b)
	n := newRequest(base, tropa.UrgencyNormal, "alice")
	mustCreateRequest(t, s, n)
	id := n.Request.ID
	h := func(hours int) time.Time { return base.Add(time.Duration(hours) * time.Hour) }
	first := newDeadline(id, h(5))
	second := newDeadline("", h(2))
	second.Kind, second.SealedLabel, second.SealedTimes = tropa.DeadlineMeeting, []byte("where"), []byte("when")

	// The due time is the desk's to say, since only it opens the
	// deadlines' exact times; the store keeps it to the hour.
	steps := []struct {
		name   string
		change []tropa.DeadlineRecord
		due    time.Time
	}{
		{"first deadline", []tropa.DeadlineRecord{first}, h(5)},
		{"an earlier one", []tropa.DeadlineRecord{second}, h(2)},
		{"moved later", []tropa.DeadlineRecord{func() tropa.DeadlineRecord { d := second; d.DueAt = h(8); return d }()}, h(5)},
		{"all done", []tropa.DeadlineRecord{func() tropa.DeadlineRecord {
			d := second
			d.DueAt, d.DoneAt = h(8), h(1)
			return d
		}()}, time.Time{}},
		{"one reopened", []tropa.DeadlineRecord{first}, h(5)},
	}
	for _, st := range steps {
		mustUpdateCase(t, s, &tropa.CaseUpdate{RequestID: id, At: base, Deadlines: st.change, DueAt: &st.due})
		if r := mustRequest(t, s, id); !r.DueAt.Equal(tropa.DueHour(st.due)) {
			t.Errorf("%s: due %v, want %v", st.name, r.DueAt, tropa.DueHour(st.due))
		}
	}
	if err := s.UpdateCase(ctx, &tropa.CaseUpdate{RequestID: id, At: base, Deadlines: []tropa.DeadlineRecord{first}}); !tropa.IsCode(err, tropa.EINVALID) {
		t.Errorf("deadlines changed without the due time: %v, want EINVALID", err)
	}

	ds, err := s.Deadlines(ctx, id)
	if err != nil || len(ds) != 2 {
		t.Fatalf("Deadlines = %+v, %v; want 2", ds, err)
	}
	got := ds[0]
	if got.ID != first.ID || got.RequestID != id || got.Kind != first.Kind || !got.StartsAt.Equal(tropa.DueHour(first.StartsAt)) ||
		!got.DueAt.Equal(tropa.DueHour(h(5))) || !got.DoneAt.IsZero() || !bytes.Equal(got.SealedLabel, first.SealedLabel) ||
		got.SealedTimes != nil || got.CreatedBy != first.CreatedBy || !got.CreatedAt.Equal(tropa.Day(first.CreatedAt)) {
		t.Errorf("Deadlines[0] = %+v, want %+v open again, its times to the hour and the day", got, first)
	}
	got = ds[1]
	if got.ID != second.ID || got.Kind != tropa.DeadlineMeeting || !got.DueAt.Equal(tropa.DueHour(h(8))) ||
		!got.DoneAt.Equal(tropa.Day(h(1))) || !bytes.Equal(got.SealedLabel, []byte("where")) ||
		!bytes.Equal(got.SealedTimes, []byte("when")) {
		t.Errorf("Deadlines[1] = %+v, want the meeting moved to %v and done", got, h(8))
	}
}
