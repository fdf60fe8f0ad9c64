package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"tropa"
	"tropa/internal/htmlcheck"
)

// Text that tries to become markup or script on whoever's page shows it.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(2)>`,
	`'><svg onload=alert(3)><svg/onload=alert(3)>`,
	`<a href="javascript:alert(4)">javascript:alert(4)</a>`,
	`</textarea></title><iframe src="javascript:alert(5)"></iframe>`,
	`<svg><image href=x onerror=alert(6) /></svg><style>*{display:none}</style>`,
	`{{.Staff}} {{template "layout" .}} ${7*7} #{7*7} <%= 7*7 %>`,
}

// Text that tries to end a quoted SQL string, a statement, or a LIKE
// pattern.
var sqlPayloads = []string{
	`O'Brien"; DROP TABLE requests;--`,
	`Robert'); DELETE FROM staff WHERE ('1'='1`,
	`100% _under_ \%\_ LIKE '%' ESCAPE '\'`,
	`\'; SELECT 1; --\\ /* */ 1=1`,
}

// wantInert fails the test if the page has any element or attribute the
// text could have made.
func wantInert(t *testing.T, doc *html.Node) {
	t.Helper()
	for _, sel := range []string{"script", "img", "svg", "iframe", "style", "[onerror]", "[onload]",
		"a[href^=javascript]", "iframe[src^=javascript]"} {
		htmlcheck.HasNone(t, doc, sel)
	}
}

// hostileSite is a site with the people who put text in and read it, and
// a case that staff and applicant write to.
type hostileSite struct {
	ts                               *testServer
	applicant, coordinator, operator *browser
	caseURL, receipt                 string
}

func newHostileSite(t *testing.T) *hostileSite {
	ts := newTestServer(t)
	// Many submissions: the clock moves so that intake limits refill.
	ts.clock.step = 2 * time.Second
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, true)
	ts.addStaff(t, operatorName, tropa.RoleOperator, false)
	s := &hostileSite{ts: ts, applicant: ts.browser(loopback),
		coordinator: ts.staffBrowser(t, coordinatorName, staffPassword),
		operator:    ts.staffBrowser(t, operatorName, staffPassword)}
	s.receipt = s.applicant.submit(t, requestForm())
	s.caseURL = ts.newestCase(t)
	return s
}

// newestCase is the staff link of the request that arrived last.
// The store keeps only the day a request arrived, so the newest is the one
// that was not there at the last call.
func (ts *testServer) newestCase(tb testing.TB) string {
	tb.Helper()
	var fresh []string
	for _, r := range ts.storedRequests(tb) {
		if !ts.cases[r.ID] {
			fresh = append(fresh, r.ID)
		}
	}
	if ts.cases == nil {
		ts.cases = map[string]bool{}
	}
	for _, id := range fresh {
		ts.cases[id] = true
	}
	switch {
	case len(fresh) == 1:
		ts.lastCaseID = fresh[0]
	case len(fresh) > 1:
		tb.Fatalf("%d requests arrived since the newest was last asked for; which is newest is not told", len(fresh))
	case ts.lastCaseID == "":
		tb.Fatal("no request stored")
	}
	return "/staff/requests/" + ts.lastCaseID
}

// view is a page where a field's text is shown, and where on it.
type view struct {
	name string
	get  func(t *testing.T, s *hostileSite, caseURL, receipt, v string) *response
	// selector finds the element whose text, or attribute attr, shows v.
	selector, attr string
}

func staffCase(selector string) view {
	return view{"staff case page", func(t *testing.T, s *hostileSite, caseURL, _, _ string) *response {
		return s.coordinator.get(t, caseURL)
	}, selector, ""}
}

func applicantThread(selector string) view {
	return view{"applicant's thread", func(t *testing.T, s *hostileSite, _, receipt, _ string) *response {
		return s.applicant.post(t, "/check", url.Values{"receipt": {receipt}})
	}, selector, ""}
}

var (
	searchResults = view{"search results", func(t *testing.T, s *hostileSite, _, _, v string) *response {
		return s.coordinator.post(t, "/staff/search", url.Values{"q": {v}})
	}, ".excerpt", ""}
	inbox = view{"inbox", func(t *testing.T, s *hostileSite, _, _, _ string) *response {
		return s.coordinator.get(t, "/staff/inbox")
	}, "", ""}
)

// hostileField is a field someone types into, how to fill it, and every
// page that shows what was typed.
type hostileField struct {
	name string
	// put stores v in the field and returns the case it is in and its
	// receipt, and the page the change led to.
	put   func(t *testing.T, s *hostileSite, v string) (caseURL, receipt string, resp *response)
	views []view
	// kept finds the form field that shows v again when it is refused.
	kept string
}

