package botapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
)

// SecretHeader carries the webhook's secret on every post from Telegram.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// MaxUpdateBody is a sensible body limit for NewWebhookHandler: an update
// tropa reads is a few kilobytes; a long text with its entities stays far
// below this.
const MaxUpdateBody = 1 << 20

// NewWebhookHandler returns the handler Telegram posts updates to. It
// refuses a post without the secret header (401) or with another secret
// (403) before reading anything of the body, compares the secret in
// constant time, reads at most maxBody bytes (413 past that), and hands
// the one update to handle with the request's context.
//
// An update of a kind tropa does not read reaches handle as KindUnknown,
// to be ignored. When handle fails the answer is 500 and Telegram posts
// the same update again later; so it does when a node fails to answer.
// The handler does not deduplicate: an update can come twice, to this node
// or to another, and handle must make it count once, by update_id in
// storage that all nodes share.
func NewWebhookHandler(secret string, maxBody int64, handle func(context.Context, Update) error) (http.Handler, error) {
	if err := checkSecret(secret); err != nil {
		return nil, err
	}
	return &webhook{want: sha256.Sum256([]byte(secret)), maxBody: maxBody, handle: handle}, nil
}

type webhook struct {
	want    [sha256.Size]byte
	maxBody int64
	handle  func(context.Context, Update) error
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	got, ok := r.Header[SecretHeader]
	if !ok || len(got) != 1 {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	// Hashing first makes the comparison take the same time whatever
	// the length of the guess.
	sum := sha256.Sum256([]byte(got[0]))
	if subtle.ConstantTimeCompare(sum[:], h.want[:]) != 1 {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	u, err := DecodeUpdate(body)
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if err := h.handle(r.Context(), u); err != nil {
		http.Error(w, "not handled", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}
