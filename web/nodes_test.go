package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
	"tropa/store/storetest"
)

// TestTwoNodes runs two nodes on one database, as several servers behind a
// load balancer do: each has its own connections, desk, web server and rate
// limits, and shares nothing with the other but the database.
func TestTwoNodes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testTwoNodes)
}

func testTwoNodes(t *testing.T, backend storetest.Backend) {
	t.Parallel()
	a := newTestServerAt(t, backend.New(t))
	a.addStaff(t, coordinatorName, tropa.RoleCoordinator, false)
	b := a.node(t)

	// An applicant writes to node A.
	applicant := a.browser(remoteAddr)
	receipt := applicant.submit(t, requestForm("message", "Я в части под Белгородом, хочу уйти"))

	// The caseworker logs in on node A; the load balancer then sends her to
	// node B, which knows her session from the database and her cookie.
	olenaOnA := a.staffBrowser(t, caseworkerName, caseworkerPassword)
	olenaOnB := b.browser(loopback)
	olenaOnB.jar = olenaOnA.jar
	inbox := olenaOnB.get(t, "/staff/inbox")
	if inbox.status != http.StatusOK || inbox.path != "/staff/inbox" {
		t.Fatalf("node B's inbox for a session made on A: %d at %s", inbox.status, inbox.path)
	}
	_, links := inboxRows(t, inbox.doc(t))
	if len(links) != 1 {
		t.Fatalf("node B's inbox lists %d requests, want the one submitted on A", len(links))
	}
	caseURL := links[0]
	htmlcheck.HasText(t, olenaOnB.get(t, caseURL).doc(t), ".message .body", "хочу уйти")

	// She answers on node B; the applicant reads the answer on node A.
	postCase(t, olenaOnB, caseURL, "/reply", url.Values{"message": {"Напишите, когда сможете говорить."}})
	thread := applicant.post(t, "/check", url.Values{"receipt": {receipt}})
	htmlcheck.HasText(t, thread.doc(t), ".message .body", "когда сможете говорить")

	// The coordinator removes her on node A, past the hand-over of the
	// request only she held: node B refuses her at once.
	marta := a.staffBrowser(t, coordinatorName, staffPassword)
	resp := marta.post(t, "/staff/people/"+a.staffID(t, caseworkerName)+"/deactivate", url.Values{"confirm": {"yes"},
		"handover": {"yes"}})
	if resp.status != http.StatusOK {
		t.Fatalf("deactivate on A = %d", resp.status)
	}
	for _, path := range []string{caseURL, "/staff/inbox"} {
		resp := olenaOnB.do(t, newRequest(t, http.MethodGet, path, nil), false)
		if resp.status != http.StatusSeeOther || !strings.HasPrefix(resp.header.Get("Location"), "/staff/login") {
			t.Errorf("node B serves %s to the removed caseworker: %d to %q, want a redirect to log in",
				path, resp.status, resp.header.Get("Location"))
		}
	}

	// Rate limits live in each node's memory: a flood from one network
	// meets node A's limit, then node B's own, no less strict.
	flood := func(n *testServer) (accepted int) {
		from := n.browser(otherRemote)
		for range 20 {
			if from.post(t, "/", requestForm()).status == http.StatusOK {
				accepted++
			}
		}
		return accepted
	}
	onA, onB := flood(a), flood(b)
	if onA == 0 || onA >= 20 {
		t.Errorf("node A accepted %d of 20 submissions from one network, want some and then a refusal", onA)
	}
	if onB != onA {
		t.Errorf("node B accepted %d of 20 submissions from the network A limited after %d: each node limits alone, as strictly",
			onB, onA)
	}
}

// A load balancer asks each node whether it can serve: yes while its
// database answers, no once it cannot reach it.
func TestHealth(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp := ts.browser(loopback).get(t, "/health")
	if resp.status != http.StatusOK || resp.body != "ok\n" {
		t.Errorf("GET /health = %d %q, want 200 ok", resp.status, resp.body)
	}
	ts.store.Close()
	resp = ts.browser(loopback).get(t, "/health")
	if resp.status != http.StatusServiceUnavailable {
		t.Errorf("GET /health with the database closed = %d %q, want 503", resp.status, resp.body)
	}
}
