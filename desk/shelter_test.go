package desk_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
)

// shelterFixture is a desk with a coordinator who added a shelter of beds
// and granted it to olena, an intake caseworker in Berlin who holds one
// case.
type shelterFixture struct {
	*fixture
	kate, olena *desk.Session
	shelter     *tropa.Shelter
	caseID      string
}

func newShelterFixture(t *testing.T, beds int) *shelterFixture {
	t.Helper()
	ctx := context.Background()
	f := newFixture(t)
	sf := &shelterFixture{fixture: f, olena: f.caseworker(t, "olena")}
	f.addStaff(t, "kate", tropa.RoleCoordinator, false)
	sf.kate = f.enroll(t, "kate")
	if err := f.desk.SetOwnZone(ctx, sf.olena, "Europe/Berlin"); err != nil {
		t.Fatal(err)
	}
	_, sf.caseID = f.submit(t, submission("", "I need somewhere to sleep"))
	var err error
	sf.shelter, err = f.desk.AddShelter(ctx, sf.kate, desk.ShelterInput{Name: "Flat on the hill",
		Address: "Hill street 4", Contact: "Marta", Beds: beds})
	if err != nil {
		t.Fatalf("AddShelter: %v", err)
	}
	if err := f.desk.GrantShelter(ctx, sf.kate, sf.shelter.ID, sf.olena.Staff.ID); err != nil {
		t.Fatalf("GrantShelter: %v", err)
	}
	return sf
}

func ymd(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// A stay across the end of March and the night clocks go forward, ended
// early on the day it is in Berlin though not yet in UTC.
func TestStayAcrossMonthAndDST(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sf := newShelterFixture(t, 2)
	f, olena := sf.fixture, sf.olena
	f.clock.now = time.Date(2025, 3, 28, 12, 0, 0, 0, time.UTC)

	book := func(first, end string, beds int) error {
		return f.desk.BookStay(ctx, olena, sf.caseID, desk.StayInput{ShelterID: sf.shelter.ID, First: ymd(first),
			End: ymd(end), Beds: beds})
	}
	if err := book("2025-03-29", "2025-04-02", 2); err != nil {
		t.Fatalf("BookStay: %v", err)
	}
	wantError(t, "a bed on a full night", book("2025-03-31", "2025-04-01", 1), tropa.ECONFLICT, "ErrShelterFull")
	wantError(t, "leaving before arriving", book("2025-04-05", "2025-04-05", 1), tropa.EINVALID, "ErrStayDates")
	wantError(t, "a stay over before today", book("2025-03-01", "2025-03-28", 1), tropa.EINVALID, "ErrStayDates")

	stays, err := f.desk.CaseStays(ctx, olena, sf.caseID)
	if err != nil || len(stays) != 1 {
		t.Fatalf("CaseStays = %+v, %v", stays, err)
	}
	st := stays[0]
	if st.Nights() != 4 || st.Name != "Flat on the hill" || st.Ref != sf.shelter.Ref {
		t.Errorf("stay = %+v, want 4 nights in the flat on the hill", st)
	}
	views, err := f.desk.Shelters(ctx, olena)
	if err != nil || len(views) != 1 {
		t.Fatalf("Shelters = %+v, %v", views, err)
	}
	if v := views[0]; !v.First.Equal(ymd("2025-03-28")) || len(v.Free) != desk.FreeBedsDays ||
		v.Free[0] != 2 || v.Free[1] != 0 || v.Free[4] != 0 || v.Free[5] != 2 {
		t.Errorf("free beds from %v = %v, want 2 on the 28th, none the 29th to 1st, 2 from the 2nd", v.First, v.Free)
	}

	// 22:30 UTC on the 30th is half past midnight on the 31st in Berlin,
	// summer time since the night before: he left this morning, so the
	// nights of the 29th and 30th were his.
	f.clock.now = time.Date(2025, 3, 30, 22, 30, 0, 0, time.UTC)
	if err := f.desk.ChangeStay(ctx, olena, sf.caseID, st.ID, desk.StayEndToday, time.Time{}); err != nil {
		t.Fatalf("end today: %v", err)
	}
	stays, _ = f.desk.CaseStays(ctx, olena, sf.caseID)
	if got := stays[0]; got.State != tropa.StayEnded || !got.End.Equal(ymd("2025-03-31")) || got.Nights() != 2 {
		t.Errorf("after ending today: %+v, want ended on the 31st after 2 nights", got)
	}
	if err := book("2025-03-31", "2025-04-02", 2); err != nil {
		t.Errorf("the beds he left: %v", err)
	}
	wantError(t, "ending it again", f.desk.ChangeStay(ctx, olena, sf.caseID, st.ID, desk.StayEndToday, time.Time{}),
		tropa.ECONFLICT, "ErrStayClosed")

	c, err := f.desk.OpenCase(ctx, olena, sf.caseID)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, ev := range c.History {
		if ev.Action == tropa.CaseStay {
			seen = append(seen, ev.Subject+": "+ev.From+" → "+ev.To)
		}
	}
	want := []string{"booked:  → 2025-03-29 – 2025-04-02", "end: 2025-03-29 – 2025-04-02 → 2025-03-29 – 2025-03-31",
		"booked:  → 2025-03-31 – 2025-04-02"}
	if len(seen) != len(want) {
		t.Fatalf("history of stays = %q, want %q", seen, want)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Errorf("history[%d] = %q, want %q", i, seen[i], want[i])
		}
	}
}

