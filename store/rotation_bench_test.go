package store_test

import (
	"context"
	"fmt"
	"testing"

	"tropa"
	"tropa/store/storetest"
)

// rewrapBatch is the batch size the desk's rotation writes; a batch is one
// transaction, the longest a rotation keeps intake from writing.
const rewrapBatch = 256

// BenchmarkRewrap writes one batch of a key rotation: 256 case keys
// replaced in one transaction, each only if still as read. It runs on
// SQLite, and on PostgreSQL when TROPA_TEST_POSTGRES is set.
func BenchmarkRewrap(b *testing.B) {
	for _, backend := range []storetest.Backend{storetest.SQLite, storetest.Postgres} {
		b.Run(backend.Name, func(b *testing.B) {
			ctx := context.Background()
			s := mustOpenStore(b, backend)
			alice := newStaff("alice", tropa.RoleCaseworker, true)
			mustCreateStaff(b, s, alice)
			var batch []tropa.Rewrap
			for range rewrapBatch {
				n := newRequest(base, tropa.UrgencyNormal, alice.ID, tropa.HolderRecovery)
				n.Wraps[0].Wrapped = make([]byte, 200)
				mustCreateRequest(b, s, n)
				batch = append(batch, tropa.Rewrap{RequestID: n.Request.ID, Holder: alice.ID, Old: n.Wraps[0].Wrapped})
			}
			for i := 0; b.Loop(); i++ {
				for j := range batch {
					batch[j].New = fmt.Appendf(make([]byte, 0, 200), "%0200d", i)
				}
				if n, err := s.Rewrap(ctx, batch); err != nil || n != rewrapBatch {
					b.Fatalf("Rewrap = %d, %v", n, err)
				}
				for j := range batch {
					batch[j].Old = batch[j].New
				}
			}
		})
	}
}
