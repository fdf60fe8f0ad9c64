package desk

import (
	"strconv"
	"sync"
	"time"

	"tropa"
	"tropa/seal"
)

// sealChat seals a Telegram chat id as a contact is sealed (sealContact):
// under a key of its own, sealed under the case key, so that erasing both
// leaves nothing that opens a copy made before. Neither the id nor any hash
// of it is stored anywhere else.
func sealChat(caseKey *seal.Key, requestID string, chat int64) (sealed, sealedKey []byte) {
	k := seal.NewKey()
	return seal.SealString(&k, strconv.FormatInt(chat, 10), chatAAD(requestID)),
		seal.Seal(caseKey, k[:], chatKeyAAD(requestID))
}

// openChat opens a request's Telegram chat with its case key: 0 if it has
// none.
func openChat(caseKey *seal.Key, rr *tropa.RequestRecord) (int64, error) {
	if rr.SealedChat == nil {
		return 0, nil
	}
	b, err := seal.Open(caseKey, rr.SealedChatKey, chatKeyAAD(rr.ID))
	if err != nil || len(b) != len(seal.Key{}) {
		return 0, tropa.Errorf(tropa.EINTERNAL, "open chat key of request: %v", err)
	}
	s, err := seal.OpenString((*seal.Key)(b), rr.SealedChat, chatAAD(rr.ID))
	if err != nil {
		return 0, tropa.Errorf(tropa.EINTERNAL, "open chat of request: %v", err)
	}
	chat, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, tropa.Errorf(tropa.EINTERNAL, "chat of request is not a number")
	}
	return chat, nil
}

func chatAAD(requestID string) seal.AAD {
	return seal.AAD{Table: "requests", Row: requestID, Field: "chat"}
}

func chatKeyAAD(requestID string) seal.AAD {
	return seal.AAD{Table: "requests", Row: requestID, Field: "chat_key"}
}

// ChatLinkIdle is how long a chat's link to its request outlasts the last
// thing done through it. After that the applicant sends his receipt again:
// the link exists to spare him retyping it while he writes, not to keep a
// list of who wrote.
const ChatLinkIdle = 7 * 24 * time.Hour

// chatLinks is which request each Telegram chat writes to, kept in this
// node's memory and nowhere else. The disk holds each chat only sealed
// under its case key, so a message arriving from a chat can be matched to
// its case only here, or by the receipt the applicant holds: that is what
// keeps a holder of the disk from telling whether a given chat ever wrote.
// It holds no key, only the request's id: what arrives is sealed to the
// inbound public key read with the request.
type chatLinks struct {
	mu     sync.Mutex
	byChat map[int64]chatLink
	// swept is when links idle too long were last dropped.
	swept time.Time
}

// chatLink is a chat's request, and the request's sealed chat when the
// link was made: a chat that another replaced, or that was erased and
// linked again since, as on another node, no longer matches it.
type chatLink struct {
	requestID string
	sealed    []byte
	usedAt    time.Time
}

func newChatLinks() *chatLinks {
	return &chatLinks{byChat: map[int64]chatLink{}}
}

// set links chat to a request whose sealed chat is now sealed, replacing
// the request it wrote to before and any other chat of the request: a
// request has one chat.
func (l *chatLinks) set(chat int64, requestID string, sealed []byte, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c, link := range l.byChat {
		if link.requestID == requestID {
			delete(l.byChat, c)
		}
	}
	l.byChat[chat] = chatLink{requestID: requestID, sealed: sealed, usedAt: now}
	if now.Sub(l.swept) < time.Hour {
		return
	}
	for c, link := range l.byChat {
		if now.Sub(link.usedAt) > ChatLinkIdle {
			delete(l.byChat, c)
		}
	}
	l.swept = now
}

// get returns chat's link, if it is not idle too long, and notes it used.
func (l *chatLinks) get(chat int64, now time.Time) (chatLink, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	link, ok := l.byChat[chat]
	if !ok {
		return chatLink{}, false
	}
	if now.Sub(link.usedAt) > ChatLinkIdle {
		delete(l.byChat, chat)
		return chatLink{}, false
	}
	link.usedAt = now
	l.byChat[chat] = link
	return link, true
}

// unlink unlinks chat, if it is linked to requestID.
func (l *chatLinks) unlink(chat int64, requestID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byChat[chat].requestID == requestID {
		delete(l.byChat, chat)
	}
}

// drop unlinks every chat from requestID: its contact is erased, or the
// request is gone.
func (l *chatLinks) drop(requestID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c, link := range l.byChat {
		if link.requestID == requestID {
			delete(l.byChat, c)
		}
	}
}
