package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// postSeeOther posts a form that is to redirect, and follows the redirect
// as a browser does: without the #fragment, which browsers keep to
// themselves. It returns the Location and the page it leads to.
func (b *browser) postSeeOther(tb testing.TB, path string, form url.Values) (string, *response) {
	tb.Helper()
	resp := b.postNoFollow(tb, path, form)
	loc := resp.header.Get("Location")
	if resp.status != http.StatusSeeOther {
		tb.Fatalf("POST %s = %d, want 303; body:\n%s", path, resp.status, resp.body)
	}
	target, _, _ := strings.Cut(loc, "#")
	return loc, b.get(tb, target)
}

// termName is the name a term's row shows.
func termName(tb testing.TB, resp *response, list, key string) string {
	tb.Helper()
	return htmlcheck.Text(htmlcheck.HasOne(tb, resp.doc(tb), "tr#term-"+list+"-"+key+" td.name"))
}

func TestSettingsRenameTerm(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addMember(t, danaName, tropa.RoleAdmin, danaPassword)
	admin := ts.staffBrowser(t, danaName, danaPassword)

	builtin := termName(t, admin.get(t, "/staff/settings"), "stages", "counselling")
	rename := attr(t, admin.get(t, "/staff/settings").doc(t), "tr#term-stages-counselling form.rename", "action")
	if rename != "/staff/settings/terms/stages/counselling" {
		t.Fatalf("rename form posts to %q", rename)
	}
	loc, resp := admin.postSeeOther(t, rename, url.Values{"name_ru": {"Беседа"}, "name_en": {"Talking it through"}, "name_uk": {""}})
	if loc != "/staff/settings?done=renamed#list-stages" {
		t.Errorf("rename leads to %q", loc)
	}
	htmlcheck.HasOne(t, resp.doc(t), "p.notice")
	if got := termName(t, resp, "stages", "counselling"); got != "Беседа" {
		t.Errorf("the stage is shown as %q, want Беседа", got)
	}
	doc := resp.doc(t)
	for lang, want := range map[string]string{"ru": "Беседа", "en": "Talking it through", "uk": ""} {
		if got := attr(t, doc, "input#name-stages-counselling-"+lang, "value"); got != want {
			t.Errorf("name_%s shows %q, want %q", lang, got, want)
		}
	}
	if got := termName(t, admin.get(t, "/staff/settings?lang=en"), "stages", "counselling"); got != "Talking it through" {
		t.Errorf("in English the stage is shown as %q", got)
	}

	// Emptying every name brings back the built-in one.
	admin.post(t, rename, url.Values{"name_ru": {" "}, "name_en": {""}})
	if got := termName(t, admin.get(t, "/staff/settings"), "stages", "counselling"); got != builtin {
		t.Errorf("after clearing the names the stage is shown as %q, want %q", got, builtin)
	}

	t.Run("refused", func(t *testing.T) {
		tests := []struct {
			name, path string
			form       url.Values
			want       int
		}{
			{"unknown term", "/staff/settings/terms/stages/nosuchstage", url.Values{"name_en": {"X"}}, http.StatusNotFound},
			{"unknown list", "/staff/settings/terms/nosuchlist/new", url.Values{"name_en": {"X"}}, http.StatusUnprocessableEntity},
			{"name too long", rename, url.Values{"name_en": {longName()}}, http.StatusUnprocessableEntity},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp := admin.post(t, tt.path, tt.form)
				if resp.status != tt.want {
					t.Fatalf("POST %s = %d, want %d", tt.path, resp.status, tt.want)
				}
				htmlcheck.HasOne(t, resp.doc(t), "p.error")
			})
		}
		// What was typed into the refused form is shown again.
		resp := admin.post(t, rename, url.Values{"name_ru": {"Беседа"}, "name_en": {longName()}})
		doc := resp.doc(t)
		if got := attr(t, doc, "input#name-stages-counselling-ru", "value"); got != "Беседа" {
			t.Errorf("after a refusal name_ru shows %q, want what was typed", got)
		}
		if got := attr(t, doc, "input#name-stages-new-ru", "value"); got != "" {
			t.Errorf("another term's form shows %q", got)
		}
	})
}

