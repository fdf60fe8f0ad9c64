package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"tropa/internal/htmlcheck"
	"tropa/seal"
)

// saturate keeps every argon2id slot of ts's desk taken for a while by
// derivations of its own, as a flood would, and has the desk give up on a
// slot almost at once. It returns a channel closed once the slots are
// free again.
func saturate(ts *testServer) <-chan struct{} {
	k := ts.kdf
	k.MaxWait = time.Millisecond
	heavy := seal.Params{Time: 16, MemoryKiB: 32 * 1024, Threads: 1}
	var wg sync.WaitGroup
	for range k.Concurrency() {
		wg.Go(func() {
			// Only the time it takes matters, not the key; a slot the
			// probe below holds for a moment is tried for again.
			for {
				_, err := k.PasswordKey(context.Background(), "flood", []byte("0123456789abcdef"), heavy)
				if !errors.Is(err, seal.ErrSaturated) {
					return
				}
			}
		})
	}
	free := make(chan struct{})
	go func() {
		wg.Wait()
		close(free)
	}()
	// Wait, without a request, until the slots are taken: every request
	// sent before would count against the sender's intake limits, and on a
	// loaded machine enough of them to be refused as too many instead.
	for {
		_, err := k.PasswordKey(context.Background(), "probe", []byte("0123456789abcdef"), seal.TestParams)
		if errors.Is(err, seal.ErrSaturated) {
			return free
		}
		select {
		case <-free:
			return free
		case <-time.After(time.Millisecond):
		}
	}
}

// refusedWhileSaturated repeats send until it is refused as busy: the
// derivations that saturate the desk may not have taken their slots yet
// when it is first sent.
func refusedWhileSaturated(tb testing.TB, free <-chan struct{}, send func() *response) *response {
	tb.Helper()
	for {
		resp := send()
		if resp.status == http.StatusServiceUnavailable {
			return resp
		}
		select {
		case <-free:
			tb.Fatalf("never refused while every argon2id slot was taken; last answer %d:\n%s", resp.status, resp.body)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// With no argon2id slot to be had, a receipt check, a reply and a staff
// login are each told to come back in so many minutes, in the person's
// language, with what they typed kept; once the flood passes, the same
// request goes through.
func TestSaturatedKDF(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	receipt := ts.browser(loopback).submit(t, requestForm())
	applicant := ts.browser(loopback)
	applicant.header.Set("Accept-Language", "ru")
	staff := ts.browser(loopback)
	draft := "Я всё ещё жду ответа"
	reply := func() *response {
		return applicant.postPhotos(t, "/check/reply", url.Values{"receipt": {receipt}, "message": {draft}})
	}
	login := func() *response {
		return staff.post(t, "/staff/login", url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}})
	}

	free := saturate(ts)
	resp := refusedWhileSaturated(t, free, reply)
	doc := resp.doc(t)
	if got, want := htmlcheck.Text(htmlcheck.HasOne(t, doc, "p.error")),
		"открыть ваше обращение не удалось. Если вы писали сообщение, оно не отправлено и осталось в форме. Пожалуйста, попробуйте ещё раз через 2 мин."; !strings.Contains(got, want) {
		t.Errorf("reply refused with %q, want it to say %q", got, want)
	}
	if ra := resp.header.Get("Retry-After"); ra != "120" {
		t.Errorf("Retry-After = %q, want 120", ra)
	}
	if got := attr(t, doc, "form input#receipt", "value"); got != receipt {
		t.Errorf("receipt field = %q, want %q", got, receipt)
	}
	if got := htmlcheck.Text(htmlcheck.HasOne(t, doc, "form textarea#message")); got != draft {
		t.Errorf("message field = %q, want the draft %q", got, draft)
	}

	resp = refusedWhileSaturated(t, free, login)
	if got, want := htmlcheck.Text(htmlcheck.HasOne(t, resp.doc(t), "p.error")),
		"слишком загружен, чтобы проверить ваш пароль. Пожалуйста, попробуйте ещё раз через 2 мин."; !strings.Contains(got, want) {
		t.Errorf("login refused with %q, want it to say %q", got, want)
	}
	if got := attr(t, resp.doc(t), "form input#name", "value"); got != caseworkerName {
		t.Errorf("name field = %q, want %q", got, caseworkerName)
	}

	<-free
	if resp := reply(); resp.status != http.StatusOK || !strings.Contains(resp.body, draft) {
		t.Errorf("reply once the flood passed: %d, draft shown: %v", resp.status, strings.Contains(resp.body, draft))
	}
	if resp := login(); resp.status != http.StatusOK || resp.path != "/staff/totp" {
		t.Errorf("login once the flood passed: %d at %s, want 200 at /staff/totp", resp.status, resp.path)
	}
}
