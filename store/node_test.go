package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"tropa/store/storetest"
)

// TestLease: a lease is taken when free, refused to another while held,
// renewed by its holder only, taken by another once its time ran out, and
// free again once released.
func TestLease(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testLease)
}

func testLease(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	const ttl = 30 * time.Second
	take := func(holder string, at time.Time) bool {
		t.Helper()
		ok, err := db.TakeLease(ctx, "telegram", holder, at, at.Add(ttl))
		if err != nil {
			t.Fatalf("TakeLease(%s): %v", holder, err)
		}
		return ok
	}
	if !take("node-a", base) {
		t.Fatal("a free lease was refused")
	}
	if take("node-b", base.Add(ttl-time.Second)) {
		t.Fatal("a held lease was given to another node")
	}
	if !take("node-a", base.Add(20*time.Second)) {
		t.Fatal("the holder could not renew its lease")
	}
	if take("node-b", base.Add(ttl+time.Second)) {
		t.Fatal("another node took a lease its holder had renewed")
	}
	if ok, err := db.TakeLease(ctx, "other", "node-b", base, base.Add(ttl)); err != nil || !ok {
		t.Fatalf("a lease of another name = %v, %v; want it taken", ok, err)
	}
	if !take("node-b", base.Add(20*time.Second+ttl)) {
		t.Fatal("a lease whose time ran out was not taken")
	}
	if take("node-a", base.Add(20*time.Second+ttl+time.Second)) {
		t.Fatal("the old holder renewed a lease another node holds")
	}
	if err := db.ReleaseLease(ctx, "telegram", "node-a"); err != nil {
		t.Fatal(err)
	}
	if take("node-a", base.Add(time.Minute)) {
		t.Fatal("a release by a node that does not hold the lease let it go")
	}
	if err := db.ReleaseLease(ctx, "telegram", "node-b"); err != nil {
		t.Fatal(err)
	}
	if !take("node-a", base.Add(time.Minute)) {
		t.Fatal("a released lease was refused")
	}
}

// TestLeaseRace: of nodes asking for a free lease at once, one gets it.
func TestLeaseRace(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testLeaseRace)
}

func testLeaseRace(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	const nodes = 8
	got := make(chan bool, nodes)
	for i := range nodes {
		go func() {
			ok, err := db.TakeLease(ctx, "telegram", string(rune('a'+i)), base, base.Add(time.Minute))
			if err != nil {
				t.Error(err)
			}
			got <- ok
		}()
	}
	var held []bool
	for range nodes {
		held = append(held, <-got)
	}
	if n := len(slices.DeleteFunc(held, func(ok bool) bool { return !ok })); n != 1 {
		t.Errorf("%d nodes hold the lease, want 1", n)
	}
}

// TestFirstUpdate: an update id is first once, whoever notes it again,
// until it is forgotten a day later.
func TestFirstUpdate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testFirstUpdate)
}

func testFirstUpdate(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	db := mustOpenStore(t, b)
	first := func(id int64, at time.Time) bool {
		t.Helper()
		ok, err := db.FirstUpdate(ctx, id, at)
		if err != nil {
			t.Fatalf("FirstUpdate(%d): %v", id, err)
		}
		return ok
	}
	if !first(100001, base) || !first(100002, base.Add(time.Hour)) {
		t.Fatal("a new update id was not first")
	}
	if first(100001, base.Add(time.Minute)) {
		t.Fatal("an update id was first twice")
	}
	n, err := db.ForgetUpdates(ctx, base.Add(time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("ForgetUpdates = %d, %v; want the older one", n, err)
	}
	if !first(100001, base.Add(2*time.Hour)) || first(100002, base.Add(2*time.Hour)) {
		t.Error("after forgetting the older id: want it first again, the newer still seen")
	}
}
