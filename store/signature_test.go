package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/seal"
	"tropa/store"
	"tropa/store/storetest"
)

func TestSigningKeys(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testSigningKeys)
}

func testSigningKeys(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	s := mustOpenStore(t, b)
	key := newSigningKey(t)
	k := &tropa.SigningKey{Fingerprint: seal.Fingerprint(key.Public()), StaffID: "alice", PublicKey: key.Public(), CreatedAt: base}
	register := tropa.AuditEvent{At: base, Actor: "alice", Action: tropa.ActionSigningKey, Detail: k.Fingerprint}

	if _, err := s.SigningKey(ctx, k.Fingerprint); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Fatalf("SigningKey before it is added: %v, want ENOTFOUND", err)
	}
	if err := s.AddSigningKey(ctx, k, register); err != nil {
		t.Fatalf("AddSigningKey: %v", err)
	}
	if err := s.AddSigningKey(ctx, k, register); !tropa.IsCode(err, tropa.ECONFLICT) {
		t.Errorf("AddSigningKey again: %v, want ECONFLICT", err)
	}
	if n := auditLength(t, s); n != 1 {
		t.Errorf("the audit log has %d entries after registering one key twice; want 1: a refused key leaves no entry", n)
	}
	got, err := s.SigningKey(ctx, k.Fingerprint)
	if err != nil || got.StaffID != k.StaffID || !slices.Equal(got.PublicKey, k.PublicKey) || !got.CreatedAt.Equal(base.Truncate(time.Microsecond)) {
		t.Errorf("SigningKey = %+v, %v; want %+v", got, err, k)
	}
	if list, err := s.SigningKeys(ctx); err != nil || len(list) != 1 || list[0].Fingerprint != k.Fingerprint {
		t.Errorf("SigningKeys = %+v, %v; want the one key", list, err)
	}

	seq, hash, err := s.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sig := &tropa.AuditSignature{Seq: seq, Fingerprint: k.Fingerprint, At: base, Signature: key.Sign(tropa.HeadMessage(seq, hash))}
	for range 2 {
		if err := s.AddAuditSignature(ctx, sig); err != nil {
			t.Fatalf("AddAuditSignature: %v", err)
		}
	}
	sigs, err := s.AuditSignatures(ctx)
	if err != nil || len(sigs) != 1 || sigs[0].Seq != seq || !slices.Equal(sigs[0].Signature, sig.Signature) {
		t.Errorf("AuditSignatures = %+v, %v; want the one signature, stored once", sigs, err)
	}
}

func newSigningKey(t *testing.T) *seal.SigningKey {
	t.Helper()
	id, err := seal.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	return id.SigningKey()
}

// signedLog is a log that alice and bob signed at their logins, as desk
// does: alice at entry 3, bob at entry 6 (each registering a key), alice
// again at entry 8; entries 9 and 10 are signed by no one.
type signedLog struct {
	s          *store.DB
	alice, bob *tropa.StaffRecord
	keys       map[string]*seal.SigningKey
}

func newSignedLog(t *testing.T, b storetest.Backend) *signedLog {
	t.Helper()
	l := &signedLog{s: mustOpenStore(t, b), alice: newStaff("alice", tropa.RoleCaseworker, true),
		bob: newStaff("bob", tropa.RoleCoordinator, true), keys: map[string]*seal.SigningKey{}}
	mustCreateStaff(t, l.s, l.alice) // 1
	mustCreateStaff(t, l.s, l.bob)   // 2
	l.login(t, l.alice)              // 3, 4
	l.audit(t, tropa.AuditEvent{Actor: l.alice.ID, Action: tropa.ActionRequestOpen, RequestID: "r1"})
	l.login(t, l.bob) // 6, 7
	l.login(t, l.alice)
	l.audit(t, tropa.AuditEvent{Actor: l.bob.ID, Action: tropa.ActionRequestOpen, RequestID: "r1"})
	l.audit(t, tropa.AuditEvent{Actor: l.bob.ID, Action: tropa.ActionRequestReply, RequestID: "r1"})
	return l
}

func (l *signedLog) audit(t *testing.T, ev tropa.AuditEvent) {
	t.Helper()
	ev.At = base.Add(time.Duration(auditLength(t, l.s)) * time.Minute)
	if err := l.s.Audit(context.Background(), ev); err != nil {
		t.Fatalf("Audit: %v", err)
	}
}