// Extending needs free beds on the new nights; cancelling frees them, and
// only before the stay began.
func TestStayExtendAndCancel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sf := newShelterFixture(t, 1)
	f, olena := sf.fixture, sf.olena
	in := desk.StayInput{ShelterID: sf.shelter.ID, First: ymd("2025-06-01"), End: ymd("2025-06-03"), Beds: 1}
	if err := f.desk.BookStay(ctx, olena, sf.caseID, in); err != nil {
		t.Fatal(err)
	}
	in.First, in.End = ymd("2025-06-05"), ymd("2025-06-07")
	if err := f.desk.BookStay(ctx, olena, sf.caseID, in); err != nil {
		t.Fatal(err)
	}
	stays, _ := f.desk.CaseStays(ctx, olena, sf.caseID)
	first, later := stays[0], stays[1]
	wantError(t, "extending into the next booking", f.desk.ChangeStay(ctx, olena, sf.caseID, first.ID, desk.StayExtend,
		ymd("2025-06-06")), tropa.ECONFLICT, "ErrShelterFull")
	wantError(t, "extending to an earlier day", f.desk.ChangeStay(ctx, olena, sf.caseID, first.ID, desk.StayExtend,
		ymd("2025-06-02")), tropa.EINVALID, "ErrStayExtend")
	if err := f.desk.ChangeStay(ctx, olena, sf.caseID, first.ID, desk.StayExtend, ymd("2025-06-05")); err != nil {
		t.Errorf("extending up to the next booking: %v", err)
	}
	f.clock.Advance(24 * time.Hour)
	wantError(t, "cancelling a stay begun", f.desk.ChangeStay(ctx, olena, sf.caseID, first.ID, desk.StayCancel,
		time.Time{}), tropa.EINVALID, "ErrStayBegun")
	if err := f.desk.ChangeStay(ctx, olena, sf.caseID, later.ID, desk.StayCancel, time.Time{}); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	if err := f.desk.ChangeStay(ctx, olena, sf.caseID, first.ID, desk.StayExtend, ymd("2025-06-08")); err != nil {
		t.Errorf("extending over a cancelled booking: %v", err)
	}
}

