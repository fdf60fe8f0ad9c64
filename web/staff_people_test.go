package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// Staff of this file's tests, beside Olena and Ivan: an administrator and
// a coordinator.
const (
	danaName       = "Dana"
	danaPassword   = "dana keeps the spare keys"
	kostyaName     = "Kostya"
	kostyaPassword = "kostya plans every route"
)

// personRow selects the row of the staff list for the staff member id.
func personRow(id string) string { return "tr#person-" + id }

func TestPeopleDeactivateEndsAccessAtOnce(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addMember(t, danaName, tropa.RoleAdmin, danaPassword)
	if _, err := ts.desk.Submit(context.Background(), tropa.Submission{Kind: tropa.KindLegal,
		Situation: tropa.SituationFront, Channel: tropa.ChannelWeb, Message: "Меня призвали, что делать?"}); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	admin := ts.staffBrowser(t, danaName, danaPassword)
	olenaID, adminID := ts.staffID(t, caseworkerName), ts.staffID(t, danaName)

	doc := admin.get(t, "/staff/people").doc(t)
	if n := count(t, doc, "table.people tr.person"); n != 3 {
		t.Errorf("%d people listed, want 3", n)
	}
	htmlcheck.HasNone(t, doc, personRow(adminID)+" form")
	deactivate := attr(t, doc, personRow(olenaID)+" form.deactivate", "action")
	if deactivate != "/staff/people/"+olenaID+"/deactivate" {
		t.Fatalf("deactivate form posts to %q", deactivate)
	}
	htmlcheck.HasOne(t, doc, personRow(olenaID)+` form.deactivate input[type=checkbox][name=confirm][required]`)

	t.Run("not confirmed", func(t *testing.T) {
		resp := admin.post(t, deactivate, nil)
		if resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("POST without confirm = %d, want 422", resp.status)
		}
		doc := resp.doc(t)
		htmlcheck.HasOne(t, doc, "p.error")
		htmlcheck.HasOne(t, doc, personRow(olenaID)+" form.deactivate")
		wantLoggedIn(t, olena)
	})

	// She alone holds the request: it is shown first, to be handed over,
	// which an admin, who holds no case keys, cannot do.
	resp := admin.post(t, deactivate, url.Values{"confirm": {"yes"}})
	if resp.status != http.StatusOK || resp.path != deactivate {
		t.Fatalf("deactivation of someone with a case = %d at %s, want the hand-over page", resp.status, resp.path)
	}
	htmlcheck.HasOne(t, resp.doc(t), "table.handover tbody tr.left")
	wantLoggedIn(t, olena)
	resp = admin.post(t, deactivate, url.Values{"confirm": {"yes"}, "handover": {"yes"}})
	want := "/staff/people?" + url.Values{"done": {"deactivated"}, "handed": {"0"}, "keys": {"1"}, "left": {"1"},
		"who": {olenaID}}.Encode()
	if resp.status != http.StatusOK || resp.path != want {
		t.Fatalf("deactivation = %d at %s, want 200 at %s", resp.status, resp.path, want)
	}
	doc = resp.doc(t)
	htmlcheck.HasOne(t, doc, "p.notice")
	htmlcheck.HasOne(t, doc, personRow(olenaID)+".inactive")
	htmlcheck.HasNone(t, doc, personRow(olenaID)+" form")

	wantRedirect(t, "Olena's GET /staff/inbox", olena.getNoFollow(t, "/staff/inbox"), "/staff/login")
	resp = ts.browser(loopback).post(t, "/staff/login", url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}})
	if resp.status != http.StatusUnauthorized || resp.path != "/staff/login" {
		t.Errorf("Olena's login after deactivation = %d at %s, want 401 at /staff/login", resp.status, resp.path)
	}
}

func TestPeopleCoordinatorManagesCaseworkersOnly(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addMember(t, danaName, tropa.RoleAdmin, danaPassword)
	ts.addMember(t, kostyaName, tropa.RoleCoordinator, kostyaPassword)
	coordinator := ts.staffBrowser(t, kostyaName, kostyaPassword)
	adminID, coordinatorID, olenaID, ivanID := ts.staffID(t, danaName), ts.staffID(t, kostyaName),
		ts.staffID(t, caseworkerName), ts.staffID(t, analystName)

	doc := coordinator.get(t, "/staff/people").doc(t)
	for _, id := range []string{adminID, coordinatorID, ivanID} {
		htmlcheck.HasNone(t, doc, personRow(id)+" form")
	}
	htmlcheck.HasOne(t, doc, personRow(olenaID)+" form.deactivate")
	htmlcheck.HasOne(t, doc, personRow(olenaID)+" form.reset-totp")

	tests := []struct {
		name, path string
		want       int
	}{
		{"deactivate an admin", "/staff/people/" + adminID + "/deactivate", http.StatusForbidden},
		{"reset an admin's TOTP", "/staff/people/" + adminID + "/reset-totp", http.StatusForbidden},
		{"deactivate an analyst", "/staff/people/" + ivanID + "/deactivate", http.StatusForbidden},
		{"deactivate oneself", "/staff/people/" + coordinatorID + "/deactivate", http.StatusForbidden},
		{"deactivate nobody", "/staff/people/nosuchperson/deactivate", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := coordinator.post(t, tt.path, url.Values{"confirm": {"yes"}})
			if resp.status != tt.want {
				t.Fatalf("POST %s = %d, want %d", tt.path, resp.status, tt.want)
			}
			htmlcheck.HasOne(t, resp.doc(t), "p.error")
		})
	}
	for _, name := range []string{danaName, analystName, kostyaName} {
		st, err := ts.store.StaffByName(context.Background(), name)
		if err != nil || !st.Active {
			t.Errorf("%s: active %v, err %v; want still active", name, st != nil && st.Active, err)
		}
	}
	wantLoggedIn(t, coordinator)
}