// applicantForm submits the web form with v in field.
func applicantForm(field string) func(*testing.T, *hostileSite, string) (string, string, *response) {
	return func(t *testing.T, s *hostileSite, v string) (string, string, *response) {
		resp := s.applicant.post(t, "/", requestForm(field, v))
		if resp.status != http.StatusOK {
			return "", "", resp
		}
		return s.ts.newestCase(t), htmlcheck.Text(htmlcheck.HasOne(t, resp.doc(t), "p.receipt")), resp
	}
}

// hotlineForm is the operator taking a call with v in field.
func hotlineForm(field string) func(*testing.T, *hostileSite, string) (string, string, *response) {
	return func(t *testing.T, s *hostileSite, v string) (string, string, *response) {
		resp := s.operator.post(t, "/staff/calls", requestForm("caller", "self", field, v))
		if resp.status != http.StatusOK {
			return "", "", resp
		}
		return s.ts.newestCase(t), "", resp
	}
}

// caseForm posts a case page's form with v in field, on the site's case, as
// the coordinator; versioned names the form whose version to send. Triage
// is done once a case, so once the site's case is triaged, a new one is.
func caseForm(action, field, versioned string, form url.Values) func(*testing.T, *hostileSite, string) (string, string, *response) {
	return func(t *testing.T, s *hostileSite, v string) (string, string, *response) {
		caseURL, receipt := s.caseURL, s.receipt
		if action == "/triage" && count(t, s.coordinator.get(t, caseURL).doc(t), "form#triage") == 0 {
			receipt = s.applicant.submit(t, requestForm())
			caseURL = s.ts.newestCase(t)
		}
		f := url.Values{field: {v}}
		for k, vs := range form {
			f[k] = vs
		}
		if versioned != "" {
			f.Set("version", version(t, s.coordinator.get(t, caseURL), versioned))
		}
		return caseURL, receipt, s.coordinator.post(t, caseURL+action, f)
	}
}

// jsonText is s as the inside of a JSON string, escaping only what JSON
// requires: bytes that are not UTF-8 go as they are, as a hostile client
// would send them.
func jsonText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// apiField sends v in a JSON field to the API; reply says whether as a
// follow-up to a new case instead of a new request.
func apiField(field string, reply bool) func(*testing.T, *hostileSite, string) (string, string, *response) {
	return func(t *testing.T, s *hostileSite, v string) (string, string, *response) {
		body := `{"kind":"legal","situation":"front","message":"API","` + field + `":"` + jsonText(v) + `"}`
		path, caseURL, receipt := "/api/v1/requests", "", ""
		if reply {
			body = `{"` + field + `":"` + jsonText(v) + `"}`
			path, caseURL, receipt = "/api/v1/requests/self/messages", s.caseURL, s.receipt
		}
		status, out := s.applicant.api(t, apiCall{method: "POST", path: path, receipt: receipt, body: body})
		if status == http.StatusCreated && !reply {
			receipt, _ = out["receipt"].(string)
			caseURL = s.ts.newestCase(t)
		}
		js, _ := json.Marshal(out)
		return caseURL, receipt, &response{status: status, body: string(js)}
	}
}

