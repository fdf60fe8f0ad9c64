package admission

import (
	"encoding/binary"
	"testing"
	"time"
)

// Each key has its own tries; one key spending them leaves the others in.
// A refusal by everyone's limit gives the key its try back.
func TestLimiterPerKeyAndEveryone(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := NewLimiter(time.Minute, 2, 1000)
	a, b := []byte("network a"), []byte("network b")
	for i := range 2 {
		if wait, _ := l.Reserve(a, now); wait != 0 {
			t.Fatalf("try %d of a: wait %v", i+1, wait)
		}
	}
	wait, everyone := l.Reserve(a, now)
	if wait <= 0 || everyone {
		t.Errorf("a's third try: wait %v, everyone %v; want a wait for a's own limit", wait, everyone)
	}
	if !l.Allow(b, now) {
		t.Error("b refused after a spent its tries")
	}
	if l.Allow(a, now.Add(29*time.Second)) {
		t.Error("a allowed again before a try came back")
	}
	if !l.Allow(a, now.Add(time.Minute)) {
		t.Error("a refused a minute later")
	}

	// Everyone's limit: 1 a second, bursts of 2.
	g := NewLimiter(time.Minute, 5, 1)
	c := []byte("network c")
	for i := range 2 {
		if !g.Allow(nil, now) {
			t.Fatalf("try %d from no key refused", i+1)
		}
	}
	if wait, everyone := g.Reserve(c, now); wait <= 0 || !everyone {
		t.Fatalf("c with everyone's tries spent: wait %v, everyone %v; want everyone's wait", wait, everyone)
	}
	// c's tries were given back: all five are there once everyone's are.
	for i := range 5 {
		if !g.Allow(c, now.Add(time.Duration(i+3)*time.Second)) {
			t.Fatalf("c's try %d refused: the refusal by everyone's limit cost c a try", i+1)
		}
	}
}

// A user the channel cannot tell apart (no key) meets only everyone's
// limit, however often he comes.
func TestLimiterNoKey(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := NewLimiter(time.Minute, 1, 1000)
	for i := range 100 {
		if wait, _ := l.Reserve(nil, now); wait != 0 {
			t.Fatalf("try %d without a key: wait %v", i+1, wait)
		}
	}
}

// BenchmarkLimiterReserve is what the limits add to every submission: a
// try from a new key's bucket and from everyone's.
func BenchmarkLimiterReserve(b *testing.B) {
	l := NewLimiter(time.Minute, 5, 1e9)
	now := time.Now()
	key := make([]byte, 8)
	var n uint64
	for b.Loop() {
		n++
		binary.BigEndian.PutUint64(key, n)
		if wait, _ := l.Reserve(key, now); wait != 0 {
			b.Fatal("refused")
		}
	}
}
