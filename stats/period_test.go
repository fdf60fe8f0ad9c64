package stats_test

import (
	"fmt"
	"testing"
	"time"

	"tropa"
	"tropa/stats"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func zone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// The month and quarter it is now are those of the organization's
// calendar, which in a zone far from UTC is not the UTC one.
func TestCurrentPeriodInZone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		now  string
		zone string
		g    stats.Grain
		want string
	}{
		{"UTC still March", "2026-03-31T20:00:00Z", "UTC", stats.GrainMonth, "2026-03"},
		{"Vladivostok already April", "2026-03-31T20:00:00Z", "Asia/Vladivostok", stats.GrainMonth, "2026-04"},
		{"Kiritimati at UTC+14", "2026-03-31T10:00:00Z", "Pacific/Kiritimati", stats.GrainMonth, "2026-04"},
		{"Pago Pago still March", "2026-04-01T09:00:00Z", "Pacific/Pago_Pago", stats.GrainMonth, "2026-03"},
		{"Pago Pago then April", "2026-04-01T11:00:00Z", "Pacific/Pago_Pago", stats.GrainMonth, "2026-04"},
		{"Kiritimati's new year's quarter", "2026-12-31T10:00:00Z", "Pacific/Kiritimati", stats.GrainQuarter, "2027-Q1"},
		{"Honolulu's last quarter", "2027-01-01T09:00:00Z", "Pacific/Honolulu", stats.GrainQuarter, "2026-Q4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now, err := time.Parse(time.RFC3339, tt.now)
			if err != nil {
				t.Fatal(err)
			}
			p := stats.Current(tt.g, now, zone(t, tt.zone))
			if p.String() != tt.want {
				t.Errorf("Current = %s, want %s", p, tt.want)
			}
			if !p.Begun(now, zone(t, tt.zone)) || p.Over(now, zone(t, tt.zone)) {
				t.Errorf("%s should have begun and not be over at %s", p, tt.now)
			}
			if prev := p.Previous(); !prev.Over(now, zone(t, tt.zone)) {
				t.Errorf("%s, the period before, should be over at %s", prev, tt.now)
			}
			if next := p.Next(); next.Begun(now, zone(t, tt.zone)) {
				t.Errorf("%s, the period after, should not have begun at %s", next, tt.now)
			}
		})
	}
}

// A period's bounds are UTC days, the grain of the times in clear: a month
// counts the days of its dates whatever the zone.
func TestPeriodBounds(t *testing.T) {
	t.Parallel()
	p := stats.Current(stats.GrainMonth, time.Date(2026, 3, 31, 20, 0, 0, 0, time.UTC), zone(t, "Asia/Vladivostok"))
	if !p.From().Equal(day("2026-04-01")) || !p.To().Equal(day("2026-05-01")) || p.Days() != 30 {
		t.Errorf("April in Vladivostok = [%s, %s), %d days; want [2026-04-01, 2026-05-01), 30",
			p.From(), p.To(), p.Days())
	}
	if p.From().Location() != time.UTC {
		t.Errorf("From is in %s, want UTC", p.From().Location())
	}
}

func TestPeriodComparisons(t *testing.T) {
	t.Parallel()
	tests := []struct {
		period, previous, yearBefore, next string
	}{
		{"2026-03", "2026-02", "2025-03", "2026-04"},
		{"2026-01", "2025-12", "2025-01", "2026-02"},
		{"2026-Q1", "2025-Q4", "2025-Q1", "2026-Q2"},
		{"2026-Q3", "2026-Q2", "2025-Q3", "2026-Q4"},
		// The press's own comparison: September to November against June
		// to August, whole months though a day shorter.
		{"2023-09-01..2023-11-30", "2023-06-01..2023-08-31", "2022-09-01..2022-11-30", "2023-12-01..2024-02-29"},
		{"2026-03-10..2026-03-19", "2026-02-28..2026-03-09", "2025-03-10..2025-03-19", "2026-03-20..2026-03-29"},
		{"2024-02-01..2024-02-29", "2024-01-01..2024-01-31", "2023-02-01..2023-02-28", "2024-03-01..2024-03-31"},
		{"2024-02-29..2024-02-29", "2024-02-28..2024-02-28", "2023-02-28..2023-02-28", "2024-03-01..2024-03-01"},
	}
	for _, tt := range tests {
		t.Run(tt.period, func(t *testing.T) {
			p, err := stats.ParsePeriod(tt.period)
			if err != nil {
				t.Fatalf("ParsePeriod: %v", err)
			}
			if p.String() != tt.period {
				t.Errorf("String = %s, want %s", p, tt.period)
			}
			if got := p.Previous().String(); got != tt.previous {
				t.Errorf("Previous = %s, want %s", got, tt.previous)
			}
			if got := p.YearBefore().String(); got != tt.yearBefore {
				t.Errorf("YearBefore = %s, want %s", got, tt.yearBefore)
			}
			if got := p.Next().String(); got != tt.next {
				t.Errorf("Next = %s, want %s", got, tt.next)
			}
			if q := p.Quarter(); q.Grain != stats.GrainQuarter || q.First.After(p.First) || q.Last.Before(p.First) {
				t.Errorf("Quarter = %s, which does not hold %s", q, p.First)
			}
			if got := p.Previous().Next(); !got.First.Equal(p.First) || !got.Last.Equal(p.Last) {
				t.Errorf("Previous().Next() = %s, want %s", got, p)
			}
		})
	}
}