// login audits a login and signs the head, registering the staff member's
// key first if it is new.
func (l *signedLog) login(t *testing.T, st *tropa.StaffRecord) {
	t.Helper()
	ctx := context.Background()
	l.audit(t, tropa.AuditEvent{Actor: st.ID, Action: tropa.ActionLogin})
	key, ok := l.keys[st.ID]
	if !ok {
		key = newSigningKey(t)
		l.keys[st.ID] = key
		fp := seal.Fingerprint(key.Public())
		if err := l.s.AddSigningKey(ctx, &tropa.SigningKey{Fingerprint: fp, StaffID: st.ID, PublicKey: key.Public(), CreatedAt: base},
			tropa.AuditEvent{At: base, Actor: st.ID, Action: tropa.ActionSigningKey, Detail: fp}); err != nil {
			t.Fatalf("AddSigningKey: %v", err)
		}
	}
	seq, hash, err := l.s.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.s.AddAuditSignature(ctx, &tropa.AuditSignature{Seq: seq, Fingerprint: seal.Fingerprint(key.Public()),
		At: base, Signature: key.Sign(tropa.HeadMessage(seq, hash))}); err != nil {
		t.Fatalf("AddAuditSignature: %v", err)
	}
}

func TestSignedLogVerifies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		t.Parallel()
		l := newSignedLog(t, b)
		rep, err := desk.VerifyAudit(context.Background(), l.s)
		if err != nil {
			t.Fatalf("VerifyAudit: %v", err)
		}
		if rep.Entries != 10 || rep.Signatures != 3 || rep.Vouched != 8 || len(rep.Signers) != 2 {
			t.Errorf("VerifyAudit = %d entries, %d signatures, vouched to %d, %d signers; want 10, 3, 8, 2",
				rep.Entries, rep.Signatures, rep.Vouched, len(rep.Signers))
		}
		for _, s := range rep.Signers {
			if want := map[string]int64{"alice": 8, "bob": 7}[s.Name]; s.Last.Seq != want {
				t.Errorf("%s last vouched for entry %d, want %d", s.Name, s.Last.Seq, want)
			}
		}
	})
}

// An insider who can write the database rewrites the log and recomputes
// every hash and the head, as the chain alone allows: the signatures made
// since the changed entry no longer match, and the first is named.
func TestRewrittenLogBreaksSignatures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(l *signedLog, list []tropa.AuditEntry) []tropa.AuditEntry
		want string
	}{
		{"an open's detail changed", func(_ *signedLog, list []tropa.AuditEntry) []tropa.AuditEntry {
			list[4].Detail = "nothing to see"
			return list
		}, "signature of audit entry 7 by bob"},
		{"an open deleted", func(_ *signedLog, list []tropa.AuditEntry) []tropa.AuditEntry {
			return slices.Delete(list, 4, 5)
		}, "signature of audit entry 7 by bob"},
		{"an entry slipped in", func(l *signedLog, list []tropa.AuditEntry) []tropa.AuditEntry {
			return slices.Insert(list, 1, tropa.AuditEntry{AuditEvent: tropa.AuditEvent{At: base, Actor: l.bob.ID,
				Action: tropa.ActionRequestOpen, RequestID: "r9"}})
		}, "signature of audit entry 4 by alice"},
		{"the first entry's actor changed", func(l *signedLog, list []tropa.AuditEntry) []tropa.AuditEntry {
			list[0].Actor = l.bob.ID
			return list
		}, "signature of audit entry 4 by alice"},
		{"the signed entries cut off", func(_ *signedLog, list []tropa.AuditEntry) []tropa.AuditEntry {
			return list[:6]
		}, "signature of audit entry 7 by bob is past the log's end, entry 6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, b storetest.Backend) {
				t.Parallel()
				l := newSignedLog(t, b)
				storetest.RewriteAudit(t, store.Writer(l.s), func(list []tropa.AuditEntry) []tropa.AuditEntry {
					return tt.edit(l, list)
				})
				_, err := desk.VerifyAudit(context.Background(), l.s)
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("VerifyAudit after the rewrite: %v; want an error naming %q", err, tt.want)
				}
			})
		})
	}
}

