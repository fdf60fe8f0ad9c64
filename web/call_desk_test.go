package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
	"tropa/seal"
)

// TestCallDesk takes a call as an operator: the receipt is shown once and
// is not on the desk she goes back to, which lists the call; a caller who
// reads out a wrong receipt is told what /check tells; a coordinator sees
// the calls against a week before, and the figures count them per day.
func TestCallDesk(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, operatorName, tropa.RoleOperator, false)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, false)
	op := ts.staffBrowser(t, operatorName, staffPassword)

	resp := op.post(t, "/staff/calls", requestForm("caller", "relative", "urgent", "on"))
	if resp.status != http.StatusOK {
		t.Fatalf("POST /staff/calls = %d", resp.status)
	}
	receipt := htmlcheck.Text(htmlcheck.HasOne(t, resp.doc(t), "p.receipt"))
	if _, err := seal.ParseReceipt(receipt); err != nil {
		t.Fatalf("the call's receipt %q: %v", receipt, err)
	}
	if cc := resp.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the receipt page is sent with Cache-Control %q", cc)
	}
	next, _ := htmlcheck.Attr(htmlcheck.HasOne(t, resp.doc(t), "a#next-call"), "href")
	desk := op.get(t, next)
	digits := strings.ReplaceAll(receipt, " ", "")
	if strings.Contains(strings.ReplaceAll(desk.body, " ", ""), digits) {
		t.Error("the desk after the next call still holds the receipt")
	}
	htmlcheck.HasOne(t, desk.doc(t), "table.calls tbody tr")
	htmlcheck.HasNone(t, desk.doc(t), "table#load-days")

	wrong := url.Values{"receipt": {seal.NewReceipt().String()}, "caller": {"self"}, "said": {"снова звонит"}}
	resp = op.post(t, "/staff/calls/returning", wrong)
	check := ts.browser(loopback).post(t, "/check", url.Values{"receipt": wrong["receipt"]})
	got := htmlcheck.Text(htmlcheck.HasOne(t, resp.doc(t), "p.error"))
	if want := htmlcheck.Text(htmlcheck.HasOne(t, check.doc(t), "p.error")); got != want || resp.status != check.status {
		t.Errorf("a wrong receipt at the desk: %d %q; at /check: %d %q", resp.status, got, check.status, want)
	}
	if v, _ := htmlcheck.Attr(htmlcheck.HasOne(t, resp.doc(t), "input#receipt"), "value"); v != wrong.Get("receipt") {
		t.Errorf("the receipt typed is not kept: %q", v)
	}
	htmlcheck.HasText(t, resp.doc(t), "textarea#said", "снова звонит")

	coord := ts.staffBrowser(t, coordinatorName, staffPassword)
	load := coord.get(t, "/staff/calls")
	htmlcheck.HasOne(t, load.doc(t), "table#load-days")
	htmlcheck.HasOne(t, load.doc(t), "table#load-hours")
	stats := coord.get(t, "/staff/stats")
	if v, _ := figure(t, stats.doc(t), "calls", ts.clock.now.UTC().Format("2006-01-02")); v != "<5" {
		t.Errorf("today's calls in the figures read %q, want <5", v)
	}
}
