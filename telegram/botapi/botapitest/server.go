// Package botapitest is a fake Telegram Bot API server for tests and
// simulations: an
// httptest server on loopback that speaks the methods botapi calls, for one
// bot token, the way Telegram does (its answers, its errors, its refusal of
// a wrong token). A test plays the user (Text, Press, Photo, Document,
// EditText, Block), which queues updates for getUpdates; reads what the
// bot did (Sent, WaitSent, Chat); and makes the server misbehave
// (TooManyRequests, Block, Revoke, SetUnreachable).
//
// Requests are read as JSON, as botapi sends them.
package botapitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tropa/telegram/botapi"
)

// Token is the fake bot's token: made up, in the form of a real one.
const Token = "7000000001:AAFakeTokenOfTheBotapitestServer01"

// maxFile is the largest file the Bot API lets a bot download.
const maxFile = 20 << 20

// waitFor bounds WaitSent.
const waitFor = 5 * time.Second

// Record is one thing the bot did in a chat, as the server accepted it.
type Record struct {
	// Method is sendMessage, editMessageText, deleteMessage or
	// answerCallbackQuery.
	Method    string
	ChatID    int64
	MessageID int64
	Text      string
	Buttons   [][]botapi.Button
	ReplyTo   int64
	// Protected says the message was sent with protect_content.
	Protected bool
	// QueryID is the callback query answered.
	QueryID string
}

// Bubble is one message of a chat as the user sees it now: edits applied,
// deleted messages gone.
type Bubble struct {
	MessageID int64
	// Bot is true for the bot's messages, false for the user's.
	Bot     bool
	Text    string
	Buttons [][]botapi.Button
	Date    time.Time
}

// Server is the fake Bot API. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL to give botapi.New.
	URL string
	tb  testing.TB
	srv *httptest.Server

	mu          sync.Mutex
	changed     chan struct{}
	now         func() time.Time
	updates     []queued
	nextUpdate  int64
	nextMessage int64
	nextQuery   int64
	chats       map[int64]*chat
	queries     map[string]bool
	files       map[string][]byte
	commands    map[string][]botapi.Command
	records     []Record
	calls       map[string]int
	tooMany     int
	retryAfter  int
	revoked     bool
	unreachable bool
	webhook     string
	secret      string
}

type queued struct {
	id  int64
	raw json.RawMessage
}

type chat struct {
	blocked  bool
	messages []Bubble
}

// New starts a fake Bot API server for Token, closed when the test ends.
// Misuse (FeedRaw of JSON that does not parse, WaitSent in vain) fails the
// test.
func New(t testing.TB) *Server {
	s := Start()
	s.tb = t
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake Bot API server outside a test, for a simulation
// that plays a user by hand; Close stops it. Misuse that New would fail
// the test for is a panic here, but Press and EditText, which a person can
// get wrong, return errors in both.
func Start() *Server {
	s := &Server{
		changed:     make(chan struct{}),
		now:         time.Now,
		nextUpdate:  100000,
		nextMessage: 1,
		chats:       map[int64]*chat{},
		queries:     map[string]bool{},
		files:       map[string][]byte{},
		commands:    map[string][]botapi.Command{},
		calls:       map[string]int{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the server. A server from New is closed when its test ends.
func (s *Server) Close() { s.srv.Close() }

// Changed is closed at the next change: an update queued, a message sent,
// edited or deleted, a webhook set. A simulation redraws the chat then.
func (s *Server) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// fail reports misuse of the server.
func (s *Server) fail(format string, args ...any) {
	if s.tb == nil {
		panic(fmt.Sprintf("botapitest: "+format, args...))
	}
	s.tb.Helper()
	s.tb.Fatalf("botapitest: "+format, args...)
}

// Client is a botapi.Client of this server with the right token.
func (s *Server) Client() *botapi.Client {
	return botapi.New(s.URL, Token, s.srv.Client())
}

// HTTPClient is an http.Client that reaches the server.
func (s *Server) HTTPClient() *http.Client { return s.srv.Client() }

// Bot is the fake bot, as getMe answers.
func (s *Server) Bot() botapi.User {
	return botapi.User{ID: 7000000001, IsBot: true, FirstName: "Tropa test", Username: "tropa_test_bot"}
}

// SetNow sets the server's clock: the date of the user's messages, and the
// 48 hours after which the bot may no longer delete a message.
func (s *Server) SetNow(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// TooManyRequests makes the next n calls of any method but getUpdates
// answer 429 with parameters.retry_after = retryAfter seconds.
func (s *Server) TooManyRequests(n, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tooMany, s.retryAfter = n, retryAfter
}

// Revoke makes the token invalid from now on, as when its bot is deleted
// or its token is replaced: every call is answered 401.
func (s *Server) Revoke() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = true
}

// SetUnreachable makes the server drop every connection without an
// answer while on is true, as when Telegram cannot be reached.
func (s *Server) SetUnreachable(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unreachable = on
}

// Webhook is the URL and secret of the last setWebhook, "" once deleted.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook, s.secret
}

// Commands is the bot's menu of commands for users of language lang, ""
// for the others, as setMyCommands last set it.
func (s *Server) Commands(lang string) []botapi.Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]botapi.Command(nil), s.commands[lang]...)
}

