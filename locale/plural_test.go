package locale

import "testing"

func TestPluralForm(t *testing.T) {
	t.Parallel()
	loc, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]map[int]string{
		"ru": {0: "0 часов назад", 1: "1 час назад", 2: "2 часа назад", 4: "4 часа назад", 5: "5 часов назад",
			11: "11 часов назад", 12: "12 часов назад", 14: "14 часов назад", 21: "21 час назад", 22: "22 часа назад",
			25: "25 часов назад", 101: "101 час назад", 111: "111 часов назад", 112: "112 часов назад"},
		"uk": {1: "1 годину тому", 2: "2 години тому", 5: "5 годин тому", 11: "11 годин тому", 21: "21 годину тому",
			23: "23 години тому", 13: "13 годин тому"},
		"en": {1: "1 hour ago", 2: "2 hours ago", 5: "5 hours ago", 21: "21 hours ago"},
	}
	for lang, counts := range tests {
		tr := loc.In(lang)
		for n, want := range counts {
			if got := tr.Tn("AgoHours", n); got != want {
				t.Errorf("%s: %d hours = %q, want %q", lang, n, got, want)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	for prefs, want := range map[string]string{
		"":               "ru",
		"uk":             "uk",
		"en-US":          "en",
		"ru-RU,ru;q=0.9": "ru",
		"de-DE":          "ru",
		"de-DE,uk;q=0.5": "uk",
		";;;=":           "ru",
		"en-US,en;q=0.5": "en",
	} {
		if got := Match(prefs); got != want {
			t.Errorf("Match(%q) = %q, want %q", prefs, got, want)
		}
	}
	for _, lang := range Languages() {
		if !Speaks(lang) {
			t.Errorf("Speaks(%q) = false for one of Languages()", lang)
		}
	}
	for _, lang := range []string{"", "de", "RU", "ru-RU"} {
		if Speaks(lang) {
			t.Errorf("Speaks(%q) = true", lang)
		}
	}
}
