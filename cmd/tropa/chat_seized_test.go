package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"tropa"
	"tropa/desk"
	"tropa/scrub/scrubtest"
	"tropa/seal"
	"tropa/store"
)

// TestSeizedDiskTelegram puts Telegram requests through the desk as the bot
// does (a request made in a chat, messages and a photo that arrive by the
// chat, the chat linked again by receipt after a restart, /status, /delete,
// a staff reply sent to the chat and one waiting while Telegram is down),
// backs the database up and restores the backup, then reads every byte of
// the data directory, its write-ahead log, the backup and the restored
// database, as a seizer would: no chat id is there in any form, neither in
// text nor as a number in any byte order, nor a plain hash of it, nor what
// was written by the chat. The same search then finds a chat id written
// in clear, so it would catch the store keeping one.
func TestSeizedDiskTelegram(t *testing.T) {
	ctx := context.Background()
	dir, work := t.TempDir(), t.TempDir()
	const adminPassword = "admin password 51c2 for the backup"
	mustRun(t, "", "init", "--data", dir)
	mustRun(t, adminPassword+"\n", "user", "add", "--data", dir, "--name", "anna", "--role", "admin", "--password-stdin")
	const staffPassword = "caseworker password 0d3a for replies"
	enrolCode := enrolCodeIn(t, mustRun(t, staffPassword+"\n", "user", "add", "--data", dir, "--name", "olga", "--role",
		"caseworker", "--password-stdin"))

	const chat, erased int64 = 7123456789, 7123450001
	markers := map[string]string{
		"request":  "MARKER-TGREQUEST-4c1d9e меня зовут Пётр",
		"followup": "MARKER-TGFOLLOWUP-a93b07 я в Ростове",
		"linked":   "MARKER-TGLINKED-07e5c2 после перезапуска",
		"erased":   "MARKER-TGERASED-e61f40 удалите меня",
		"photo":    "MARKER-TGPHOTO-9d24b8 повестка.jpg",
		"waiting":  "MARKER-TGWAITING-5b3e19 встреча у моста",
		"sent":     "MARKER-TGSENT-c28f70 мы на связи",
	}
	db, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	chats := &downChats{}
	newDesk := func() *desk.Desk {
		return desk.New(desk.Config{Store: db, KDF: seal.NewKDF(1), ReceiptParams: seal.TestParams, Chats: chats})
	}
	d := newDesk()
	sub := func(message string) *desk.Checked {
		c, err := desk.Check(tropa.Submission{Kind: tropa.KindLeaveUnit, Situation: tropa.SituationFront, Message: message})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	receipt, err := d.SubmitChat(ctx, chat, sub(markers["request"]))
	if err != nil {
		t.Fatalf("SubmitChat: %v", err)
	}
	if err := d.ChatMessage(ctx, chat, markers["followup"], []tropa.Upload{{Name: markers["photo"],
		Data: scrubtest.JPEG(t, 40, 30)}}); err != nil {
		t.Fatalf("ChatMessage: %v", err)
	}
	d = newDesk()
	if err := d.LinkChat(ctx, chat, receipt.String()); err != nil {
		t.Fatalf("LinkChat after a restart: %v", err)
	}
	if err := d.ChatMessage(ctx, chat, markers["linked"], nil); err != nil {
		t.Fatalf("ChatMessage after LinkChat: %v", err)
	}
	if _, err := d.ChatStatus(ctx, chat); err != nil {
		t.Fatalf("ChatStatus: %v", err)
	}
	// A reply sent while Telegram answers, and one that waits for it.
	olga := enrolledSession(t, d, "olga", staffPassword, enrolCode)
	th, err := d.ApplicantThread(ctx, receipt.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{markers["sent"], markers["waiting"]} {
		if err := d.Reply(ctx, olga, th.Request.ID, m); err != nil {
			t.Fatalf("Reply: %v", err)
		}
		if err := d.DeliverOnce(ctx); err != nil {
			t.Fatalf("DeliverOnce: %v", err)
		}
		chats.down = true
	}
	if len(chats.sent) != 1 || chats.sent[0] != markers["sent"] {
		t.Fatalf("sent %q, want the first reply alone", chats.sent)
	}
	if _, err := d.SubmitChat(ctx, erased, sub(markers["erased"])); err != nil {
		t.Fatalf("SubmitChat: %v", err)
	}
	if err := d.ChatErase(ctx, erased); err != nil {
		t.Fatalf("ChatErase: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	file, restored := filepath.Join(work, "tropa.backup"), filepath.Join(work, "restored")
	mustRun(t, "", "backup", "--data", dir, "--out", file)
	mustRun(t, adminPassword+"\n", "restore", "--admin-password", "--password-stdin", "--data", restored, file)

	secrets := map[string]string{"receipt": receipt.String(), "receipt secret": receipt.Secret}
	for _, id := range []int64{chat, erased} {
		for form, b := range chatForms(id) {
			secrets["chat "+strconv.FormatInt(id, 10)+" as "+form] = b
		}
	}
	addMarkers(secrets, markers)
	for _, root := range []string{dir, work} {
		if n := searchFiles(t, root, secrets); n == 0 {
			t.Fatalf("no files under %s: nothing was searched", root)
		}
	}

	// The control: the same search finds a chat id the store would keep
	// in clear, as text or as a number.
	leak, err := sql.Open("sqlite", "file:"+filepath.Join(restored, store.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`CREATE TABLE leak (n BIGINT, s TEXT)`, `INSERT INTO leak VALUES (7123456789, NULL)`,
		`INSERT INTO leak VALUES (NULL, '7123456789')`} {
		if _, err := leak.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := leak.Close(); err != nil {
		t.Fatal(err)
	}
	forms := chatForms(chat)
	for _, form := range []string{"decimal", "big-endian"} {
		if !foundUnder(t, restored, forms[form]) {
			t.Errorf("the search misses the chat written in clear, as %s", form)
		}
	}
}

// foundUnder reports whether any file under root holds s.
func foundUnder(t *testing.T, root, s string) bool {
	t.Helper()
	found := false
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		found = found || bytes.Contains(b, []byte(s))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// downChats takes replies for Telegram until it is down.
type downChats struct {
	down bool
	sent []string
}

func (c *downChats) SendChat(_ context.Context, _ int64, text string) error {
	if c.down {
		return errors.New("telegram unreachable")
	}
	c.sent = append(c.sent, text)
	return nil
}

// enrolledSession logs a staff member in for the first time and enrols
// their TOTP, as the login pages do.
func enrolledSession(t *testing.T, d *desk.Desk, name, password, enrolCode string) *desk.Session {
	t.Helper()
	ctx := context.Background()
	s, err := d.Login(ctx, name, password, "")
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	key, err := d.PendingTOTP(ctx, s)
	if err != nil {
		t.Fatalf("PendingTOTP: %v", err)
	}
	code, err := totp.GenerateCode(key.Secret(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ConfirmTOTP(ctx, s, enrolCode, code); err != nil {
		t.Fatalf("ConfirmTOTP: %v", err)
	}
	return s
}

// chatForms are the forms a chat id could take in a file: as text in
// decimal, hex and base64, as an integer in either byte order (the bytes
// that matter, so that any width matches) and as a varint, and plain
// hashes of its text and of its bytes.
func chatForms(id int64) map[string]string {
	dec := strconv.FormatInt(id, 10)
	be := binary.BigEndian.AppendUint64(nil, uint64(id))
	be = be[len(be)-significant(uint64(id)):]
	le := binary.LittleEndian.AppendUint64(nil, uint64(id))[:significant(uint64(id))]
	full := binary.BigEndian.AppendUint64(nil, uint64(id))
	forms := map[string]string{
		"decimal":       dec,
		"hex":           strconv.FormatInt(id, 16),
		"HEX":           strings.ToUpper(strconv.FormatInt(id, 16)),
		"base64":        strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(dec)), "="),
		"big-endian":    string(be),
		"little-endian": string(le),
		"uvarint":       string(binary.AppendUvarint(nil, uint64(id))),
		"varint":        string(binary.AppendVarint(nil, id)),
	}
	for name, in := range map[string][]byte{"text": []byte(dec), "bytes": full} {
		s256, s1, m5 := sha256.Sum256(in), sha1.Sum(in), md5.Sum(in)
		for h, sum := range map[string][]byte{"sha256": s256[:], "sha1": s1[:], "md5": m5[:]} {
			forms[h+" of its "+name] = string(sum)
			forms[h+" hex of its "+name] = hex.EncodeToString(sum)
		}
	}
	return forms
}

// significant is how many bytes n takes without its leading zeros.
func significant(n uint64) int {
	k := 1
	for n >>= 8; n > 0; n >>= 8 {
		k++
	}
	return k
}
