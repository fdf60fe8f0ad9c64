package desk_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"tropa"
	"tropa/scrub/scrubtest"
	"tropa/store/storetest"
)

// Every refused attempt at a case is in the audit log with who tried,
// which case and why, whatever path it came by: an insider probing cases
// they were not given leaves a trace even though they read nothing.
func TestRefusedCaseAccessIsAudited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olga := f.caseworker(t, "olga")
	f.addStaff(t, "ivan", tropa.RoleCaseworker, false)
	ivan := f.enroll(t, "ivan")
	f.addStaff(t, "oksana", tropa.RoleOperator, true)
	oksana := f.enroll(t, "oksana")
	sub := submission("contact", "message")
	sub.Files = []tropa.Upload{{Name: "photo.png", Data: scrubtest.PNG(t, 20, 10)}}
	_, id := f.submit(t, sub)
	c, err := f.desk.OpenCase(ctx, olga, id)
	if err != nil {
		t.Fatal(err)
	}
	photo := c.Messages[0].Attachments[0].ID

	tests := []struct {
		name    string
		attempt func() error
		// actor is who tried; detail what the log says of it.
		actor, detail string
	}{
		{"a case opened without its key", func() error {
			_, err := f.desk.OpenCase(ctx, ivan, id)
			return err
		}, ivan.Staff.ID, "asked=queue reason=no_key"},
		{"a photo downloaded without the key", func() error {
			_, err := f.desk.OpenAttachment(ctx, ivan, id, photo)
			return err
		}, ivan.Staff.ID, "asked=queue reason=no_key"},
		{"a case found by reference without its key", func() error {
			_, err := f.desk.FindRef(ctx, ivan, hitsRef(t, f, id))
			return err
		}, ivan.Staff.ID, "asked=queue reason=no_key"},
		{"an answer written without the key", func() error {
			return f.desk.Reply(ctx, ivan, id, "hello")
		}, ivan.Staff.ID, "asked=write reason=no_key"},
		{"an owner chosen by a role that may not", func() error {
			return f.desk.Assign(ctx, oksana, id, olga.Staff.ID)
		}, oksana.Staff.ID, "asked=assign reason=role"},
		{"a case referred by someone not its owner", func() error {
			return f.desk.Refer(ctx, olga, id, ivan.Staff.ID)
		}, olga.Staff.ID, "asked=refer reason=not_owner"},
	}
	for _, tt := range tests {
		before := len(storetest.AuditEntries(t, f.rawDB(t)))
		if err := tt.attempt(); err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		entries := storetest.AuditEntries(t, f.rawDB(t))[before:]
		want := tropa.AuditEvent{Actor: tt.actor, Action: tropa.ActionRequestRefused, RequestID: id, Detail: tt.detail}
		if !slices.ContainsFunc(entries, func(e tropa.AuditEntry) bool {
			e.At = want.At
			return e.AuditEvent == want
		}) {
			t.Errorf("%s: audited %+v; want %+v", tt.name, entries, want)
		}
	}

	// Whatever a URL held in place of an id stays out of the log.
	if err := f.desk.Assign(ctx, oksana, "../"+strings.Repeat("x", 1000)+"\xff", olga.Staff.ID); err == nil {
		t.Fatal("an operator assigned a case")
	}
	last := lastAudit(t, f)
	if last.Action != tropa.ActionRequestRefused || last.RequestID != "" || last.Detail != "asked=assign reason=role id=malformed" {
		t.Errorf("a refusal of a malformed id audited as %+v; want no id, marked malformed", last)
	}
}

// Search opens, on the server, every case the staff member holds to look
// inside it: each is in the audit log, those it found and those it did not,
// so that a sweep through one's cases for a name shows which it read.
func TestSearchAuditsEveryCaseItOpens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	_, found := f.submit(t, submission("Telegram @Sokol_77", "Нужна помощь"))
	_, other := f.submit(t, submission("other", "другое"))
	hits, err := f.desk.Search(ctx, olena, "sokol")
	if err != nil || len(hits) != 1 {
		t.Fatalf("Search = %+v, %v; want one hit", hits, err)
	}
	opened := map[string]string{}
	for _, e := range storetest.AuditEntries(t, f.rawDB(t)) {
		if e.Action == tropa.ActionRequestOpen && e.Actor == olena.Staff.ID {
			opened[e.RequestID] = e.Detail
		}
	}
	want := map[string]string{found: "search hit=contact", other: "search"}
	for id, detail := range want {
		if opened[id] != detail {
			t.Errorf("case %s audited as opened with %q; want %q", id, opened[id], detail)
		}
	}
}
