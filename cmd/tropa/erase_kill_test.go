package main

import (
	"bytes"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tropa/internal/htmlcheck"
	"tropa/seal"
	"tropa/store"
)

// TestErasedContactGoneAfterKill is the attack that found contacts in the
// write-ahead log: an applicant erases his contact on a real tropa serve,
// the server is killed with SIGKILL soon after, and the adversary, holding
// the recovery key, reads the files it left. The contact must not open.
func TestErasedContactGoneAfterKill(t *testing.T) {
	dir := t.TempDir()
	recovery, err := seal.ParseIdentity(recoveryKeyLine.FindString(mustRun(t, "", "init", "--data", dir)))
	if err != nil {
		t.Fatal(err)
	}
	p := startProcess(t, dir, "TROPA_RECLAIM_DELAY=200ms")

	const contact = "+7 912 345-67-89 MARKER-killed-contact"
	applicant := newClient(t)
	page := applicant.postForm(p.url, url.Values{"kind": {"leave_unit"}, "situation": {"absent"},
		"message": {"Помогите"}, "contact": {contact}})
	receipt := htmlcheck.Text(htmlcheck.HasOne(t, page, "p.receipt"))

	// Where to look: the sealed contact, its key and the case key's wrap to
	// the recovery key, as stored.
	var id string
	var sealedContact, sealedContactKey, recoveryWrap []byte
	readDB(t, dir, func(db *sql.DB) error {
		return db.QueryRow(`SELECT r.id, r.sealed_contact, r.sealed_contact_key, k.wrapped FROM requests r
			JOIN key_wraps k ON k.request_id = r.id AND k.holder = 'recovery'`).
			Scan(&id, &sealedContact, &sealedContactKey, &recoveryWrap)
	})
	caseKey, err := recovery.UnwrapKey(recoveryWrap)
	if err != nil {
		t.Fatal(err)
	}
	opens := func() bool {
		files := readDataFiles(t, dir)
		if !bytes.Contains(files, sealedContact) || !bytes.Contains(files, sealedContactKey) {
			return false
		}
		b, err := seal.Open(caseKey, sealedContactKey, seal.AAD{Table: "requests", Row: id, Field: "contact_key"})
		if err != nil {
			return false
		}
		k := seal.Key(b)
		got, err := seal.OpenString(&k, sealedContact, seal.AAD{Table: "requests", Row: id, Field: "contact"})
		return err == nil && got == contact
	}
	if !opens() {
		t.Fatal("before the erasure the contact does not open from the files: the search misses what is there")
	}

	applicant.postForm(p.url+"check/erase-contact", url.Values{"receipt": {receipt}, "confirm": {"yes"}})
	// The reclaim cuts the write-ahead log; without one, it never is.
	wal := filepath.Join(dir, store.DBFile+"-wal")
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if st, err := os.Stat(wal); err == nil && st.Size() == 0 {
			break
		}
	}
	p.kill(t)
	if opens() {
		t.Error("the erased contact opens with the recovery key from the files a killed server left")
	}
}

// readDB runs read on the database in dir, through a connection of its
// own that is closed before it returns, so that it holds back no
// checkpoint of the server's.
func readDB(t *testing.T, dir string, read func(*sql.DB) error) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DBFile)+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := read(db); err != nil {
		t.Fatal(err)
	}
}

// readDataFiles returns the database, its log and its shared memory, one
// after the other, as they are on disk.
func readDataFiles(t *testing.T, dir string) []byte {
	t.Helper()
	var all []byte
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(filepath.Join(dir, store.DBFile+suffix))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}
