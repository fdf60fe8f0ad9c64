package desk_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"tropa"
	"tropa/desk"
	"tropa/store"
)

// holders lists who holds a case's key, as the key rows say.
func holders(t *testing.T, f *fixture, requestID string) map[string]string {
	t.Helper()
	wraps, err := f.store.KeyWraps(context.Background(), requestID)
	if err != nil {
		t.Fatalf("KeyWraps: %v", err)
	}
	got := make(map[string]string, len(wraps))
	for _, w := range wraps {
		got[w.Holder] = w.Reason
	}
	return got
}

func wantHolders(t *testing.T, f *fixture, requestID string, want map[string]string) {
	t.Helper()
	got := holders(t, f, requestID)
	if len(got) != len(want) {
		t.Errorf("key holders = %v, want %v", got, want)
		return
	}
	for h, reason := range want {
		if got[h] != reason {
			t.Errorf("key holders = %v, want %v", got, want)
			return
		}
	}
}

// history lists a case's history as actions.
func history(t *testing.T, f *fixture, s *desk.Session, requestID string) []tropa.CaseAction {
	t.Helper()
	c, err := f.desk.OpenCase(context.Background(), s, requestID)
	if err != nil {
		t.Fatalf("OpenCase: %v", err)
	}
	var actions []tropa.CaseAction
	for _, ev := range c.History {
		actions = append(actions, ev.Action)
	}
	return actions
}

// TestHandOver follows a case from intake through assignment, referral to
// a lawyer, transfer and removal, checking the key rows at each step: the
// rows are the access.
func TestHandOver(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.addStaff(t, "marta", tropa.RoleCoordinator, true)
	marta := f.enroll(t, "marta")
	olena, petro, vasyl := f.caseworker(t, "olena"), f.caseworker(t, "petro"), f.caseworker(t, "vasyl")
	f.addStaff(t, "yurii", tropa.RoleCaseworker, false)
	yurii := f.enroll(t, "yurii")
	_, id := f.submit(t, submission("signal: +7 900 000 00 00", "Мне нужен юрист"))
	m, o, p, v, y := marta.Staff.ID, olena.Staff.ID, petro.Staff.ID, vasyl.Staff.ID, yurii.Staff.ID

	wantHolders(t, f, id, map[string]string{m: "intake", o: "intake", p: "intake", v: "intake", tropa.HolderRecovery: "intake"})
	if err := f.desk.Triage(ctx, olena, id, desk.Triage{Version: 1, Disposition: tropa.DispositionCase}); err != nil {
		t.Fatalf("Triage: %v", err)
	}

	// Caseworkers may not assign; the coordinator may.
	wantError(t, "Assign by a caseworker", f.desk.Assign(ctx, olena, id, p), tropa.EFORBIDDEN, "ErrRoleForbidden")
	if err := f.desk.Assign(ctx, marta, id, p); err != nil {
		t.Fatalf("Assign: %v", err)
	}
	// The case left the shared intake: Olena and Vasyl lost their keys,
	// the coordinator kept hers.
	wantHolders(t, f, id, map[string]string{m: "intake", p: "owner", tropa.HolderRecovery: "intake"})
	for _, s := range []*desk.Session{olena, vasyl} {
		if _, err := f.desk.OpenCase(ctx, s, id); err == nil {
			t.Errorf("%s opened the case after it was assigned to someone else", s.Staff.Name)
		}
	}
	if list, err := f.desk.Queue(ctx, olena, tropa.QueueFilter{}); err != nil || len(list) != 0 {
		t.Errorf("Olena's queue after assignment = %v, %v; want empty", list, err)
	}

	// The owner refers the case to a lawyer, who can then open it.
	if _, err := f.desk.OpenCase(ctx, yurii, id); err == nil {
		t.Fatal("the lawyer opened the case before it was referred to him")
	}
	wantError(t, "Refer by a caseworker who does not own it", f.desk.Refer(ctx, vasyl, id, y), tropa.EFORBIDDEN, "ErrNoKey")
	if err := f.desk.Refer(ctx, petro, id, y); err != nil {
		t.Fatalf("Refer: %v", err)
	}
	wantError(t, "Refer twice", f.desk.Refer(ctx, petro, id, y), tropa.ECONFLICT, "ErrAlreadyHolds")
	c, err := f.desk.OpenCase(ctx, yurii, id)
	if err != nil || c.Contact != "signal: +7 900 000 00 00" {
		t.Fatalf("the lawyer opens the referred case: %+v, %v", c, err)
	}
	if c.Request.OwnerID != p {
		t.Errorf("owner after referral = %q, want Petro", c.Request.OwnerID)
	}
	wantError(t, "a referred lawyer refers on", f.desk.Refer(ctx, yurii, id, o), tropa.EFORBIDDEN, "ErrReferNotOwner")

	// A transfer moves the key: Petro can no longer open it.
	if err := f.desk.Assign(ctx, marta, id, o); err != nil {
		t.Fatalf("transfer: %v", err)
	}
	wantHolders(t, f, id, map[string]string{m: "intake", o: "owner", y: "referral", tropa.HolderRecovery: "intake"})
	wantError(t, "former owner opens", func() error { _, err := f.desk.OpenCase(ctx, petro, id); return err }(),
		tropa.EFORBIDDEN, "ErrNoKey")

	// The owner cannot be removed, only replaced; others can.
	wantError(t, "remove the owner", f.desk.RemoveAccess(ctx, marta, id, o), tropa.ECONFLICT, "ErrRemoveOwner")
	wantError(t, "remove by a caseworker", f.desk.RemoveAccess(ctx, olena, id, y), tropa.EFORBIDDEN, "ErrRoleForbidden")
	if err := f.desk.RemoveAccess(ctx, marta, id, y); err != nil {
		t.Fatalf("RemoveAccess: %v", err)
	}
	wantHolders(t, f, id, map[string]string{m: "intake", o: "owner", tropa.HolderRecovery: "intake"})
	wantError(t, "removed lawyer opens", func() error { _, err := f.desk.OpenCase(ctx, yurii, id); return err }(),
		tropa.EFORBIDDEN, "ErrNoKey")
	wantError(t, "removed lawyer writes", f.desk.AddNote(ctx, yurii, id, "still here?"), tropa.EFORBIDDEN, "ErrNoKey")

	// Only an owner or a coordinator can be given a case to own.
	wantError(t, "assign to the recovery holder", f.desk.Assign(ctx, marta, id, tropa.HolderRecovery), tropa.EINVALID, "ErrStaffUnknown")

	got := history(t, f, olena, id)
	want := []tropa.CaseAction{tropa.CaseTriage, tropa.CaseStage, tropa.CaseAssign, tropa.CaseRefer, tropa.CaseTransfer, tropa.CaseRemove}
	if !slices.Equal(got, want) {
		t.Errorf("history = %v, want %v", got, want)
	}
	c, err = f.desk.OpenCase(ctx, olena, id)
	if err != nil {
		t.Fatal(err)
	}
	transfer := c.History[4]
	if transfer.Actor != m || transfer.From != p || transfer.To != o {
		t.Errorf("transfer recorded as %+v, want by Marta from Petro to Olena", transfer)
	}
}