// Only those granted a shelter's key see it or book in it; roles that
// place no one can neither add, nor be granted, nor see shelters.
func TestShelterAccess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sf := newShelterFixture(t, 3)
	f := sf.fixture
	ivan := f.caseworker(t, "ivan")
	f.addStaff(t, "oleg", tropa.RoleOperator, true)
	oleg := f.enroll(t, "oleg")
	f.addStaff(t, "ana", tropa.RoleAnalyst, false)
	ana := f.enroll(t, "ana")

	_, caseID := f.submit(t, submission("", "a man ivan took in"))
	if list, err := f.desk.Shelters(ctx, ivan); err != nil || len(list) != 0 {
		t.Errorf("a caseworker not granted the shelter sees %+v, %v; want nothing", list, err)
	}
	in := desk.StayInput{ShelterID: sf.shelter.ID, First: ymd("2025-06-02"), End: ymd("2025-06-03"), Beds: 1}
	wantError(t, "booking without the shelter's key", f.desk.BookStay(ctx, ivan, caseID, in),
		tropa.ENOTFOUND, "ErrShelterUnknown")
	for _, s := range []*desk.Session{oleg, ana} {
		_, err := f.desk.Shelters(ctx, s)
		wantError(t, string(s.Staff.Role)+" listing shelters", err, tropa.EFORBIDDEN, "ErrRoleForbidden")
		wantError(t, "granting to "+string(s.Staff.Role), f.desk.GrantShelter(ctx, sf.kate, sf.shelter.ID, s.Staff.ID),
			tropa.EINVALID, "ErrShelterGrantee")
	}
	_, err := f.desk.AddShelter(ctx, ivan, desk.ShelterInput{Name: "n", Address: "a", Beds: 1})
	wantError(t, "a caseworker adding a shelter", err, tropa.EFORBIDDEN, "ErrRoleForbidden")
	wantError(t, "a caseworker granting", f.desk.GrantShelter(ctx, sf.olena, sf.shelter.ID, ivan.Staff.ID),
		tropa.EFORBIDDEN, "ErrRoleForbidden")
	_, err = f.desk.AddShelter(ctx, sf.kate, desk.ShelterInput{Name: "n", Address: "a", Beds: 0})
	wantError(t, "a shelter of no beds", err, tropa.EINVALID, "ErrShelterBeds")

	if err := f.desk.GrantShelter(ctx, sf.kate, sf.shelter.ID, ivan.Staff.ID); err != nil {
		t.Fatal(err)
	}
	if list, err := f.desk.Shelters(ctx, ivan); err != nil || len(list) != 1 || list[0].Address != "Hill street 4" {
		t.Errorf("granted, ivan sees %+v, %v", list, err)
	}
	if err := f.desk.BookStay(ctx, ivan, caseID, in); err != nil {
		t.Errorf("granted, ivan books: %v", err)
	}
	wantError(t, "booking for a case kate does not hold", f.desk.BookStay(ctx, sf.kate, caseID, in),
		tropa.EFORBIDDEN, "ErrNoKey")
}

// A caseworker who replaces her key pair still opens the shelters she was
// granted.
func TestShelterKeysFollowRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sf := newShelterFixture(t, 2)
	f := sf.fixture
	if err := f.desk.RotateKeys(ctx, sf.olena, password("olena")); err != nil {
		t.Fatalf("RotateKeys: %v", err)
	}
	olena, err := f.desk.Login(ctx, "olena", password("olena"), f.code(t, "olena"))
	if err != nil {
		t.Fatal(err)
	}
	if list, err := f.desk.Shelters(ctx, olena); err != nil || len(list) != 1 || list[0].Name != "Flat on the hill" {
		t.Errorf("after replacing her keys olena sees %+v, %v; want the flat on the hill", list, err)
	}
}

// TestStayOnClosedCase: a closed case gets no new stay and no longer one;
// the stay it had can still be ended, and once the case is reopened a bed
// is booked again.
func TestStayOnClosedCase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sf := newShelterFixture(t, 2)
	f, olena := sf.fixture, sf.olena
	f.clock.now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	in := desk.StayInput{ShelterID: sf.shelter.ID, First: ymd("2025-05-30"), End: ymd("2025-06-05"), Beds: 1}
	if err := f.desk.BookStay(ctx, olena, sf.caseID, in); err != nil {
		t.Fatal(err)
	}
	closeCase(t, f, olena, sf.caseID)
	in.First, in.End = ymd("2025-06-10"), ymd("2025-06-12")
	wantError(t, "booking for a closed case", f.desk.BookStay(ctx, olena, sf.caseID, in), tropa.ECONFLICT,
		"ErrStayCaseClosed")
	stays, err := f.desk.CaseStays(ctx, olena, sf.caseID)
	if err != nil || len(stays) != 1 {
		t.Fatalf("CaseStays after the refusal = %+v, %v; want the one stay booked while open", stays, err)
	}
	wantError(t, "extending for a closed case", f.desk.ChangeStay(ctx, olena, sf.caseID, stays[0].ID, desk.StayExtend,
		ymd("2025-06-08")), tropa.ECONFLICT, "ErrStayCaseClosed")
	if err := f.desk.ChangeStay(ctx, olena, sf.caseID, stays[0].ID, desk.StayEndToday, time.Time{}); err != nil {
		t.Errorf("ending the stay of a closed case: %v", err)
	}
	if err := f.desk.ChangeCase(ctx, olena, sf.caseID, desk.CaseChange{Stage: tropa.StageCounselling}); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if err := f.desk.BookStay(ctx, olena, sf.caseID, in); err != nil {
		t.Errorf("booking once the case is reopened: %v", err)
	}
}
