package store_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/store"
	"tropa/store/storetest"
)

// courtSeries is a published series of three months.
func courtSeries(name string, values ...int64) *tropa.Series {
	s := &tropa.Series{ID: tropa.NewID(), Name: name, Source: "https://example.org/courts (form 10-a)", ImportedAt: base}
	for i, v := range values {
		s.Values = append(s.Values, tropa.SeriesValue{Month: time.Date(2023, time.Month(9+i), 1, 0, 0, 0, 0, time.UTC), Value: v})
	}
	return s
}

func seriesEvent(action, name string) tropa.AuditEvent {
	return tropa.AuditEvent{At: base, Actor: "cli", Action: action, Detail: name}
}

// A series is stored with its months and audited; a second of the same
// name is refused unless it replaces the first, whose months then go;
// deleting one leaves the others.
func TestSeries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testSeries)
}

func testSeries(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	before := auditLength(t, db)
	if err := db.PutSeries(ctx, courtSeries("Суды: СОЧ", 412, 0, 1204), false, seriesEvent(tropa.ActionSeriesImport, "Суды: СОЧ")); err != nil {
		t.Fatalf("PutSeries: %v", err)
	}
	if err := db.PutSeries(ctx, courtSeries("Another", 7), false, seriesEvent(tropa.ActionSeriesImport, "Another")); err != nil {
		t.Fatalf("PutSeries: %v", err)
	}
	again := courtSeries("Суды: СОЧ", 1, 2)
	if err := db.PutSeries(ctx, again, false, seriesEvent(tropa.ActionSeriesImport, again.Name)); !tropa.IsCode(err, tropa.ECONFLICT) {
		t.Fatalf("PutSeries of a name taken = %v, want ECONFLICT", err)
	}
	got, err := db.SeriesByName(ctx, "Суды: СОЧ")
	if err != nil || len(got.Values) != 3 || got.Values[2].Value != 1204 || !got.Values[0].Month.Equal(time.Date(2023, 9, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("SeriesByName = %+v, %v; want the first import's three months", got, err)
	}
	if !got.ImportedAt.Equal(base.Truncate(time.Microsecond)) || got.Source != "https://example.org/courts (form 10-a)" {
		t.Errorf("SeriesByName = %+v", got)
	}
	if err := db.PutSeries(ctx, again, true, seriesEvent(tropa.ActionSeriesImport, again.Name)); err != nil {
		t.Fatalf("PutSeries with replace: %v", err)
	}
	if got, err = db.SeriesByName(ctx, again.Name); err != nil || got.ID != again.ID || len(got.Values) != 2 {
		t.Fatalf("after replacing: %+v, %v; want the two months of the second", got, err)
	}
	list, err := db.ListSeries(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "Another" || len(list[0].Values) != 1 || len(list[1].Values) != 2 {
		t.Fatalf("ListSeries = %+v, %v", list, err)
	}
	if err := db.DeleteSeries(ctx, "Another", seriesEvent(tropa.ActionSeriesDelete, "Another")); err != nil {
		t.Fatalf("DeleteSeries: %v", err)
	}
	if err := db.DeleteSeries(ctx, "Another", seriesEvent(tropa.ActionSeriesDelete, "Another")); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("DeleteSeries twice = %v, want ENOTFOUND", err)
	}
	if _, err := db.SeriesByName(ctx, "Another"); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("SeriesByName of a deleted series = %v, want ENOTFOUND", err)
	}
	if list, err := db.ListSeries(ctx); err != nil || len(list) != 1 {
		t.Errorf("ListSeries after delete = %+v, %v", list, err)
	}
	// Three imports and a delete, but neither refusal.
	if n := auditLength(t, db) - before; n != 4 {
		t.Errorf("%d audit entries, want 4", n)
	}
}

// Retention deletes old cases, never a published series.
func TestRetentionKeepsSeries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		t.Parallel()
		ctx := context.Background()
		db := mustOpenStore(t, b)
		mustAge(t, db, aged{created: base, closed: base, disposition: tropa.DispositionCase, outcome: tropa.OutcomeSurrendered})
		s := courtSeries("Courts", 3, 4)
		if err := db.PutSeries(ctx, s, false, seriesEvent(tropa.ActionSeriesImport, s.Name)); err != nil {
			t.Fatal(err)
		}
		c := mustApplyRetention(t, db, tropa.RetentionBatch{ClosedBefore: base.Add(time.Hour), SpamBefore: base.Add(time.Hour),
			At: base.Add(time.Hour), Limit: 100})
		if c.DeletedClosed != 1 {
			t.Fatalf("retention deleted %+v, want the closed case", c)
		}
		if got, err := db.SeriesByName(ctx, "Courts"); err != nil || len(got.Values) != 2 {
			t.Errorf("after retention the series is %+v, %v", got, err)
		}
	})
}

// A database of the schema before series, with a request in it, takes
// series once this tropa opens it, and keeps what it held.
func TestUpgradeToSeries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		t.Parallel()
		ctx := context.Background()
		where := b.New(t)
		old, err := store.OpenAt(ctx, where, 22)
		if err != nil {
			t.Fatalf("OpenAt(22): %v", err)
		}
		id := tropa.NewID()
		oldRequest{"legal", "front", "web", "", "", base.UnixMicro(), 0}.insert(t, store.Writer(old), id)
		old.Close()
		db := storetest.Open(t, where)
		if _, err := db.RequestByID(ctx, id); err != nil {
			t.Fatalf("the request after the upgrade: %v", err)
		}
		s := courtSeries("Courts", 3)
		if err := db.PutSeries(ctx, s, false, seriesEvent(tropa.ActionSeriesImport, s.Name)); err != nil {
			t.Fatalf("PutSeries after the upgrade: %v", err)
		}
		if list, err := db.ListSeries(ctx); err != nil || len(list) != 1 {
			t.Errorf("ListSeries after the upgrade = %+v, %v", list, err)
		}
	})
}
