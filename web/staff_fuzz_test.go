package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"tropa"
	"tropa/internal/htmlcheck"
)

// FuzzSessionCookie sends arbitrary staff cookies: each is refused as not
// logged in, a redirect to the login page, unless it is the one real
// session's own cookie.
func FuzzSessionCookie(f *testing.F) {
	ts := newFuzzServer(f)
	token := ts.staffBrowser(f, caseworkerName, caseworkerPassword).sessionCookie()
	f.Add(token)
	for _, v := range tamper(token, token) {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, value string) {
		req := httptest.NewRequest(http.MethodGet, "/staff/account", nil)
		req.Header.Set("Cookie", "tropa_staff="+value)
		rec := ts.serve(req)
		if rec.Code == http.StatusOK {
			if c, err := req.Cookie("tropa_staff"); err != nil || c.Value != token {
				t.Fatalf("cookie %q opens a session", value)
			}
			return
		}
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/staff/login" {
			t.Fatalf("cookie %q: %d to %q, want 303 to /staff/login", value, rec.Code, rec.Header().Get("Location"))
		}
	})
}

// FuzzStaffLogin posts arbitrary bytes to the login form and to the TOTP
// form of a session still enrolling: the answer is the form again with why,
// or a redirect for a login that worked, never a server error.
func FuzzStaffLogin(f *testing.F) {
	ts := newFuzzServer(f)
	ts.addStaff(f, coordinatorName, tropa.RoleCoordinator, false)
	enrolling := ts.browser(loopback)
	enrolling.post(f, "/staff/login", url.Values{"name": {coordinatorName}, "password": {staffPassword}})
	for _, seed := range []string{
		url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}}.Encode(),
		url.Values{"name": {caseworkerName}, "password": {caseworkerPassword}, "code": {"123456"}}.Encode(),
		"name=&password=",
		"name=%FF&password=%00",
		"code=000000",
		"code=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96",
		"code=+123+456+",
		"code=" + strings.Repeat("9", 1000),
		"enrol_code=abcd-efgh-ijkl-mnop&code=000000",
		"enrol_code=%00%FF" + strings.Repeat("-", 500),
	} {
		f.Add(false, []byte(seed))
		f.Add(true, []byte(seed))
	}
	f.Fuzz(func(t *testing.T, totp bool, body []byte) {
		path, b := "/staff/login", ts.browser(loopback)
		if totp {
			path, b = "/staff/totp", enrolling
		}
		resp := b.postRaw(t, path, string(body), false)
		want := []int{http.StatusSeeOther, http.StatusUnauthorized, http.StatusUnprocessableEntity,
			http.StatusTooManyRequests, http.StatusRequestEntityTooLarge}
		if !slices.Contains(want, resp.status) {
			t.Fatalf("POST %s with %q = %d, want one of %v; body:\n%s", path, body, resp.status, want, resp.body)
		}
		if resp.status != http.StatusSeeOther {
			htmlcheck.HasOne(t, resp.doc(t), "p.error")
		}
	})
}

