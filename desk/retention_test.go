package desk_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/seal"
	"tropa/store/storetest"
)

const day = 24 * time.Hour

// Set moves the clock to t.
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// newFixtureOn is newFixture on a database of backend b.
func newFixtureOn(t *testing.T, b storetest.Backend) *fixture {
	t.Helper()
	where := b.New(t)
	db := storetest.Open(t, where)
	c := &clock{now: time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)}
	d := desk.New(desk.Config{Store: db, KDF: seal.NewKDF(2), ReceiptParams: seal.TestParams,
		PasswordParams: seal.TestParams, Now: c.Now})
	recovery, err := d.Init(context.Background())
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	return &fixture{desk: d, store: db, dir: where, clock: c, recovery: recovery, totpSecrets: map[string]string{},
		enrolCodes: map[string]string{}}
}

func (f *fixture) applyRetention(t *testing.T) tropa.RetentionCounts {
	t.Helper()
	c, err := f.desk.ApplyRetention(context.Background())
	if err != nil {
		t.Fatalf("ApplyRetention: %v", err)
	}
	return c
}

// closedAt is when a request was closed.
func (f *fixture) closedAt(t *testing.T, id string) time.Time {
	t.Helper()
	r, err := f.store.RequestByID(context.Background(), id)
	if err != nil || r.ClosedAt.IsZero() {
		t.Fatalf("RequestByID: %+v, %v; want a closed request", r, err)
	}
	return r.ClosedAt
}

// TestApplyRetention moves the clock through the default policy: each
// rule takes nothing a day before its time and takes it on the day, and an
// open case is never taken.
func TestApplyRetention(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testApplyRetention)
}

