package web

import (
	"testing"
	"time"

	"tropa/locale"
)

// TestTimeLeft: within two days a deadline reads to the minute; beyond,
// in days, with the noun as the count needs it, and hours.
func TestTimeLeft(t *testing.T) {
	t.Parallel()
	loc, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 5, 18, 0, 0, 0, time.UTC)
	tests := map[string]map[time.Duration]string{
		"ru": {
			90 * time.Minute:              "осталось 1 ч 30 мин",
			47*time.Hour + 59*time.Minute: "осталось 47 ч 59 мин",
			48 * time.Hour:                "осталось 2 дня 0 ч",
			21 * 24 * time.Hour:           "остался 21 день 0 ч",
			504*time.Hour + 7*time.Minute: "остался 21 день 0 ч",
			5 * 24 * time.Hour:            "осталось 5 дней 0 ч",
			54*time.Hour + 20*time.Minute: "осталось 2 дня 6 ч",
			-3 * time.Hour:                "просрочено на 3 ч 0 мин",
			-11 * 24 * time.Hour:          "просрочено на 11 дней 0 ч",
		},
		"uk": {22 * 24 * time.Hour: "залишилося 22 дні 0 год", -24 * time.Hour: "прострочено на 24 год 0 хв"},
		"en": {72 * time.Hour: "3 days 0 h left", -49 * time.Hour: "overdue by 2 days 1 h"},
	}
	for lang, cases := range tests {
		p := &page{Catalog: loc.In(lang), now: now}
		for d, want := range cases {
			if got := p.TimeLeft(now.Add(d)); got != want {
				t.Errorf("%s: TimeLeft(now%+v) = %q, want %q", lang, d, got, want)
			}
		}
	}
}