// TestDeactivateRemovesAccess: a removed volunteer can read nothing more,
// at once, whatever sessions he still has open.
func TestDeactivateRemovesAccess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.addStaff(t, "marta", tropa.RoleCoordinator, true)
	marta := f.enroll(t, "marta")
	vasyl := f.caseworker(t, "vasyl")
	f.addStaff(t, "admin", tropa.RoleAdmin, false)
	admin := f.enroll(t, "admin")
	_, id1 := f.submit(t, submission("a", "первое"))
	_, id2 := f.submit(t, submission("b", "второе"))

	wantError(t, "a caseworker deactivates", func() error { _, err := f.desk.Deactivate(ctx, vasyl, marta.Staff.ID); return err }(),
		tropa.EFORBIDDEN, "ErrRoleForbidden")
	wantError(t, "a coordinator deactivates an admin", func() error { _, err := f.desk.Deactivate(ctx, marta, admin.Staff.ID); return err }(),
		tropa.EFORBIDDEN, "ErrRoleForbidden")
	wantError(t, "deactivating oneself", func() error { _, err := f.desk.Deactivate(ctx, marta, marta.Staff.ID); return err }(),
		tropa.EFORBIDDEN, "ErrNotYourself")

	if err := f.desk.Triage(ctx, vasyl, id1, desk.Triage{Version: 1, Disposition: tropa.DispositionCase}); err != nil {
		t.Fatal(err)
	}
	if err := f.desk.Assign(ctx, marta, id1, vasyl.Staff.ID); err != nil {
		t.Fatal(err)
	}
	var wrapped [][]byte
	for _, id := range []string{id1, id2} {
		w, err := f.store.KeyWrap(ctx, id, vasyl.Staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		wrapped = append(wrapped, w.Wrapped)
	}
	n, err := f.desk.Deactivate(ctx, marta, vasyl.Staff.ID)
	if err != nil || n != 2 {
		t.Fatalf("Deactivate = %d, %v; want 2 keys removed", n, err)
	}
	// Nor are the keys on the disk any more, for whoever holds his
	// password and seizes the server later.
	for _, file := range []string{store.DBFile, store.DBFile + "-wal"} {
		data, err := os.ReadFile(filepath.Join(f.dir, file))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		for i, w := range wrapped {
			if bytes.Contains(data, w) {
				t.Errorf("%s still holds the key of request %d wrapped to the deactivated volunteer", file, i+1)
			}
		}
	}
	// The case he owned waits for a new owner, and its history says why.
	unowned, err := f.desk.Queue(ctx, marta, tropa.QueueFilter{Owner: tropa.OwnerNone})
	if err != nil || len(unowned) != 2 {
		t.Errorf("unowned cases after deactivation = %v, %v; want both", unowned, err)
	}
	if got := history(t, f, marta, id1); got[len(got)-1] != tropa.CaseRemove {
		t.Errorf("history after deactivation = %v, want it to end with his removal", got)
	}
	for _, id := range []string{id1, id2} {
		if _, ok := holders(t, f, id)[vasyl.Staff.ID]; ok {
			t.Errorf("a key of %s is still wrapped to the deactivated volunteer", id)
		}
	}
	if _, err := f.desk.Session(ctx, vasyl.Token()); !tropa.IsCode(err, tropa.EUNAUTHORIZED) {
		t.Errorf("the volunteer's open session after deactivation: %v, want EUNAUTHORIZED", err)
	}
	if _, err := f.desk.Login(ctx, "vasyl", password("vasyl"), f.code(t, "vasyl")); !tropa.IsCode(err, tropa.EUNAUTHORIZED) {
		t.Errorf("login after deactivation: %v, want EUNAUTHORIZED", err)
	}
	// New requests are no longer wrapped to him.
	_, id3 := f.submit(t, submission("c", "третье"))
	if _, ok := holders(t, f, id3)[vasyl.Staff.ID]; ok {
		t.Error("a new request was wrapped to the deactivated volunteer")
	}
	if _, err := f.desk.OpenCase(ctx, marta, id3); err != nil {
		t.Errorf("the coordinator opens a new request: %v", err)
	}
}
