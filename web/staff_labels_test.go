package web_test

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// staffLabels are the applicant's texts, which speak to him ("What do you
// need help with?", "Leave my unit"), that staff pages replace with texts
// of their own.
var staffLabels = map[string]string{"FieldKind": "StaffKind", "FieldSituation": "StaffSituation",
	"FieldContact": "StaffContact"}

func init() {
	for _, k := range tropa.Kinds {
		staffLabels["Kind_"+string(k)] = "StaffKind_" + string(k)
	}
}

// catalogTexts reads one language's messages, from every part file.
func catalogTexts(t *testing.T, lang string) map[string]string {
	t.Helper()
	msgs := map[string]string{}
	for _, name := range []string{"../locale/locales/" + lang + ".json", "../locale/locales/team." + lang + ".json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &msgs); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return msgs
}

// Staff pages speak to staff: no page of theirs, in any language, shows an
// applicant's text that a staff label replaces.
func TestStaffPagesSpeakToStaff(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.addStaff(t, coordinatorName, tropa.RoleCoordinator, true)
	ts.addStaff(t, adminName, tropa.RoleAdmin, false)
	marta := ts.staffBrowser(t, coordinatorName, staffPassword)
	admin := ts.staffBrowser(t, adminName, staffPassword)
	var caseURL string
	for _, k := range tropa.Kinds {
		caseURL = ts.newCase(t, requestForm("kind", string(k)))
	}
	pages := map[*browser][]string{
		marta: {"/staff/inbox", caseURL, "/staff/calls", "/staff/search", "/staff/stats", "/staff/people", "/staff/account"},
		admin: {"/staff/settings", "/staff/people", "/staff/stats"},
	}
	for _, lang := range []string{"ru", "uk", "en"} {
		msgs := catalogTexts(t, lang)
		var banned []string
		for applicant, staff := range staffLabels {
			if msgs[applicant] != msgs[staff] {
				banned = append(banned, msgs[applicant])
			}
		}
		for b, paths := range pages {
			for _, path := range paths {
				resp := b.get(t, path+"?lang="+lang)
				if resp.status != http.StatusOK {
					t.Fatalf("%s in %s: %d", path, lang, resp.status)
				}
				text := htmlcheck.Text(resp.doc(t))
				for _, s := range banned {
					if strings.Contains(text, s) {
						t.Errorf("%s in %s shows the applicant's %q", path, lang, s)
					}
				}
			}
		}
		doc := marta.get(t, caseURL+"?lang="+lang).doc(t)
		htmlcheck.HasText(t, doc, "dl dt", msgs["StaffKind"])
	}
}
