package locale

import (
	"strings"
	"testing"

	"tropa/stats"
)

// A notice says how many things wait and where to look, in the reader's
// language, and nothing else.
func TestNoticeText(t *testing.T) {
	t.Parallel()
	text, err := NoticeText()
	if err != nil {
		t.Fatal(err)
	}
	ru := text("ru", 3, "https://staff.example.org/")
	if ru.Subject != "Вы нужны в tropa" || !strings.Contains(ru.Body, "Ждут вас: 3.") ||
		!strings.Contains(ru.Body, "https://staff.example.org/") {
		t.Errorf("ru notice = %+v", ru)
	}
	en := text("en", 1, "")
	if en.Subject != "Something needs you in tropa" || !strings.Contains(en.Body, "Waiting: 1.") ||
		strings.Contains(en.Body, "http") {
		t.Errorf("en notice without a link = %+v", en)
	}
}

// A series file's columns may be named in any of tropa's languages.
func TestSeriesHeader(t *testing.T) {
	t.Parallel()
	cs, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	h := cs.SeriesHeader()
	for name, want := range map[string]string{"month": stats.SeriesMonth, "value": stats.SeriesValue,
		"месяц": stats.SeriesMonth, "значение": stats.SeriesValue} {
		if h[name] != want {
			t.Errorf("column %q reads as %q, want %q", name, h[name], want)
		}
	}
	for _, lang := range Languages() {
		if got := h[strings.ToLower(cs.In(lang).T("SeriesColumn_month"))]; got != stats.SeriesMonth {
			t.Errorf("%s's name for the month column reads as %q", lang, got)
		}
	}
}
