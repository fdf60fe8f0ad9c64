package desk

import (
	"context"
	"testing"

	"tropa"
	"tropa/seal"
	"tropa/store/storetest"
)

// BenchmarkSignAudit measures what signing the audit log adds to a login:
// the key looked up, the head read, an Ed25519 signature and its row. A
// login after a new key pair also registers the key, with an audit entry.
// Compare with seal's BenchmarkPasswordKey, the argon2id every login pays.
func BenchmarkSignAudit(b *testing.B) {
	ctx := context.Background()
	for _, backend := range []storetest.Backend{storetest.SQLite, storetest.Postgres} {
		b.Run(backend.Name, func(b *testing.B) {
			d := New(Config{Store: storetest.Open(b, backend.New(b))})
			// Each login signs a head that moved since the last: the login's
			// own entry, appended here with the timer stopped, since a login
			// writes it anyway.
			login := func(b *testing.B, id *seal.Identity) {
				b.StopTimer()
				if err := d.cfg.Store.Audit(ctx, tropa.AuditEvent{At: d.now(), Actor: "staff", Action: tropa.ActionLogin}); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := d.signAudit(ctx, "staff", id); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("known key", func(b *testing.B) {
				id, err := seal.NewIdentity()
				if err != nil {
					b.Fatal(err)
				}
				for range b.N {
					login(b, id)
				}
			})
			b.Run("new key", func(b *testing.B) {
				ids := make([]*seal.Identity, b.N)
				for i := range ids {
					var err error
					if ids[i], err = seal.NewIdentity(); err != nil {
						b.Fatal(err)
					}
				}
				b.ResetTimer()
				for i := range b.N {
					login(b, ids[i])
				}
			})
		})
	}
}