func TestPeopleResetTOTP(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addMember(t, kostyaName, tropa.RoleCoordinator, kostyaPassword)
	olena := ts.staffBrowser(t, caseworkerName, caseworkerPassword)
	coordinator := ts.staffBrowser(t, kostyaName, kostyaPassword)
	olenaID := ts.staffID(t, caseworkerName)

	doc := coordinator.get(t, "/staff/people").doc(t)
	action := attr(t, doc, personRow(olenaID)+" form.reset-totp", "action")
	resp := coordinator.postNoFollow(t, action, nil)
	if resp.status != http.StatusOK {
		t.Fatalf("reset = %d, want 200 with the new enrolment code", resp.status)
	}
	doc = resp.doc(t)
	htmlcheck.HasText(t, doc, "p.notice", caseworkerName)
	code := htmlcheck.Text(htmlcheck.HasOne(t, doc, "code.enrol-code"))
	if code == "" || code == ts.enrolCode(caseworkerName) {
		t.Fatalf("enrolment code shown = %q, want a new one", code)
	}
	// Shown once: the people page does not show it again.
	htmlcheck.HasNone(t, coordinator.get(t, "/staff/people").doc(t), "code.enrol-code")
	wantLoggedOut(t, olena)
	// Her password and the new code lead to enrolling a new key; the old
	// code no longer does.
	if resp := ts.enrolAttempt(t, caseworkerName, caseworkerPassword, ts.enrolCode(caseworkerName)); resp.status != http.StatusUnprocessableEntity {
		t.Errorf("enrolling with the code from before the reset = %d, want 422", resp.status)
	}
	ts.enrolCodes.Store(caseworkerName, code)
	olena.login(t, caseworkerName, caseworkerPassword)
	wantLoggedIn(t, olena)
}

// Each page of this group refuses the roles it is not for.
func TestPeopleSettingsStatsByRole(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addMember(t, danaName, tropa.RoleAdmin, danaPassword)
	ts.addMember(t, kostyaName, tropa.RoleCoordinator, kostyaPassword)
	browsers := map[string]*browser{
		"admin":       ts.staffBrowser(t, danaName, danaPassword),
		"coordinator": ts.staffBrowser(t, kostyaName, kostyaPassword),
		"caseworker":  ts.staffBrowser(t, caseworkerName, caseworkerPassword),
		"analyst":     ts.staffBrowser(t, analystName, analystPassword),
	}
	const ok, no = http.StatusOK, http.StatusForbidden
	tests := []struct {
		path string
		want map[string]int
	}{
		{"/staff/people", map[string]int{"admin": ok, "coordinator": ok, "caseworker": no, "analyst": no}},
		{"/staff/settings", map[string]int{"admin": ok, "coordinator": no, "caseworker": no, "analyst": no}},
		{"/staff/stats", map[string]int{"admin": ok, "coordinator": ok, "caseworker": no, "analyst": ok}},
		{"/staff/account", map[string]int{"admin": ok, "coordinator": ok, "caseworker": ok, "analyst": ok}},
	}
	for _, tt := range tests {
		for role, want := range tt.want {
			t.Run(tt.path+" as "+role, func(t *testing.T) {
				resp := browsers[role].get(t, tt.path)
				if resp.status != want {
					t.Fatalf("GET %s as %s = %d, want %d", tt.path, role, resp.status, want)
				}
				if want == no {
					htmlcheck.HasOne(t, resp.doc(t), "p.error")
				}
			})
		}
	}
	t.Run("posts", func(t *testing.T) {
		ivan := browsers["analyst"]
		olenaID := ts.staffID(t, caseworkerName)
		for _, path := range []string{"/staff/people/" + olenaID + "/deactivate", "/staff/people/" + olenaID + "/reset-totp",
			"/staff/settings/wanted", "/staff/settings/terms/stages", "/staff/settings/terms/stages/new"} {
			resp := ivan.post(t, path, url.Values{"confirm": {"yes"}, "hours": {"abc"}, "name_en": {"Mine"}})
			if resp.status != http.StatusForbidden {
				t.Errorf("POST %s as analyst = %d, want 403", path, resp.status)
			}
		}
		wantLoggedIn(t, browsers["caseworker"])
	})
}
