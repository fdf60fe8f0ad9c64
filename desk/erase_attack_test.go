package desk_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/seal"
	"tropa/store"
)

// signalStore tells the test when a reclaim has run.
type signalStore struct {
	tropa.Store
	reclaimed chan error
}

func (s *signalStore) Reclaim(ctx context.Context) error {
	err := s.Store.Reclaim(ctx)
	s.reclaimed <- err
	return err
}

// TestErasedIsGoneFromDisk plays an adversary who holds the recovery key
// and the password of two staff members, and who copies the database and
// its write-ahead log, as they are, soon after an applicant erased his
// contact, one of the two was removed from his case and the other's case
// was transferred away from her. Before those changes the same search of
// a copy opens the contact and the case key with either wrap; after them,
// once the reclaim asked for has run, it opens none of them.
func TestErasedIsGoneFromDisk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.addStaff(t, "kate", tropa.RoleCoordinator, true)
	kate := f.enroll(t, "kate")
	olga := f.caseworker(t, "olga")
	for _, name := range []string{"ivan", "petr"} {
		f.addStaff(t, name, tropa.RoleCaseworker, false)
		f.enroll(t, name)
	}
	st := &signalStore{Store: f.store, reclaimed: make(chan error, 10)}
	timer := &fakeTimer{started: make(chan chan time.Time, 1), delays: make(chan time.Duration, 1)}
	d := desk.New(desk.Config{Store: st, KDF: seal.NewKDF(2), ReceiptParams: seal.TestParams,
		PasswordParams: seal.TestParams, Now: f.clock.Now, After: timer.After})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		d.RunReclaims(runCtx, func(err error) { t.Errorf("reclaim: %v", err) })
		close(done)
	}()
	defer func() { stop(); <-done }()

	const contact = "+7 912 345-67-89 MARKER-erased-contact"
	receipt, id := f.submit(t, submission(contact, "Помогите"))
	staffID := map[string]string{}
	for _, s := range f.staffList(t) {
		staffID[s.Name] = s.ID
	}
	if err := d.Assign(ctx, kate, id, staffID["olga"]); err != nil {
		t.Fatalf("Assign to olga: %v", err)
	}
	if err := d.Refer(ctx, kate, id, staffID["ivan"]); err != nil {
		t.Fatalf("Refer to ivan: %v", err)
	}
	// What the adversary needs, read here only to tell the search below
	// where to look: the wraps of the two, the contact and its key.
	raw := f.rawDB(t)
	var olgaWrap, ivanWrap, sealedContact, sealedContactKey []byte
	for _, q := range []struct {
		dest  *[]byte
		query string
		args  []any
	}{
		{&olgaWrap, `SELECT wrapped FROM key_wraps WHERE request_id = ? AND holder = ?`, []any{id, staffID["olga"]}},
		{&ivanWrap, `SELECT wrapped FROM key_wraps WHERE request_id = ? AND holder = ?`, []any{id, staffID["ivan"]}},
		{&sealedContact, `SELECT sealed_contact FROM requests WHERE id = ?`, []any{id}},
		{&sealedContactKey, `SELECT sealed_contact_key FROM requests WHERE id = ?`, []any{id}},
	} {
		if err := raw.QueryRow(q.query, q.args...).Scan(q.dest); err != nil {
			t.Fatalf("%s: %v", q.query, err)
		}
	}
	recovery, err := seal.ParseIdentity(f.recovery)
	if err != nil {
		t.Fatal(err)
	}
	attack := func(files [][]byte) []string {
		t.Helper()
		var opened []string
		onDisk := func(b []byte) bool {
			for _, file := range files {
				if bytes.Contains(file, b) {
					return true
				}
			}
			return false
		}
		for name, wrap := range map[string][]byte{"olga": olgaWrap, "ivan": ivanWrap} {
			if onDisk(wrap) {
				if _, err := f.identity(t, name).UnwrapKey(wrap); err == nil {
					opened = append(opened, "the case key with "+name+"'s removed wrap")
				}
			}
		}
		caseKey := f.recoveryCaseKey(t, recovery, id)
		if onDisk(sealedContactKey) && onDisk(sealedContact) {
			b, err := seal.Open(caseKey, sealedContactKey, seal.AAD{Table: "requests", Row: id, Field: "contact_key"})
			if err == nil {
				k := seal.Key(b)
				if got, err := seal.OpenString(&k, sealedContact, seal.AAD{Table: "requests", Row: id, Field: "contact"}); err == nil && got == contact {
					opened = append(opened, "the erased contact")
				}
			}
		}
		return opened
	}

	if got := attack(f.copyFiles(t)); len(got) != 3 {
		t.Fatalf("before the changes, a copy of the files opens %v: the search misses what is there", got)
	}

	if err := d.RemoveAccess(ctx, kate, id, staffID["ivan"]); err != nil {
		t.Fatalf("RemoveAccess(ivan): %v", err)
	}
	if err := d.Assign(ctx, kate, id, staffID["petr"]); err != nil {
		t.Fatalf("transfer to petr: %v", err)
	}
	c, err := d.ApplicantCase(ctx, receipt.String())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.EraseContact(ctx); err != nil {
		t.Fatalf("EraseContact: %v", err)
	}
	select {
	case fire := <-timer.started:
		<-timer.delays
		fire <- time.Time{}
	case <-time.After(10 * time.Second):
		t.Fatal("no reclaim was asked for")
	}
	if err := <-st.reclaimed; err != nil {
		t.Fatalf("reclaim: %v", err)
	}
	if got := attack(f.copyFiles(t)); len(got) > 0 {
		t.Errorf("after the reclaim, a copy of the files still opens %v", got)
	}
	if _, err := openThread(ctx, f, olga, id); !tropa.IsCode(err, tropa.EFORBIDDEN) {
		t.Errorf("olga opens the case transferred away from her: %v", err)
	}
}