func TestParsePeriodRefuses(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "march", "2026-13", "2026-3", "2026-Q0", "2026-Q5", "2026-Q", "26-Q1",
		"2026-Q12", "2026-03-10..2026-03-09", "2026-03-10..", "..2026-03-10", "2026-02-30..2026-03-01",
		"2000-01-01..2026-01-01"} {
		if p, err := stats.ParsePeriod(s); err == nil {
			t.Errorf("ParsePeriod(%q) = %s, want an error", s, p)
		}
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026-03", "2026-Q1", "2023-09-01..2023-11-30", "2026-Q9", "..", "2026-02-29"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := stats.ParsePeriod(s)
		if err != nil {
			return
		}
		if p.Days() < 1 || p.Days() > stats.MaxDays {
			t.Fatalf("%q: %d days", s, p.Days())
		}
		again, err := stats.ParsePeriod(p.String())
		if err != nil || again != p {
			t.Fatalf("%q read as %s, which reads back as %s, %v", s, p, again, err)
		}
	})
}

// A range is of whole months, however its ends are typed: June to
// November against December to May, and against June to November a year
// before, each made of the quarters and months the pages publish.
func TestMonthsRange(t *testing.T) {
	t.Parallel()
	p, err := stats.Months(day("2025-06-15"), day("2025-11-03"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ what, got, want string }{
		{"range", p.String(), "2025-06-01..2025-11-30"},
		{"before", p.Previous().String(), "2024-12-01..2025-05-31"},
		{"after", p.Next().String(), "2025-12-01..2026-05-31"},
		{"year before", p.YearBefore().String(), "2024-06-01..2024-11-30"},
		{"year before February", must(stats.Months(day("2024-01-01"), day("2024-02-29"))).YearBefore().String(), "2023-01-01..2023-02-28"},
		{"year before a February after a leap year", must(stats.Months(day("2028-03-01"), day("2029-02-28"))).YearBefore().String(),
			"2027-03-01..2028-02-29"},
		{"parts", fmt.Sprint(p.Parts()), "[2025-06 2025-Q3 2025-10 2025-11]"},
		{"parts across years", fmt.Sprint(must(stats.Months(day("2024-10-01"), day("2026-01-31"))).Parts()),
			"[2024-Q4 2025-Q1 2025-Q2 2025-Q3 2025-Q4 2026-01]"},
		{"one month", must(stats.Months(day("2025-06-30"), day("2025-06-01"))).String(), "2025-06"},
		{"a quarter", must(stats.Months(day("2025-07-09"), day("2025-09-09"))).String(), "2025-Q3"},
		{"a quarter's parts", fmt.Sprint(stats.Quarter(2025, 3).Parts()), "[2025-Q3]"},
		{"two years", must(stats.Months(day("2024-01-01"), day("2025-12-01"))).String(), "2024-01-01..2025-12-31"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %s, want %s", tt.what, tt.got, tt.want)
		}
	}
	for _, bad := range [][2]string{{"2025-11-01", "2025-06-30"}, {"2024-01-01", "2026-01-01"}} {
		if _, err := stats.Months(day(bad[0]), day(bad[1])); !tropa.IsCode(err, tropa.EINVALID) {
			t.Errorf("Months(%s, %s) = %v, want refused", bad[0], bad[1], err)
		}
	}
}

func must(p stats.Period, err error) stats.Period {
	if err != nil {
		panic(err)
	}
	return p
}