func longName() string { return strings.Repeat("x", tropa.MaxTermNameLen+1) }

func TestSettingsAddTerm(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addMember(t, danaName, tropa.RoleAdmin, danaPassword)
	admin := ts.staffBrowser(t, danaName, danaPassword)

	doc := admin.get(t, "/staff/settings").doc(t)
	before := count(t, doc, "section#list-outcomes tr.term")
	add := attr(t, doc, "section#list-outcomes form.add-term", "action")
	loc, resp := admin.postSeeOther(t, add, url.Values{"name_en": {"Reached his family"}})
	if loc != "/staff/settings?done=added#list-outcomes" {
		t.Errorf("adding leads to %q", loc)
	}
	htmlcheck.HasOne(t, resp.doc(t), "p.notice")
	doc = resp.doc(t)
	if n := count(t, doc, "section#list-outcomes tr.term"); n != before+1 {
		t.Errorf("%d outcomes after adding one, want %d", n, before+1)
	}
	// A Russian page shows the only name it has.
	htmlcheck.HasText(t, doc, "section#list-outcomes tr.term.custom td.name", "Reached his family")

	t.Run("without a name", func(t *testing.T) {
		resp := admin.post(t, add, url.Values{"name_ru": {"  "}})
		if resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("POST = %d, want 422", resp.status)
		}
		if n := count(t, resp.doc(t), "section#list-outcomes tr.term"); n != before+1 {
			t.Errorf("%d outcomes, want %d", n, before+1)
		}
	})

	// A new stage comes before the last one, "closed".
	resp = admin.post(t, "/staff/settings/terms/stages", url.Values{"name_ru": {"Ждёт документов"}})
	rows := htmlcheck.MustQuery(t, resp.doc(t), "section#list-stages tr.term")
	if len(rows) < 2 {
		t.Fatalf("%d stages", len(rows))
	}
	if id, _ := htmlcheck.Attr(rows[len(rows)-1], "id"); id != "term-stages-closed" {
		t.Errorf("last stage is %q, want closed", id)
	}
	if got := htmlcheck.Text(rows[len(rows)-2]); !strings.Contains(got, "Ждёт документов") {
		t.Errorf("the stage before closed is %q, want the new one", got)
	}
}

func TestSettingsWantedHours(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addMember(t, danaName, tropa.RoleAdmin, danaPassword)
	admin := ts.staffBrowser(t, danaName, danaPassword)

	doc := admin.get(t, "/staff/settings").doc(t)
	if got := attr(t, doc, "input#hours", "value"); got != "48" {
		t.Errorf("hours shows %q, want the default 48", got)
	}
	action := attr(t, doc, "form.wanted", "action")
	for _, typed := range []string{"two days", "0", "721", "4.5", ""} {
		t.Run(typed, func(t *testing.T) {
			resp := admin.post(t, action, url.Values{"hours": {typed}})
			if resp.status != http.StatusUnprocessableEntity {
				t.Fatalf("hours %q = %d, want 422", typed, resp.status)
			}
			doc := resp.doc(t)
			htmlcheck.HasOne(t, doc, "p.error")
			if got := attr(t, doc, "input#hours", "value"); got != typed {
				t.Errorf("hours shows %q, want %q as typed", got, typed)
			}
		})
	}
	loc, resp := admin.postSeeOther(t, action, url.Values{"hours": {" 36 "}})
	if loc != "/staff/settings?done=wanted#wanted" {
		t.Errorf("setting 36 hours leads to %q", loc)
	}
	htmlcheck.HasOne(t, resp.doc(t), "p.notice")
	if got := attr(t, resp.doc(t), "input#hours", "value"); got != "36" {
		t.Errorf("hours shows %q, want 36", got)
	}
}
