package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// publicKeyOf reads a staff member's public key from the store.
func (ts *testServer) publicKeyOf(tb testing.TB, name string) string {
	tb.Helper()
	st, err := ts.store.StaffByName(context.Background(), name)
	if err != nil {
		tb.Fatalf("StaffByName(%q): %v", name, err)
	}
	return st.PublicKey
}

// wantReads fails the test unless b opens the case page.
func wantReads(tb testing.TB, b *browser, caseURL string) {
	tb.Helper()
	if resp := b.getNoFollow(tb, caseURL); resp.status != http.StatusOK {
		tb.Errorf("GET %s = %d, want 200", caseURL, resp.status)
	}
}

func TestAccountRotateKeys(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b, olena := ts.enrol(t, caseworkerName, caseworkerPassword)
	other := ts.loginAgain(t, olena)
	caseURL := ts.newCase(t, requestForm())
	before := ts.publicKeyOf(t, caseworkerName)

	doc := b.get(t, "/staff/account").doc(t)
	if action := attr(t, doc, "form.keys", "action"); action != "/staff/account/keys" {
		t.Fatalf("the keys form posts to %q", action)
	}
	htmlcheck.HasOne(t, doc, `form.keys input[type=password][name=password][required]`)

	resp := b.post(t, "/staff/account/keys", url.Values{"password": {"not my password at all"}})
	if resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("POST with a wrong password = %d, want 422", resp.status)
	}
	htmlcheck.HasOne(t, resp.doc(t), "p.error")
	if strings.Contains(resp.body, "not my password at all") {
		t.Error("the page shows the password typed")
	}
	if ts.publicKeyOf(t, caseworkerName) != before {
		t.Error("a wrong password replaced the keys")
	}
	wantLoggedIn(t, other)

	resp = b.post(t, "/staff/account/keys", url.Values{"password": {caseworkerPassword}})
	if resp.status != http.StatusOK || resp.path != "/staff/account?done=keys" {
		t.Fatalf("rotate = %d at %s, want 200 at /staff/account?done=keys", resp.status, resp.path)
	}
	htmlcheck.HasOne(t, resp.doc(t), "p.notice")
	if ts.publicKeyOf(t, caseworkerName) == before {
		t.Error("the public key is the same after replacing the keys")
	}
	wantLoggedOut(t, other)
	wantReads(t, b, caseURL)
	wantReads(t, ts.loginAgain(t, olena), caseURL)
}

func TestPeopleSuspectCompromise(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addMember(t, kostyaName, tropa.RoleCoordinator, kostyaPassword)
	ts.addMember(t, danaName, tropa.RoleAdmin, danaPassword)
	b, olena := ts.enrol(t, caseworkerName, caseworkerPassword)
	coordinator := ts.staffBrowser(t, kostyaName, kostyaPassword)
	caseURL := ts.newCase(t, requestForm())
	olenaID, danaID := ts.staffID(t, caseworkerName), ts.staffID(t, danaName)
	before := ts.publicKeyOf(t, caseworkerName)

	doc := coordinator.get(t, "/staff/people").doc(t)
	htmlcheck.HasNone(t, doc, personRow(danaID)+" form.suspect")
	action := attr(t, doc, personRow(olenaID)+" form.suspect", "action")
	if action != "/staff/people/"+olenaID+"/suspect" {
		t.Fatalf("the suspect form posts to %q", action)
	}
	if resp := coordinator.post(t, "/staff/people/"+danaID+"/suspect", nil); resp.status != http.StatusForbidden {
		t.Errorf("a coordinator marks an admin = %d, want 403", resp.status)
	}

	resp := coordinator.post(t, action, nil)
	want := "/staff/people?" + url.Values{"done": {"suspect"}, "who": {olenaID}}.Encode()
	if resp.status != http.StatusOK || resp.path != want {
		t.Fatalf("suspect = %d at %s, want 200 at %s", resp.status, resp.path, want)
	}
	htmlcheck.HasOne(t, resp.doc(t), "p.notice")
	wantLoggedOut(t, b)
	if ts.publicKeyOf(t, caseworkerName) != before {
		t.Error("the mark replaced the keys before the login")
	}

	// The next login replaces her keys before it lets her in.
	again := ts.loginAgain(t, olena)
	if ts.publicKeyOf(t, caseworkerName) == before {
		t.Error("the login after the mark kept the old key pair")
	}
	wantReads(t, again, caseURL)
	if st, err := ts.store.StaffByName(context.Background(), caseworkerName); err != nil || st.RotateAtLogin {
		t.Errorf("after the login the rotation is still due: %+v, %v", st, err)
	}

	admin := ts.staffBrowser(t, danaName, danaPassword)
	if resp := admin.post(t, "/staff/people/"+ts.staffID(t, kostyaName)+"/suspect", nil); resp.status != http.StatusOK {
		t.Errorf("an admin marks a coordinator = %d, want 200", resp.status)
	}
	wantLoggedOut(t, coordinator)
}
