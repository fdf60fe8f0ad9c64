package store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"tropa"
	"tropa/store"
	"tropa/store/storetest"
)

// sealedLike returns bytes standing in for a sealed value: random, so that
// they are found on disk only where they were written, and long enough to
// spill into SQLite's overflow pages, as a long message does.
func sealedLike(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// onDisk reports which of blobs are in some file of dir, by hex.
func onDisk(tb testing.TB, dir string, blobs [][]byte) map[string]bool {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no files in %s (%v)", dir, err)
	}
	found := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for _, b := range blobs {
			if bytes.Contains(data, b) {
				found[hex.EncodeToString(b[:8])+" in "+filepath.Base(f)] = true
			}
		}
	}
	return found
}

// TestReclaimSQLite deletes requests whose sealed values are random bytes,
// and erases the contact of another, and then reads the data directory as
// someone who took the disk: none of those bytes is left in the database or
// its write-ahead log, while the rest of the request that stays is.
func TestReclaimSQLite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := storetest.SQLite.New(t)
	db := storetest.Open(t, dir)
	var gone [][]byte
	for i := range 30 {
		n := newRequest(base.Add(-100*day), tropa.UrgencyNormal, "alice", tropa.HolderRecovery)
		n.Request.SealedContact, n.First.SealedBody = sealedLike(100), sealedLike(3000+i)
		n.Wraps[0].Wrapped, n.Wraps[1].Wrapped, n.Receipt.SealedKey = sealedLike(200), sealedLike(200), sealedLike(72)
		gone = append(gone, n.Request.SealedContact, n.First.SealedBody, n.Wraps[0].Wrapped, n.Wraps[1].Wrapped, n.Receipt.SealedKey)
		mustCreateRequest(t, db, n)
		mustUpdateCase(t, db, &tropa.CaseUpdate{RequestID: n.Request.ID, At: base, Disposition: ptr(tropa.DispositionSpam),
			Stage: ptr(tropa.StageClosed), ClosedAt: ptr(base.Add(-100 * day))})
	}
	// A case closed with its contact due for erasure: the contact goes,
	// its message stays.
	kept := newRequest(base.Add(-100*day), tropa.UrgencyNormal, "alice")
	kept.Request.SealedContact, kept.First.SealedBody = sealedLike(100), sealedLike(3000)
	gone = append(gone, kept.Request.SealedContact)
	mustCreateRequest(t, db, kept)
	mustUpdateCase(t, db, &tropa.CaseUpdate{RequestID: kept.Request.ID, At: base, Disposition: ptr(tropa.DispositionCase),
		Stage: ptr(tropa.StageClosed), Outcome: ptr(tropa.OutcomeLeftCountry), ClosedAt: ptr(base.Add(-100 * day))})
	if found := onDisk(t, dir, gone); len(found) < len(gone) {
		t.Fatalf("before deleting, %d of %d sealed values are on disk: the search misses what the store wrote", len(found), len(gone))
	}

	c := mustApplyRetention(t, db, (tropa.Retention{SpamAfter: 1, ContactAfter: 1}).Batch(base, 100))
	if c != (tropa.RetentionCounts{DeletedSpam: 30, ContactsErased: 1}) {
		t.Fatalf("did %+v, want 30 spam deleted and 1 contact erased", c)
	}
	if err := db.Reclaim(ctx); err != nil {
		t.Fatalf("Reclaim: %v", err)
	}
	if found := onDisk(t, dir, gone); len(found) > 0 {
		t.Errorf("%d deleted or erased sealed values left on disk, such as %v", len(found),
			slices.Sorted(maps.Keys(found))[:1])
	}
	if found := onDisk(t, dir, [][]byte{kept.First.SealedBody}); len(found) == 0 {
		t.Error("the kept request's message is on no file: the search is broken")
	}
	var free int
	if err := store.Writer(db).QueryRowContext(ctx, `PRAGMA freelist_count`).Scan(&free); err != nil || free != 0 {
		t.Errorf("free pages after Reclaim = %d, %v; want 0", free, err)
	}
	if st, err := os.Stat(filepath.Join(dir, store.DBFile+"-wal")); err != nil || st.Size() != 0 {
		t.Errorf("write-ahead log after Reclaim: %v, %v; want it empty", st, err)
	}
}

// TestReclaimPostgres checks that Reclaim rewrites the tables that hold
// keys and contacts, as VACUUM FULL does, and vacuums the others.
func TestReclaimPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t, storetest.Postgres.New(t))
	n := mustAge(t, db, aged{created: base, closed: base, disposition: tropa.DispositionSpam})
	mustApplyRetention(t, db, (tropa.Retention{SpamAfter: 1}).Batch(base.Add(2*day), 100))
	files := func() map[string]string {
		m := map[string]string{}
		for _, table := range []string{"key_wraps", "receipts", "requests", "messages"} {
			var node string
			if err := store.Writer(db).QueryRowContext(ctx, `SELECT pg_relation_filenode($1)::text`, table).Scan(&node); err != nil {
				t.Fatalf("filenode of %s: %v", table, err)
			}
			m[table] = node
		}
		return m
	}
	before := files()
	if err := db.Reclaim(ctx); err != nil {
		t.Fatalf("Reclaim: %v", err)
	}
	after := files()
	for _, table := range []string{"key_wraps", "receipts", "requests"} {
		if before[table] == after[table] {
			t.Errorf("%s was not rewritten: still file %s", table, after[table])
		}
	}
	if before["messages"] != after["messages"] {
		t.Errorf("messages was rewritten; a plain VACUUM is enough for what only destroyed keys open")
	}
	if _, err := db.ReceiptByLookup(ctx, n.Receipt.Lookup); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("receipt after Reclaim: %v, want ENOTFOUND", err)
	}
}

// TestIncrementalVacuumConversion opens a database made before auto_vacuum
// was set: it is converted once, so that Reclaim can give pages back.
func TestIncrementalVacuumConversion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := storetest.SQLite.New(t)
	db, err := store.OpenSQLite(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	mustCreateRequest(t, db, newRequest(base, tropa.UrgencyNormal, tropa.HolderRecovery))
	db.Close()
	mode := func() int {
		raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DBFile))
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var m int
		if err := raw.QueryRow(`PRAGMA auto_vacuum`).Scan(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := mode(); m != 2 {
		t.Fatalf("a new database has auto_vacuum %d, want 2 (incremental)", m)
	}
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`PRAGMA auto_vacuum = NONE; VACUUM`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if m := mode(); m != 0 {
		t.Fatalf("after turning it off auto_vacuum is %d, want 0", m)
	}
	db = storetest.Open(t, dir)
	if m := mode(); m != 2 {
		t.Errorf("after opening an old database auto_vacuum is %d, want 2 (incremental)", m)
	}
	if list, err := db.Queue(ctx, tropa.QueueFilter{Holder: tropa.HolderRecovery}); err != nil || len(list) != 1 {
		t.Errorf("after the conversion the queue holds %d, %v; want the one request", len(list), err)
	}
}
