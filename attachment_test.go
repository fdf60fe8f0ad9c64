package tropa_test

import (
	"strings"
	"testing"

	"tropa"
)

func TestCleanFileName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"паспорт.jpg":            "паспорт.jpg",
		"../../etc/passwd":       "passwd",
		`..\..\windows\win.ini`:  "win.ini",
		"/":                      "photo",
		"..":                     "photo",
		"":                       "photo",
		".htaccess":              "htaccess",
		"a\x00b\nc\x1bd.jpg":     "abcd.jpg",
		"photo\u202egpj.exe":     "photogpj.exe",
		"bad\xffutf8.png":        "badutf8.png",
		strings.Repeat("я", 300): strings.Repeat("я", tropa.MaxAttachmentName),
	} {
		if got := tropa.CleanFileName(in); got != want {
			t.Errorf("CleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDownloadName saves a photo under a name that ends as its type does,
// so that a file named page.html opens as the photo it is.
func TestDownloadName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, typ, want string }{
		{"паспорт.jpg", "image/jpeg", "паспорт.jpg"},
		{"паспорт.JPEG", "image/jpeg", "паспорт.JPEG"},
		{"page.html", "image/jpeg", "page.html.jpg"},
		{"scan.jpg", "image/png", "scan.jpg.png"},
		{"scan", "image/png", "scan.png"},
	} {
		a := tropa.Attachment{Name: tc.name, Type: tc.typ}
		if got := a.DownloadName(); got != tc.want {
			t.Errorf("DownloadName(%q, %s) = %q, want %q", tc.name, tc.typ, got, tc.want)
		}
	}
}
