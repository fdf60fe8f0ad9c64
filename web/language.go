package web

import (
	"net/http"

	"tropa/locale"
)

// pickLanguage chooses the page language: an explicit ?lang= (carried in
// links and forms, because the applicant site sets no cookie that would
// show on his phone that he was here), else the browser's Accept-Language,
// else Russian.
func pickLanguage(r *http.Request) string {
	if l := explicitLanguage(r); l != "" {
		return l
	}
	return locale.Match(r.Header.Get("Accept-Language"))
}

// explicitLanguage is the ?lang= a user chose, or "". A form with photos
// is read only by its handler, within the photos' budget: when it has not
// been, its lang field is not looked for.
func explicitLanguage(r *http.Request) string {
	l := r.URL.Query().Get("lang")
	if l == "" && r.Method == http.MethodPost && (r.PostForm != nil || !isMultipart(r)) {
		l = r.PostFormValue("lang")
	}
	if locale.Speaks(l) {
		return l
	}
	return ""
}