// copyFiles reads the database and its write-ahead log as they are, with
// the store open, as someone imaging a running server would.
func (f *fixture) copyFiles(t *testing.T) [][]byte {
	t.Helper()
	var files [][]byte
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(filepath.Join(f.dir, store.DBFile+suffix))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		files = append(files, b)
	}
	return files
}

// staffList lists every staff member.
func (f *fixture) staffList(t *testing.T) []tropa.Staff {
	t.Helper()
	list, err := f.store.ListStaff(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// identity opens a staff member's private key with their password, as
// someone who bought it would.
func (f *fixture) identity(t *testing.T, name string) *seal.Identity {
	t.Helper()
	rec, err := f.store.StaffByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	params, err := seal.ParseParams(rec.KDF)
	if err != nil {
		t.Fatal(err)
	}
	kek, err := seal.NewKDF(1).PasswordKey(context.Background(), password(name), rec.Salt, params)
	if err != nil {
		t.Fatal(err)
	}
	id, err := seal.OpenIdentity(kek, rec.SealedPrivate, seal.AAD{Table: "staff", Row: rec.ID, Field: "private_key"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// recoveryCaseKey opens a case key with the recovery key.
func (f *fixture) recoveryCaseKey(t *testing.T, recovery *seal.Identity, requestID string) *seal.Key {
	t.Helper()
	w, err := f.store.KeyWrap(context.Background(), requestID, tropa.HolderRecovery)
	if err != nil {
		t.Fatal(err)
	}
	k, err := recovery.UnwrapKey(w.Wrapped)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestContactStoredBefore opens and erases a contact stored as requests
// made before contacts had keys of their own store it: sealed under the
// case key, with no contact key.
func TestContactStoredBefore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olga := f.caseworker(t, "olga")
	_, id := f.submit(t, submission("@old_style", "Помогите"))
	recovery, err := seal.ParseIdentity(f.recovery)
	if err != nil {
		t.Fatal(err)
	}
	caseKey := f.recoveryCaseKey(t, recovery, id)
	f.exec(t, `UPDATE requests SET sealed_contact = ?, sealed_contact_key = NULL WHERE id = ?`,
		seal.SealString(caseKey, "@old_style", seal.AAD{Table: "requests", Row: id, Field: "contact"}), id)
	contact := func() string {
		t.Helper()
		th, err := openThread(ctx, f, olga, id)
		if err != nil {
			t.Fatalf("OpenCase: %v", err)
		}
		return th.Contact
	}
	if got := contact(); got != "@old_style" {
		t.Fatalf("the contact stored before opens as %q", got)
	}
	if err := f.desk.EraseContact(ctx, olga, id); err != nil {
		t.Fatalf("EraseContact: %v", err)
	}
	if got := contact(); got != "" {
		t.Errorf("after the erasure the case opens with contact %q", got)
	}
}