// hostileFields are all the text fields of the site, applicant's and
// staff's, with every page that shows them.
func hostileFields() []hostileField {
	return []hostileField{
		{"applicant's message", applicantForm("message"), []view{staffCase("li.message.applicant .body"),
			applicantThread("li.message.applicant .body"), searchResults, inbox}, "textarea#message"},
		{"applicant's contact", applicantForm("contact"), []view{staffCase("dd.contact"), searchResults, inbox},
			"textarea#contact"},
		{"applicant's follow-up", func(t *testing.T, s *hostileSite, v string) (string, string, *response) {
			return s.caseURL, s.receipt, s.applicant.post(t, "/check/reply", url.Values{"receipt": {s.receipt}, "message": {v}})
		}, []view{staffCase("li.message.applicant .body"), applicantThread("li.message.applicant .body"), searchResults},
			"textarea#message"},
		{"API message", apiField("message", false), []view{staffCase("li.message.applicant .body"),
			applicantThread("li.message.applicant .body")}, ""},
		{"API contact", apiField("contact", false), []view{staffCase("dd.contact")}, ""},
		{"API follow-up", apiField("message", true), []view{staffCase("li.message.applicant .body"),
			applicantThread("li.message.applicant .body")}, ""},
		{"hotline message", hotlineForm("message"), []view{staffCase("li.message.applicant .body"), searchResults, inbox},
			"textarea#message"},
		{"hotline contact", hotlineForm("contact"), []view{staffCase("dd.contact"), searchResults}, "textarea#contact"},
		{"staff reply", caseForm("/reply", "message", "", nil), []view{staffCase("li.message.staff .body"),
			applicantThread("li.message.staff .body")}, "form#reply textarea"},
		{"internal note", caseForm("/note", "note", "", nil), []view{staffCase("li.message.note .body")}, "form#note textarea"},
		{"triage reason", caseForm("/triage", "reason", "triage", url.Values{"disposition": {"case"}, "urgency": {"normal"}}),
			[]view{staffCase("ol.history li")}, "textarea#reason"},
		{"route", caseForm("/details", "route", "details-form", nil), []view{staffCase("textarea#route"), searchResults},
			"textarea#route"},
		{"destination", caseForm("/details", "destination", "details-form", nil),
			[]view{{"staff case page", staffCase("").get, "input#destination", "value"}, searchResults}, ""},
		{"deadline label", caseForm("/deadlines", "label", "", url.Values{"kind": {"meeting"}, "due_at": {"2026-03-04T05:30"}}),
			[]view{staffCase("table.deadlines"), searchResults}, ""},
		{"search box", func(t *testing.T, s *hostileSite, v string) (string, string, *response) {
			return "", "", s.coordinator.post(t, "/staff/search", url.Values{"q": {v}})
		}, []view{{"search page", func(t *testing.T, s *hostileSite, _, _, v string) *response {
			return s.coordinator.post(t, "/staff/search", url.Values{"q": {v}})
		}, "input#q", "value"}}, ""},
	}
}

// Markup, script and SQL typed into any field are stored and shown as the
// very text typed, on every page that shows it, and create nothing.
func TestHostileTextShownVerbatim(t *testing.T) {
	t.Parallel()
	s := newHostileSite(t)
	payloads := append(append([]string{}, xssPayloads...), sqlPayloads...)
	for _, f := range hostileFields() {
		t.Run(f.name, func(t *testing.T) {
			for _, v := range payloads {
				caseURL, receipt, resp := f.put(t, s, v)
				if resp.status != http.StatusOK && resp.status != http.StatusCreated {
					t.Fatalf("storing %q = %d, want it taken; body:\n%s", v, resp.status, resp.body)
				}
				if strings.HasPrefix(resp.body, "<") {
					wantInert(t, resp.doc(t))
				}
				for _, vw := range f.views {
					doc := vw.get(t, s, caseURL, receipt, v).doc(t)
					wantInert(t, doc)
					switch {
					case vw.attr != "":
						if got := attr(t, doc, vw.selector, vw.attr); got != v {
							t.Errorf("%s: %s[%s] = %q, want %q", vw.name, vw.selector, vw.attr, got, v)
						}
					case vw.selector != "":
						htmlcheck.HasText(t, doc, vw.selector, v)
					}
				}
			}
		})
	}
	t.Run("queue filters and find by reference", func(t *testing.T) {
		for _, v := range payloads {
			q := url.QueryEscape(v)
			resp := s.coordinator.get(t, "/staff/inbox?stage="+q+"&kind="+q+"&situation="+q+"&owner="+q+"&urgency="+q+
				"&due="+q+"&offset="+q+"&closed="+q)
			if resp.status != http.StatusOK {
				t.Errorf("queue filtered by %q = %d, want 200", v, resp.status)
			}
			wantInert(t, resp.doc(t))
			resp = s.coordinator.get(t, "/staff/find?ref="+q)
			if resp.status != http.StatusNotFound {
				t.Errorf("find %q = %d, want 404", v, resp.status)
			}
			doc := resp.doc(t)
			wantInert(t, doc)
			htmlcheck.HasOne(t, doc, "p.error")
		}
	})
	// The database is whole: every request stored is there and opens.
	list := s.ts.storedRequests(t)
	if want := 1 + len(payloads)*6 + len(payloads) - 1; len(list) != want {
		t.Errorf("%d requests stored, want %d", len(list), want)
	}
	for _, name := range []string{caseworkerName, analystName, coordinatorName, operatorName} {
		s.ts.staffID(t, name)
	}
	if resp := s.coordinator.get(t, "/staff/requests/"+list[0].ID); resp.status != http.StatusOK {
		t.Errorf("opening a stored request = %d, want 200", resp.status)
	}
}
