package telegram

import (
	"sync"
	"time"
)

// Chats are the chats' states, in this node's memory only: a chat quiet
// for IdleAfter is forgotten, with any answers it held.
type Chats struct {
	now func() time.Time

	mu    sync.Mutex
	byID  map[Chat]*chatState
	swept time.Time
}

// IdleAfter is how long a chat's state is kept after its last event.
const IdleAfter = 24 * time.Hour

// chatState is one chat's state; its lock keeps the chat's events, and
// the replies sent to it, in turn. last is read and written under the
// Chats' lock.
type chatState struct {
	mu   sync.Mutex
	st   State
	last time.Time
}

// NewChats keeps chats' states by the clock now.
func NewChats(now func() time.Time) *Chats {
	return &Chats{now: now, byID: map[Chat]*chatState{}}
}

// lock returns chat's state, made for its first event, locked for the
// caller; chats idle for IdleAfter are forgotten on the way.
func (cs *Chats) lock(id Chat) *chatState {
	cs.mu.Lock()
	now := cs.now()
	if now.Sub(cs.swept) > time.Minute {
		for other, c := range cs.byID {
			if c.mu.TryLock() {
				if now.Sub(c.last) > IdleAfter {
					delete(cs.byID, other)
				}
				c.mu.Unlock()
			}
		}
		cs.swept = now
	}
	c, ok := cs.byID[id]
	if !ok {
		c = &chatState{}
		cs.byID[id] = c
	}
	// Taken now, so that no sweep forgets it before the caller has it.
	c.last = now
	cs.mu.Unlock()
	c.mu.Lock()
	return c
}

// unlock ends the caller's turn with c, which counts as the chat's latest
// activity.
func (cs *Chats) unlock(c *chatState) {
	cs.mu.Lock()
	c.last = cs.now()
	cs.mu.Unlock()
	c.mu.Unlock()
}