// Sent is every Record so far, in order.
func (s *Server) Sent() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Record(nil), s.records...)
}

// Calls is how many calls of method the server answered, refused ones
// included.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// WaitSent waits for the n-th Record (from 1) and returns it; the test
// fails if it does not come within five seconds.
func (s *Server) WaitSent(n int) Record {
	if s.tb != nil {
		s.tb.Helper()
	}
	deadline := time.After(waitFor)
	for {
		s.mu.Lock()
		if len(s.records) >= n {
			r := s.records[n-1]
			s.mu.Unlock()
			return r
		}
		changed := s.changed
		got := len(s.records)
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			s.fail("%d records after %s, waiting for the %d-th", got, waitFor, n)
			return Record{}
		}
	}
}

// Chat is the chat with chatID as the user sees it now.
func (s *Server) Chat(chatID int64) []Bubble {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[chatID]
	if !ok {
		return nil
	}
	return append([]Bubble(nil), c.messages...)
}

// notify wakes every waiter; s.mu is held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// serve routes /bot<token>/<method> and /file/bot<token>/<path>.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	unreachable := s.unreachable
	s.mu.Unlock()
	if unreachable {
		hangUp(w)
		return
	}
	if path, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.serveFile(w, path)
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(path, "/")
	if !ok || !ok2 {
		refuse(w, 404, "Not Found", 0)
		return
	}
	s.mu.Lock()
	s.calls[method]++
	revoked := s.revoked
	s.mu.Unlock()
	if token != Token || revoked {
		refuse(w, 401, "Unauthorized", 0)
		return
	}
	if method != "getUpdates" && s.floodControl(w) {
		return
	}
	h, ok := s.methods()[method]
	if !ok {
		refuse(w, 404, "Not Found: method not found", 0)
		return
	}
	var params map[string]json.RawMessage
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&params); err != nil {
		refuse(w, 400, "Bad Request: invalid JSON", 0)
		return
	}
	h(w, r, params)
}

// floodControl answers 429 while TooManyRequests asks for it.
func (s *Server) floodControl(w http.ResponseWriter) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tooMany == 0 {
		return false
	}
	s.tooMany--
	refuse(w, 429, "Too Many Requests: retry after "+strconv.Itoa(s.retryAfter), s.retryAfter)
	return true
}

func (s *Server) serveFile(w http.ResponseWriter, path string) {
	token, name, _ := strings.Cut(path, "/")
	s.mu.Lock()
	data, ok := s.files[strings.TrimPrefix(name, "files/")]
	revoked := s.revoked
	s.mu.Unlock()
	switch {
	case token != Token || revoked:
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
	case !ok:
		http.Error(w, "Not Found", http.StatusNotFound)
	default:
		w.Write(data)
	}
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	if conn, _, err := hj.Hijack(); err == nil {
		conn.Close()
	}
}

// refuse answers like the Bot API refusing a call.
func refuse(w http.ResponseWriter, code int, description string, retryAfter int) {
	body := map[string]any{"ok": false, "error_code": code, "description": description}
	if retryAfter > 0 {
		body["parameters"] = map[string]int{"retry_after": retryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(body)
}

// answer answers like the Bot API accepting a call.
func answer(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}