func testApplyRetention(t *testing.T, b storetest.Backend) {
	t.Parallel()
	ctx := context.Background()
	f := newFixtureOn(t, b)
	olena := f.caseworker(t, "olena")
	caseReceipt, caseID := f.submit(t, submission("MARKER-contact @handle", "помогите"))
	spamReceipt, spamID := f.submit(t, submission("spam", "реклама"))
	_, openID := f.submit(t, submission("open", "я ещё тут"))
	for id, d := range map[string]tropa.Disposition{caseID: tropa.DispositionCase, spamID: tropa.DispositionSpam,
		openID: tropa.DispositionCase} {
		if err := f.desk.Triage(ctx, olena, id, desk.Triage{Version: 1, Disposition: d, Reason: "причина"}); err != nil {
			t.Fatalf("Triage: %v", err)
		}
	}
	if err := f.desk.ChangeCase(ctx, olena, caseID, desk.CaseChange{Version: 2, Stage: tropa.StageClosed,
		Outcome: tropa.OutcomeLeftCountry}); err != nil {
		t.Fatalf("close: %v", err)
	}
	month := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	figures, err := f.store.Counts(ctx, month, month.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	closed, marked := f.closedAt(t, caseID), f.closedAt(t, spamID)
	def := tropa.DefaultRetention()
	steps := []struct {
		name string
		at   time.Time
		want tropa.RetentionCounts
	}{
		{"a day before spam goes", marked.Add(time.Duration(def.SpamAfter)*day - day), tropa.RetentionCounts{}},
		{"the day spam goes", marked.Add(time.Duration(def.SpamAfter) * day), tropa.RetentionCounts{DeletedSpam: 1}},
		{"a day before the contact goes", closed.Add(time.Duration(def.ContactAfter)*day - day), tropa.RetentionCounts{}},
		{"the day the contact goes", closed.Add(time.Duration(def.ContactAfter) * day), tropa.RetentionCounts{ContactsErased: 1}},
		{"a day before the case goes", closed.Add(time.Duration(def.ClosedAfter)*day - day), tropa.RetentionCounts{}},
		{"the day the case goes", closed.Add(time.Duration(def.ClosedAfter) * day), tropa.RetentionCounts{DeletedClosed: 1}},
		{"ten years on", closed.AddDate(10, 0, 0), tropa.RetentionCounts{}},
	}
	for _, st := range steps {
		f.clock.Set(st.at)
		if got := f.applyRetention(t); got != st.want {
			t.Fatalf("%s: %+v, want %+v", st.name, got, st.want)
		}
		switch st.name {
		case "the day spam goes":
			if _, err := f.desk.ApplicantThread(ctx, spamReceipt.String()); !tropa.IsCode(err, tropa.ENOTFOUND) {
				t.Errorf("spam receipt after deletion: %v, want ENOTFOUND", err)
			}
			if _, err := f.desk.OpenCase(ctx, olena, spamID); !tropa.IsCode(err, tropa.EFORBIDDEN) {
				t.Errorf("OpenCase(deleted spam): %v, want no key", err)
			}
		case "the day the contact goes":
			th, err := f.desk.ApplicantThread(ctx, caseReceipt.String())
			if err != nil || th.Contact != "" || !th.Request.ContactErasedAt.Equal(tropa.Day(st.at)) ||
				len(th.Messages) != 1 {
				t.Errorf("thread after the contact went = %+v, %v; want it open, its message kept, contact erased today", th, err)
			}
			c, err := f.desk.OpenCase(ctx, olena, caseID)
			if err != nil || c.Contact != "" || c.Request.ContactErasedAt.IsZero() {
				t.Errorf("case after the contact went: %v, %v", c, err)
			}
		}
	}
	if _, err := f.desk.ApplicantThread(ctx, caseReceipt.String()); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("receipt of the deleted case: %v, want ENOTFOUND", err)
	}
	for _, holder := range []string{olena.Staff.ID, tropa.HolderRecovery} {
		if _, err := f.store.KeyWrap(ctx, caseID, holder); !tropa.IsCode(err, tropa.ENOTFOUND) {
			t.Errorf("key of the deleted case for %s: %v, want none", holder, err)
		}
	}
	if c, err := f.desk.OpenCase(ctx, olena, openID); err != nil || c.Contact != "open" {
		t.Errorf("the open case ten years on: %v, %v; want it whole", c, err)
	}
	after, err := f.store.Counts(ctx, month, month.AddDate(0, 1, 0))
	if err != nil || !reflect.DeepEqual(after, figures) {
		t.Errorf("figures of the month: before %+v\nafter %+v (%v)", figures, after, err)
	}

	// The audit log says what each run did, in counts only.
	var runs []string
	err = f.store.AuditEntries(ctx, func(e *tropa.AuditEntry) error {
		if e.Action != tropa.ActionRetentionRun {
			return nil
		}
		if e.Actor != desk.ActorRetention || e.RequestID != "" {
			t.Errorf("retention entry %+v names someone", e)
		}
		for _, id := range []string{caseID, spamID, openID} {
			if strings.Contains(e.Detail, id) {
				t.Errorf("retention entry %q names a request", e.Detail)
			}
		}
		runs = append(runs, e.Detail)
		return nil
	})
	want := []string{"deleted_closed=0 deleted_spam=1 contacts_erased=0", "deleted_closed=0 deleted_spam=0 contacts_erased=1",
		"deleted_closed=1 deleted_spam=0 contacts_erased=0"}
	if err != nil || !reflect.DeepEqual(runs, want) {
		t.Errorf("retention entries = %q, %v; want %q", runs, err, want)
	}
}

