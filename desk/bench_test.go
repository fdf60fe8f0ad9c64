package desk_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/seal"
)

// kdfCosts are the receipt costs submissions are measured with: the
// production cost, and a trivial one that leaves everything else a
// submission pays (sealing, wrapping, the commit) to be seen on its own.
var kdfCosts = []struct {
	name   string
	params seal.Params
}{
	{"kdf=production", seal.ReceiptParams},
	{"kdf=test", seal.TestParams},
}

// BenchmarkSubmit takes a whole submission, as the web form makes it: a
// message and a contact sealed, the case key wrapped to every intake staff
// member and the recovery key, and the commit.
func BenchmarkSubmit(b *testing.B) {
	for _, n := range []int{1, 10, 50} {
		f := newFixture(b)
		for i := range n {
			f.addStaff(b, fmt.Sprintf("intake-%02d", i), tropa.RoleCaseworker, true)
		}
		sub := submission("@handle", strings.Repeat("I left the unit and need advice. ", 30))
		for _, cost := range kdfCosts {
			b.Run(fmt.Sprintf("recipients=%d/%s", n, cost.name), func(b *testing.B) {
				f.desk.SetReceiptParams(cost.params)
				ctx := context.Background()
				for b.Loop() {
					if _, err := f.desk.Submit(ctx, sub); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkOpenCase opens a case as its page does: the case key unwrapped
// with the session's key, the open written to the audit log, and the
// contact, messages, notes, details, deadlines and history opened.
func BenchmarkOpenCase(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b)
	s := f.caseworker(b, "olena")
	_, id := f.submit(b, submission("@handle", strings.Repeat("I left the unit and need advice. ", 30)))
	steps := []func() error{
		func() error { return f.desk.Reply(ctx, s, id, strings.Repeat("We read you. ", 20)) },
		func() error { return f.desk.AddNote(ctx, s, id, "Sounds calm.") },
		func() error {
			return f.desk.Triage(ctx, s, id, desk.Triage{Version: 1, Disposition: tropa.DispositionCase})
		},
		func() error {
			return f.desk.AddDeadline(ctx, s, id, tropa.DeadlineTask, f.clock.Now().Add(48*time.Hour), "call back")
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		c, err := f.desk.OpenCase(ctx, s, id)
		if err != nil || len(c.Messages) != 3 {
			b.Fatalf("OpenCase: %d messages, %v; want 3", len(c.Messages), err)
		}
	}
}
