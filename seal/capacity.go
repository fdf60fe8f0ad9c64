package seal

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
)

// Capacity measures how many receipt derivations with p this machine does
// a second with workers goroutines running them side by side for about d:
// the most submissions a second tropa can take, since each costs one.
func Capacity(ctx context.Context, p Params, workers int, d time.Duration) float64 {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	secret, salt := []byte(NewReceipt().Secret), RandomBytes(16)
	var done atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range max(workers, 1) {
		wg.Go(func() {
			for ctx.Err() == nil {
				argon2.IDKey(secret, salt, p.Time, p.MemoryKiB, p.Threads, 64)
				done.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(done.Load()) / time.Since(start).Seconds()
}
