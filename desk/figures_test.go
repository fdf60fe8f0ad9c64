package desk_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"tropa"
	"tropa/stats"
)

// Figures are counted for a role allowed them and for tropa stats beside
// the database, alike; a caseworker or an operator is refused them.
func TestFiguresForWhomAllowed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.submit(t, submission("Telegram @figures", "Где ближайший пункт?"))
	month := stats.Current(stats.GrainMonth, f.clock.Now(), time.UTC)
	local, err := f.desk.LocalFigures(ctx, month)
	if err != nil {
		t.Fatal(err)
	}
	if n := sum(local.Counts.ReceivedByKind); n != 1 {
		t.Fatalf("LocalFigures counts %d requests this month, want 1", n)
	}
	for _, role := range tropa.Roles {
		name := "who-" + string(role)
		f.addStaff(t, name, role, false)
		got, err := f.desk.Figures(ctx, f.enroll(t, name), month)
		var te *tropa.Error
		switch allowed := role.Can(tropa.PermStats); {
		case allowed && err != nil:
			t.Errorf("%s: %v", role, err)
		case allowed && sum(got.Counts.ReceivedByKind) != 1:
			t.Errorf("%s sees %v, tropa stats %v", role, got.Counts.ReceivedByKind, local.Counts.ReceivedByKind)
		case !allowed && (!errors.As(err, &te) || te.Code != tropa.EFORBIDDEN):
			t.Errorf("%s: err %v, want EFORBIDDEN", role, err)
		}
	}
}

func sum(m map[tropa.Kind]int) int {
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}