// An insider who also puts a key of their own in place of a staff
// member's, and signs again with it, passes every check made with the
// database alone; the signer list kept offline catches it.
func TestSwappedSigningKeyCaughtByList(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		t.Parallel()
		ctx := context.Background()
		l := newSignedLog(t, b)
		list, err := desk.New(desk.Config{Store: l.s}).Signers(ctx)
		if err != nil {
			t.Fatalf("Signers: %v", err)
		}
		if _, err := desk.VerifyAuditAgainst(ctx, l.s, list); err != nil {
			t.Fatalf("VerifyAudit against the list before any rewrite: %v", err)
		}

		raw := store.Writer(l.s)
		storetest.RewriteAudit(t, raw, func(list []tropa.AuditEntry) []tropa.AuditEntry {
			list[4].Detail = "nothing to see"
			return list
		})
		storetest.SwapSigningKeys(t, raw, map[string]*seal.SigningKey{l.alice.ID: newSigningKey(t), l.bob.ID: newSigningKey(t)})
		if _, err := desk.VerifyAudit(ctx, l.s); err != nil {
			t.Fatalf("VerifyAudit without the list: %v; the swap was meant to pass it", err)
		}
		_, err = desk.VerifyAuditAgainst(ctx, l.s, list)
		if err == nil || !strings.Contains(err.Error(), "is not in the database") {
			t.Errorf("VerifyAudit against the list: %v; want the listed key missing from the database", err)
		}
	})
}

// An insider who rewrites the log and deletes every signature it breaks
// passes the check made with the database alone, which then vouches for
// less; the head on the signer list kept offline catches it.
func TestDroppedSignaturesCaughtByListHead(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		t.Parallel()
		ctx := context.Background()
		l := newSignedLog(t, b)
		list, err := desk.New(desk.Config{Store: l.s}).Signers(ctx)
		if err != nil {
			t.Fatalf("Signers: %v", err)
		}
		raw := store.Writer(l.s)
		storetest.RewriteAudit(t, raw, func(list []tropa.AuditEntry) []tropa.AuditEntry {
			list[4].Detail = "nothing to see"
			return list
		})
		if _, err := raw.Exec(`DELETE FROM audit_signatures WHERE seq >= 5`); err != nil {
			t.Fatal(err)
		}
		rep, err := desk.VerifyAudit(ctx, l.s)
		if err != nil || rep.Vouched != 4 {
			t.Fatalf("VerifyAudit without the list = vouched to %d, %v; want entry 4, before the change", rep.Vouched, err)
		}
		_, err = desk.VerifyAuditAgainst(ctx, l.s, list)
		if err == nil || !strings.Contains(err.Error(), "audit entry 10 no longer hashes to what the signer list recorded") {
			t.Errorf("VerifyAudit against the list: %v; want the list's head not matching", err)
		}
	})
}

// An installation from before signatures is migrated: its log, signed by
// no one, still verifies and is reported as vouched for by no one; the
// first login after the upgrade signs it whole.
func TestUpgradeThenSign(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		t.Parallel()
		ctx := context.Background()
		where := b.New(t)
		old, err := store.OpenAt(ctx, where, 8)
		if err != nil {
			t.Fatal(err)
		}
		alice := newStaff("alice", tropa.RoleCaseworker, true)
		mustCreateStaff(t, old, alice)
		for i := range 3 {
			if err := old.Audit(ctx, tropa.AuditEvent{At: base.Add(time.Duration(i) * time.Minute), Actor: alice.ID,
				Action: tropa.ActionLogin}); err != nil {
				t.Fatal(err)
			}
		}
		if err := old.Close(); err != nil {
			t.Fatal(err)
		}

		l := &signedLog{s: storetest.Open(t, where), alice: alice, keys: map[string]*seal.SigningKey{}}
		rep, err := desk.VerifyAudit(ctx, l.s)
		if err != nil || rep.Entries != 4 || rep.Vouched != 0 {
			t.Fatalf("VerifyAudit after the upgrade = %d entries, vouched to %d, %v; want 4, none", rep.Entries, rep.Vouched, err)
		}
		l.login(t, alice)
		rep, err = desk.VerifyAudit(ctx, l.s)
		if err != nil || rep.Vouched != rep.Entries || rep.Entries != 6 {
			t.Errorf("VerifyAudit after the first login = %d entries, vouched to %d, %v; want all 6", rep.Entries, rep.Vouched, err)
		}
	})
}
