package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"tropa/locale"
)

func TestPickLanguage(t *testing.T) {
	tests := []struct {
		name, method, target, accept, form, want string
	}{
		{"no Accept-Language", "GET", "/", "", "", "ru"},
		{"English", "GET", "/", "en-US,en;q=0.5", "", "en"},
		{"Ukrainian", "GET", "/", "uk-UA", "", "uk"},
		{"Russian", "GET", "/", "ru-RU,ru;q=0.9", "", "ru"},
		{"unsupported German", "GET", "/", "de-DE", "", "ru"},
		{"garbage header", "GET", "/", ";;;=", "", "ru"},
		{"?lang=uk over Accept-Language", "GET", "/?lang=uk", "en-US,en;q=0.5", "", "uk"},
		{"?lang=en over Accept-Language", "GET", "/check?lang=en", "ru-RU", "", "en"},
		{"unknown ?lang ignored", "GET", "/?lang=de", "uk-UA", "", "uk"},
		{"form lang on POST", "POST", "/", "en-US", "lang=uk", "uk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r = httptest.NewRequest(tt.method, tt.target, nil)
			if tt.form != "" {
				r = httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.form))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if tt.accept != "" {
				r.Header.Set("Accept-Language", tt.accept)
			}
			if got := pickLanguage(r); got != tt.want {
				t.Errorf("pickLanguage(%s %s, Accept-Language %q) = %q, want %q", tt.method, tt.target, tt.accept, got, tt.want)
			}
		})
	}
	// Every language the switch offers is one pickLanguage accepts.
	for _, lang := range locale.Languages() {
		r := httptest.NewRequest("GET", "/?lang="+url.QueryEscape(lang), nil)
		if got := pickLanguage(r); got != lang {
			t.Errorf("?lang=%s picks %q", lang, got)
		}
	}
}