// TestRetentionOff: a rule set to 0 takes nothing, ever.
func TestRetentionOff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	f.addStaff(t, "dana", tropa.RoleAdmin, false)
	dana := f.enroll(t, "dana")
	_, id := f.submit(t, submission("contact", "текст"))
	if err := f.desk.Triage(ctx, olena, id, desk.Triage{Version: 1, Disposition: tropa.DispositionSpam, Reason: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := f.desk.SetRetention(ctx, dana, tropa.DefaultRetention(), tropa.Retention{}); err != nil {
		t.Fatalf("SetRetention: %v", err)
	}
	f.clock.Advance(20 * 365 * day)
	if c := f.applyRetention(t); c.Total() != 0 {
		t.Errorf("every rule off, twenty years on: %+v, want nothing", c)
	}
	if c, err := f.desk.OpenCase(ctx, olena, id); err != nil || c.Contact != "contact" {
		t.Errorf("the spam twenty years on: %v, %v; want it whole", c, err)
	}
}

func TestSetRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	f.addStaff(t, "dana", tropa.RoleAdmin, false)
	dana := f.enroll(t, "dana")
	def := tropa.DefaultRetention()
	if got, err := f.desk.Retention(ctx); err != nil || got != def {
		t.Fatalf("Retention at first = %+v, %v; want the default", got, err)
	}
	wantError(t, "a caseworker", f.desk.SetRetention(ctx, olena, def, tropa.Retention{}), tropa.EFORBIDDEN, "ErrRoleForbidden")
	for _, bad := range []tropa.Retention{{ClosedAfter: -1}, {ContactAfter: tropa.MaxRetentionDays + 1}, {SpamAfter: -7}} {
		wantError(t, "bad days", f.desk.SetRetention(ctx, dana, def, bad), tropa.EINVALID, "ErrRetentionDays")
	}
	head, _, _ := f.store.AuditHead(ctx)
	if err := f.desk.SetRetention(ctx, dana, def, def); err != nil {
		t.Errorf("saving it unchanged: %v", err)
	}
	if n, _, _ := f.store.AuditHead(ctx); n != head {
		t.Errorf("saving it unchanged wrote %d audit entries, want none", n-head)
	}
	short := tropa.Retention{ClosedAfter: 90, ContactAfter: 7, SpamAfter: 1}
	if err := f.desk.SetRetention(ctx, dana, def, short); err != nil {
		t.Fatalf("SetRetention: %v", err)
	}
	if got, _ := f.desk.Retention(ctx); got != short {
		t.Errorf("Retention = %+v, want %+v", got, short)
	}
	var last *tropa.AuditEntry
	f.store.AuditEntries(ctx, func(e *tropa.AuditEntry) error { last = e; return nil })
	if last.Action != tropa.ActionSettingChange || last.Actor != dana.Staff.ID || last.Detail != "retention "+short.String() {
		t.Errorf("audit = %+v, want the change", last)
	}
	// A second administrator still looking at the default would undo it.
	wantError(t, "a stale page", f.desk.SetRetention(ctx, dana, def, tropa.Retention{ClosedAfter: 365}),
		tropa.ECONFLICT, "ErrSettingsChanged")
	if got, _ := f.desk.Retention(ctx); got != short {
		t.Errorf("after a stale change Retention = %+v, want %+v", got, short)
	}
}

func TestEraseContact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	f.addStaff(t, "ivan", tropa.RoleAnalyst, false)
	ivan := f.enroll(t, "ivan")
	f.addStaff(t, "oksana", tropa.RoleOperator, false)
	oksana := f.enroll(t, "oksana")
	_, byStaff := f.submit(t, submission("@erase_me", "сотрите мой контакт"))
	receipt, byApplicant := f.submit(t, submission("+7 900 000", "сотрите"))

	wantError(t, "an analyst", f.desk.EraseContact(ctx, ivan, byStaff), tropa.EFORBIDDEN, "ErrRoleForbidden")
	wantError(t, "an operator without the key", f.desk.EraseContact(ctx, oksana, byStaff), tropa.EFORBIDDEN, "ErrNoKey")
	if err := f.desk.EraseContact(ctx, olena, byStaff); err != nil {
		t.Fatalf("EraseContact: %v", err)
	}
	c, err := f.desk.OpenCase(ctx, olena, byStaff)
	if err != nil || c.Contact != "" || c.Request.ContactErasedAt.IsZero() {
		t.Fatalf("case after erasing: %v, %v", c, err)
	}
	if last := c.History[len(c.History)-1]; last.Action != tropa.CaseEraseContact || last.Actor != olena.Staff.ID {
		t.Errorf("history ends with %+v, want olena's erasure", last)
	}

	ac, err := f.desk.ApplicantCase(ctx, receipt.String())
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := ac.EraseContact(ctx); err != nil {
			t.Fatalf("applicant EraseContact: %v", err)
		}
	}
	c, err = f.desk.OpenCase(ctx, olena, byApplicant)
	if err != nil || c.Contact != "" || c.Request.ContactErasedAt.IsZero() {
		t.Fatalf("case after the applicant erased: %v, %v", c, err)
	}
	if h := history(t, f, olena, byApplicant); len(h) != 1 || h[0] != tropa.CaseEraseContact {
		t.Errorf("history = %v, want one erasure", h)
	}
	if c.History[0].Actor != desk.ActorApplicant {
		t.Errorf("erased by %q, want the applicant", c.History[0].Actor)
	}
}