// FuzzStaffQuery asks the queue and find-by-reference with an arbitrary raw
// query string, and the search with it as its posted form, as a
// coordinator: the answer is a page, or
// for find a redirect or "not found", never a server error.
func FuzzStaffQuery(f *testing.F) {
	ts := newFuzzServer(f)
	ts.addStaff(f, coordinatorName, tropa.RoleCoordinator, true)
	ts.newCase(f, requestForm())
	token := ts.staffBrowser(f, coordinatorName, staffPassword).sessionCookie()
	paths := []string{"/staff/inbox", "/staff/search", "/staff/find"}
	for _, seed := range []string{
		"stage=new&urgency=high&owner=me&due=24h&closed=1&offset=50",
		"owner=-&kind=legal&situation=front",
		"q=%D0%BF%D0%BE%D0%B2%D0%B5%D1%81%D1%82%D0%BA%D0%B0",
		"q=%FF%FE%00",
		"ref=ABC123",
		"ref=%27%3B--",
		"offset=-1&offset=99999999999999999999",
		"a=%zz&;b=1&lang=uk&lang=en",
	} {
		for i := range paths {
			f.Add(uint8(i), seed)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		path := paths[int(which)%len(paths)]
		// Set after parsing: the query reaches the handler as sent, even
		// what no client could put in a request line.
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.URL.RawQuery = query
		if path == "/staff/search" {
			req = httptest.NewRequest(http.MethodPost, path, strings.NewReader(query))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Header.Set("Cookie", "tropa_staff="+token)
		rec := ts.serve(req)
		want := []int{http.StatusOK, http.StatusUnprocessableEntity}
		if path == "/staff/find" {
			want = []int{http.StatusSeeOther, http.StatusNotFound, http.StatusUnprocessableEntity}
		}
		if !slices.Contains(want, rec.Code) {
			t.Fatalf("%s %s?%s = %d, want one of %v; body:\n%s", req.Method, path, query, rec.Code, want, rec.Body)
		}
		if rec.Code != http.StatusSeeOther {
			htmlcheck.HasNone(t, htmlcheck.Parse(t, rec.Body.String()), "script")
		}
	})
}

// FuzzLanguage asks for a page with an arbitrary Accept-Language header and
// ?lang=: the page comes in one of tropa's languages, never an error.
func FuzzLanguage(f *testing.F) {
	ts := newFuzzServer(f)
	for _, seed := range [][2]string{
		{"uk-UA,uk;q=0.9,ru;q=0.8,en;q=0.7", ""},
		{"*", "en"},
		{"", "xx"},
		{"en;q=0.5,de;q=1.0,ru;q=0", "UK"},
		{strings.Repeat("x-", 4000), "%ZZ"},
		{"zh-Hant-TW-u-ca-chinese-x-private;q=0.1", "ru&lang=uk"},
		{"en;q=nan, ru;q=1e9", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, acceptLanguage, lang string) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL.RawQuery = "lang=" + lang
		req.Header.Set("Accept-Language", acceptLanguage)
		rec := ts.serve(req)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /?lang=%s with Accept-Language %q = %d, want 200", lang, acceptLanguage, rec.Code)
		}
		doc := htmlcheck.Parse(t, rec.Body.String())
		if len(htmlcheck.MustQuery(t, doc, "html[lang=ru], html[lang=uk], html[lang=en]")) != 1 {
			t.Fatalf("GET /?lang=%s with Accept-Language %q: the page is in none of tropa's languages", lang, acceptLanguage)
		}
	})
}

// FuzzSettingsForms posts arbitrary bytes, as an admin, to every settings
// form and to the password change: the answer is the page again, a
// redirect to it, or a page that explains what to correct, never a server
// error.
func FuzzSettingsForms(f *testing.F) {
	ts := newFuzzServer(f)
	ts.addStaff(f, adminName, tropa.RoleAdmin, false)
	b := ts.staffBrowser(f, adminName, staffPassword)
	paths := []string{"/staff/settings/wanted", "/staff/settings/retention", "/staff/settings/terms/stages",
		"/staff/settings/terms/outcomes", "/staff/settings/terms/documents",
		"/staff/settings/terms/documents/internal_passport", "/staff/settings/terms/stages/new",
		"/staff/settings/terms/nothing/x", "/staff/account/password", "/staff/settings/figures"}
	for i, seed := range []string{
		"hours=48",
		"was=" + url.QueryEscape(tropa.DefaultRetention().Marshal()) + "&closed_after=90&contact_after=14&spam_after=3",
		"name_ru=%D0%9D%D0%B0+%D0%B3%D1%80%D0%B0%D0%BD%D0%B8%D1%86%D0%B5&name_en=At+the+border",
		"name_ru=&name_uk=&name_en=",
		"name_en=" + strings.Repeat("x", 61),
		"name_ru=%00&name_en=%E2%80%AE",
		"was=%7B%22closed_after%22%3A1e99%7D&closed_after=-1",
		"was=null&closed_after=1&contact_after=1&spam_after=1",
		"current=x&new=a+long+enough+new+password&repeat=a+long+enough+new+password",
		"threshold=10&exact=on",
	} {
		f.Add(uint8(i), []byte(seed))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := paths[int(which)%len(paths)]
		resp := b.postRaw(t, path, string(body), false)
		want := []int{http.StatusSeeOther, http.StatusUnprocessableEntity, http.StatusConflict, http.StatusNotFound,
			http.StatusRequestEntityTooLarge, http.StatusTooManyRequests}
		if !slices.Contains(want, resp.status) {
			t.Fatalf("POST %s with %q = %d, want one of %v; body:\n%s", path, body, resp.status, want, resp.body)
		}
		if resp.status != http.StatusSeeOther {
			htmlcheck.HasOne(t, resp.doc(t), "p.error")
		}
	})
}
