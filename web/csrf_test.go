package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"tropa"
)

// fingerprint hashes everything in the database a dump holds, but the
// tables named in skip: two equal fingerprints mean nothing was changed in
// between.
func (ts *testServer) fingerprint(tb testing.TB, skip ...string) string {
	tb.Helper()
	h := &hashDump{Hash: sha256.New(), skip: skip}
	if err := ts.store.Dump(context.Background(), h); err != nil {
		tb.Fatalf("Dump: %v", err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

type hashDump struct {
	hash.Hash
	skip    []string
	skipped bool // the current table is skipped
}

func (h *hashDump) Schema(v int64) error { fmt.Fprintf(h, "schema %d\n", v); return nil }

func (h *hashDump) Table(name string, columns []string) error {
	h.skipped = slices.Contains(h.skip, name)
	fmt.Fprintf(h, "table %q %q\n", name, columns)
	return nil
}

func (h *hashDump) Row(values []any) error {
	if h.skipped {
		return nil
	}
	for _, v := range values {
		fmt.Fprintf(h, "%T %q;", v, fmt.Sprint(v))
	}
	h.Write([]byte{'\n'})
	return nil
}

// postRoutes reads the routes that may change state from routes.go, so
// that a new one without a probe below fails the test: every pattern but
// those for GET, and the site-wide not-found page. A pattern without a
// method takes POST too, and needs a probe.
func postRoutes(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, m := range regexp.MustCompile(`\.Handle(?:Func)?\("([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
		pattern := m[1]
		if strings.HasPrefix(pattern, "GET ") || pattern == "/" {
			continue
		}
		if strings.HasPrefix(pattern, "/") {
			pattern = "POST " + pattern
		}
		routes = append(routes, pattern)
	}
	if len(routes) < 10 {
		t.Fatalf("found %d state-changing routes in routes.go; has its form changed?", len(routes))
	}
	return routes
}

// Every state-changing route refuses a request sent from another site,
// whoever's session or receipt it carries, and nothing changes.
func TestCrossOriginProbeEveryRoute(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, true)
	ts.addStaff(t, adminName, tropa.RoleAdmin, false)
	receipt := ts.browser(loopback).submit(t, requestForm())
	ts.newestCase(t)
	caseURL := ts.newCase(t, requestForm())
	olenaID := ts.staffID(t, caseworkerName)
	b := map[string]*browser{
		"applicant":   ts.browser(loopback),
		"coordinator": ts.staffBrowser(t, coordinatorName, staffPassword),
		"admin":       ts.staffBrowser(t, adminName, staffPassword),
	}
	enrolling := ts.browser(loopback)
	if resp := enrolling.post(t, "/staff/login", url.Values{"name": {analystName}, "password": {analystPassword}}); resp.path != "/staff/totp" {
		t.Fatalf("analyst's first login ended at %s, want /staff/totp", resp.path)
	}
	b["enrolling"] = enrolling
	apiReceipt := "Receipt " + receipt

	type probe struct {
		who  string
		form url.Values
		json string // the body of an API call, instead of form
	}
	probes := map[string]probe{
		"POST /{$}":                 {"applicant", requestForm(), ""},
		"POST /check":               {"applicant", url.Values{"receipt": {receipt}}, ""},
		"POST /check/reply":         {"applicant", url.Values{"receipt": {receipt}, "message": {"forged"}}, ""},
		"POST /check/erase-contact": {"applicant", url.Values{"receipt": {receipt}, "confirm": {"yes"}}, ""},
		"POST /api/v1/requests": {"applicant", nil,
			`{"kind":"legal","situation":"front","message":"forged"}`},
		"POST /api/v1/requests/self/messages":                 {"applicant", nil, `{"message":"forged"}`},
		"POST /staff/login":                                   {"applicant", url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}}, ""},
		"POST /staff/logout":                                  {"coordinator", nil, ""},
		"POST /staff/totp":                                    {"enrolling", url.Values{"code": {"000000"}}, ""},
		"POST /staff/search":                                  {"coordinator", url.Values{"q": {"forged"}}, ""},
		"POST /staff/calls":                                   {"coordinator", requestForm("caller", "self"), ""},
		"POST /staff/calls/returning":                         {"coordinator", url.Values{"receipt": {receipt}, "caller": {"self"}, "said": {"forged"}}, ""},
		"POST /staff/requests/{id}/reply":                     {"coordinator", url.Values{"message": {"forged"}}, ""},
		"POST /staff/requests/{id}/note":                      {"coordinator", url.Values{"note": {"forged"}}, ""},
		"POST /staff/requests/{id}/triage":                    {"coordinator", url.Values{"version": {"1"}, "disposition": {"spam"}, "urgency": {"high"}}, ""},
		"POST /staff/requests/{id}/change":                    {"coordinator", url.Values{"version": {"1"}, "stage": {"closed"}, "outcome": {"surrendered"}}, ""},
		"POST /staff/requests/{id}/details":                   {"coordinator", url.Values{"version": {"1"}, "route": {"forged"}}, ""},
		"POST /staff/requests/{id}/left":                      {"coordinator", url.Values{"left_at": {"2026-03-01T10:00"}}, ""},
		"POST /staff/requests/{id}/deadlines":                 {"coordinator", url.Values{"kind": {"meeting"}, "due_at": {"2026-03-04T05:30"}, "label": {"forged"}}, ""},
		"POST /staff/requests/{id}/deadlines/{deadline}/done": {"coordinator", nil, ""},
		"POST /staff/requests/{id}/assign":                    {"coordinator", url.Values{"staff": {olenaID}}, ""},
		"POST /staff/requests/{id}/refer":                     {"coordinator", url.Values{"staff": {olenaID}}, ""},
		"POST /staff/requests/{id}/holders/{staff}/remove":    {"coordinator", nil, ""},
		"POST /staff/requests/{id}/link":                      {"coordinator", url.Values{"ref": {"ZZZZZZ"}}, ""},
		"POST /staff/requests/{id}/erase-contact":             {"coordinator", url.Values{"confirm": {"yes"}}, ""},
		"POST /staff/requests/{id}/keep-closed":               {"coordinator", nil, ""},
		"POST /staff/people/{id}/deactivate":                  {"admin", url.Values{"confirm": {"yes"}}, ""},
		"POST /staff/people/{id}/reset-totp":                  {"admin", nil, ""},
		"POST /staff/people/{id}/suspect":                     {"admin", nil, ""},
		"POST /staff/account/keys":                            {"coordinator", url.Values{"password": {staffPassword}}, ""},
		"POST /staff/account/password": {"coordinator", url.Values{"current": {staffPassword},
			"new": {"a forged new password"}, "repeat": {"a forged new password"}}, ""},
		"POST /staff/account/sessions/{id}/end":   {"coordinator", nil, ""},
		"POST /staff/account/sessions/end-others": {"coordinator", nil, ""},
		"POST /staff/account/notices": {"coordinator", url.Values{"channel": {"mail"}, "address": {"forged@example.org"},
			"event": {"new"}, "digest": {"4"}, "lead": {"12"}, "notice_lang": {"en"}}, ""},
		"POST /staff/account/notices/telegram":    {"coordinator", nil, ""},
		"POST /staff/settings/wanted":             {"admin", url.Values{"hours": {"12"}}, ""},
		"POST /staff/settings/retention":          {"admin", url.Values{"was": {tropa.DefaultRetention().Marshal()}, "closed_after": {"1"}, "contact_after": {"1"}, "spam_after": {"1"}}, ""},
		"POST /staff/settings/proof":              {"admin", url.Values{"mode": {"on"}}, ""},
		"POST /staff/settings/terms/{list}":       {"admin", url.Values{"name_ru": {"подделка"}, "name_en": {"forged"}}, ""},
		"POST /staff/settings/terms/{list}/{key}": {"admin", url.Values{"name_ru": {"подделка"}, "name_en": {"forged"}}, ""},
		"POST /staff/settings/zone":               {"admin", url.Values{"zone": {"Asia/Tbilisi"}}, ""},
		"POST /staff/account/zone":                {"coordinator", url.Values{"zone": {"Asia/Tbilisi"}}, ""},
	}
	// The team on the web.
	probes["POST /staff/enrol"] = probe{"applicant", url.Values{"name": {caseworkerName}, "enrol_code": {ts.enrolCode(caseworkerName)},
		"password": {"a forged new password"}, "repeat": {"a forged new password"}}, ""}
	probes["POST /staff/people"] = probe{"admin", url.Values{"name": {"Forged"}, "role": {"admin"}}, ""}
	probes["POST /staff/people/{id}/reset-password"] = probe{"admin", url.Values{"confirm": {"yes"}}, ""}
	probes["POST /staff/people/{id}/regrant"] = probe{"coordinator", nil, ""}
	probes["POST /staff/settings/identity"] = probe{"admin", url.Values{"name_en": {"Forged"}}, ""}
	// Shelters and stays.
	probes["POST /staff/shelters"] = probe{"coordinator", url.Values{"name": {"Forged"}, "address": {"forged"}, "beds": {"2"}}, ""}
	probes["POST /staff/shelters/{id}/grant"] = probe{"coordinator", url.Values{"staff": {olenaID}}, ""}
	probes["POST /staff/requests/{id}/stays"] = probe{"coordinator", url.Values{"shelter": {"s1"}, "first": {"2026-03-03"},
		"end": {"2026-03-05"}, "beds": {"1"}}, ""}
	probes["POST /staff/requests/{id}/stays/{stay}"] = probe{"coordinator", url.Values{"change": {"cancel"}}, ""}
	probes["POST /staff/requests/{id}/legal"] = probe{"coordinator", url.Values{"procedure": {"asylum"}, "country": {"Forged"}}, ""}
	probes["POST /staff/requests/{id}/legal/{process}/steps"] = probe{"coordinator", url.Values{"kind": {"filed"}, "at": {"2026-03-04T05:30"}}, ""}
	probes["POST /staff/requests/{id}/legal/{process}/steps/{step}"] = probe{"coordinator", url.Values{"kind": {"filed"}, "at": {"2026-03-04T05:30"}}, ""}
	// The figures policy: a forged exact figures switch.
	probes["POST /staff/settings/figures"] = probe{"admin", url.Values{"threshold": {"3"}, "exact": {"on"}}, ""}
	// Safe-surrender meetings.
	probes["POST /staff/requests/{id}/meetings"] = probe{"coordinator", url.Values{"start": {"2026-03-04T05:30"},
		"end": {"2026-03-04T06:30"}, "place": {"forged"}, "sign": {"forged"}, "phrase": {"forged"}}, ""}
	probes["POST /staff/requests/{id}/meetings/{meeting}/send"] = probe{"coordinator", url.Values{"language": {"ru"}, "detail": {"place"}}, ""}
	probes["POST /staff/requests/{id}/meetings/{meeting}/state"] = probe{"coordinator", url.Values{"state": {"cancelled"}, "reason": {"forged"}}, ""}
	probes["POST /staff/requests/{id}/meetings/{meeting}/window"] = probe{"coordinator", url.Values{"start": {"2026-03-05T05:30"},
		"end": {"2026-03-05T06:30"}}, ""}
	// Published series.
	probes["POST /staff/stats/series"] = probe{"admin", url.Values{"name": {"Forged"}, "source": {"forged"},
		"paste": {"month,value\n2025-10,5\n"}}, ""}
	probes["POST /staff/stats/series/delete"] = probe{"admin", url.Values{"name": {"Kept"}}, ""}
	if err := ts.desk.LocalImportSeries(context.Background(), &tropa.Series{Name: "Kept", Source: "https://example.org",
		Values: []tropa.SeriesValue{{Month: time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC), Value: 5}}}, false); err != nil {
		t.Fatal(err)
	}
	// Telegram's webhook and the demo's simulated chat: a browser on
	// another site cannot post to them either.
	probes["POST /telegram"] = probe{"applicant", nil, `{"update_id":1,"message":{"message_id":1,"chat":{"id":1,"type":"private"},"text":"/start"}}`}
	probes["POST /demo/telegram"] = probe{"applicant", url.Values{"text": {"/start"}}, ""}
	probes["POST /demo/telegram/press"] = probe{"applicant", url.Values{"message": {"1"}, "data": {"lang:ru"}}, ""}
	ids := strings.NewReplacer("/staff/requests/{id}", caseURL, "{deadline}", "d1", "{meeting}", "m1", "{staff}", olenaID,
		"/staff/people/{id}", "/staff/people/"+olenaID, "/sessions/{id}", "/sessions/"+b["coordinator"].sessionID(t),
		"{list}", "documents", "{key}", "internal_passport", "{$}", "",
		"{process}", "p1", "{step}", "s1")
	crossSite := []struct {
		name   string
		header map[string]string
	}{
		{"Sec-Fetch-Site cross-site", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}},
		{"Origin of another site only", map[string]string{"Origin": "https://evil.example"}},
	}
	before := ts.fingerprint(t)
	for _, route := range postRoutes(t) {
		p, ok := probes[route]
		if !ok {
			t.Errorf("route %q has no cross-origin probe: add one to this test", route)
			continue
		}
		method, pattern, _ := strings.Cut(route, " ")
		path := ids.Replace(pattern)
		for _, cs := range crossSite {
			t.Run(route+" "+cs.name, func(t *testing.T) {
				body, ct := p.form.Encode(), "application/x-www-form-urlencoded"
				if p.json != "" {
					body, ct = p.json, "application/json"
				}
				req := newRequest(t, method, path, strings.NewReader(body))
				req.Header.Set("Content-Type", ct)
				if strings.HasPrefix(path, "/api/v1/requests/self") {
					req.Header.Set("Authorization", apiReceipt)
				}
				for k, v := range cs.header {
					req.Header.Set(k, v)
				}
				resp := b[p.who].do(t, req, false)
				if resp.status != http.StatusForbidden {
					t.Errorf("%s %s from another site = %d, want 403", method, path, resp.status)
				}
				if c := resp.header.Values("Set-Cookie"); len(c) > 0 {
					t.Errorf("%s %s from another site sets cookies %q, want none", method, path, c)
				}
			})
		}
	}
	if after := ts.fingerprint(t); after != before {
		t.Error("the database changed under requests from another site")
	}
	for _, who := range []string{"coordinator", "admin"} {
		wantLoggedIn(t, b[who])
	}
	if resp := enrolling.getNoFollow(t, "/staff/totp"); resp.status != http.StatusOK {
		t.Errorf("the enrolling session: GET /staff/totp = %d, want 200", resp.status)
	}
}
