package desk_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/store/storetest"
)

// heldForBench is how many cases the staff member holds whose keys the
// benchmarks replace: a busy caseworker on intake after a year.
const heldForBench = 10000

// holdingFixture is a desk on the database where names, on which olena,
// on intake, holds n cases.
func holdingFixture(b *testing.B, where string, n int) (*fixture, *desk.Session) {
	b.Helper()
	f := newFixtureAt(b, where)
	olena := f.caseworker(b, "olena")
	const workers = 4
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				if _, err := f.desk.Submit(context.Background(), submission(fmt.Sprintf("@s%d", i), "Помогите")); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatalf("Submit: %v", err)
	}
	return f, olena
}

// BenchmarkRotate replaces the key pair of a staff member who holds 10,000
// cases: the new key pair stored, every case key unwrapped and wrapped
// again in batches, a second pass that finds none left, the old key
// deleted. It runs on SQLite, and on PostgreSQL when TROPA_TEST_POSTGRES
// names one.
func BenchmarkRotate(b *testing.B) {
	for _, backend := range []storetest.Backend{storetest.SQLite, storetest.Postgres} {
		b.Run(backend.Name, func(b *testing.B) {
			f, olena := holdingFixture(b, backend.New(b), heldForBench)
			benchmarkRotate(b, f, olena)
		})
	}
}

func benchmarkRotate(b *testing.B, f *fixture, olena *desk.Session) {
	ctx := context.Background()
	b.Run(fmt.Sprintf("held=%d", heldForBench), func(b *testing.B) {
		timed := f.timeBatches(b)
		for b.Loop() {
			if err := f.desk.RotateKeys(ctx, olena, password("olena")); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(heldForBench)/(b.Elapsed().Seconds()/float64(b.N)), "keys/s")
		b.ReportMetric(float64(timed.longest.Microseconds())/1000, "max-batch-ms")
	})
	// Intake goes on while a rotation runs: each rotation batch is one
	// write transaction that a submission may have to wait for. The
	// submissions use the test KDF cost, so that waiting for the database
	// is what their latency shows; "alone" is the same without a rotation.
	for _, rotating := range []bool{false, true} {
		name := "intake/alone"
		if rotating {
			name = "intake/during-rotation"
		}
		b.Run(name, func(b *testing.B) {
			f.desk.SetReceiptParams(testReceiptParams)
			timed := f.timeBatches(b)
			var lat []time.Duration
			for b.Loop() {
				lat = append(lat, intakeWhile(b, f, olena, rotating)...)
			}
			if rotating {
				b.ReportMetric(float64(timed.longest.Microseconds())/1000, "max-batch-ms")
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-submit-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-submit-ms")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-submit-ms")
			b.ReportMetric(float64(len(lat))/float64(b.N), "submits/op")
		})
	}
}

// intakeWhile submits requests one after another, for as long as a
// rotation of olena's keys takes when rotating, or for 200 submissions,
// and returns how long each took.
func intakeWhile(b *testing.B, f *fixture, olena *desk.Session, rotating bool) []time.Duration {
	ctx := context.Background()
	done := make(chan error, 1)
	if rotating {
		go func() { done <- f.desk.RotateKeys(ctx, olena, password("olena")) }()
	}
	var lat []time.Duration
	for i := 0; ; i++ {
		if rotating {
			select {
			case err := <-done:
				if err != nil {
					b.Fatal(err)
				}
				return lat
			default:
			}
		} else if i == 200 {
			return lat
		}
		start := time.Now()
		if _, err := f.desk.Submit(ctx, submission("@during", "Пока ключи меняются")); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
}

var testReceiptParams = kdfCosts[1].params

// timeBatches times the desk's rotation batches until b ends.
func (f *fixture) timeBatches(b *testing.B) *timedStore {
	timed := &timedStore{Store: f.store}
	f.desk.SetStore(timed)
	b.Cleanup(func() { f.desk.SetStore(f.store) })
	return timed
}

// timedStore keeps the longest a batch of a rotation took to write: alone,
// how long the rotation holds the database's writer; beside intake, that
// and the wait for the writer.
type timedStore struct {
	tropa.Store
	mu      sync.Mutex
	longest time.Duration
}

func (s *timedStore) Rewrap(ctx context.Context, wraps []tropa.Rewrap) (int64, error) {
	start := time.Now()
	n, err := s.Store.Rewrap(ctx, wraps)
	s.mu.Lock()
	s.longest = max(s.longest, time.Since(start))
	s.mu.Unlock()
	return n, err
}
