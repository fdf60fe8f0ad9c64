package main

import (
	"bytes"
	"encoding/binary"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"tropa/internal/htmlcheck"
)

// TestSeizedDiskTimes runs the real server with its clock set to known
// instants, records when a man left his unit (22:15 on the evening he
// wrote), a meeting and the applicant's messages, and then reads the
// files as an adversary who seized the machine would: a copy taken while
// serving, the files as SIGKILL left them, and the database and its log
// after a clean stop. None may hold any of those exact moments, as the
// 8-byte integer SQLite stores or as text; only their day (the hour, for
// when the case is due) may be there. Staff, who open them, still see
// them exactly.
func TestSeizedDiskTimes(t *testing.T) {
	dir := t.TempDir()
	const password = "correct horse battery staple"
	mustRun(t, "", "init", "--data", dir)
	enrolCode := enrolCodeIn(t, mustRun(t, password+"\n", "user", "add", "--data", dir, "--name", "olga", "--role", "caseworker",
		"--password-stdin"))

	moments := map[string]time.Time{
		"request":   time.Date(2026, 12, 4, 21, 3, 17, 482913000, time.UTC),
		"left unit": time.Date(2026, 12, 4, 22, 15, 0, 0, time.UTC),
		"wanted":    time.Date(2026, 12, 6, 22, 15, 0, 0, time.UTC),
		"meeting":   time.Date(2026, 12, 6, 13, 45, 0, 0, time.UTC),
		"follow-up": time.Date(2026, 12, 5, 10, 27, 44, 907531000, time.UTC),
	}
	// Staff act at staffAt: what staff do is theirs to keep exactly.
	staffAt := time.Date(2026, 12, 5, 9, 41, 8, 250117000, time.UTC)
	clock := filepath.Join(t.TempDir(), "clock")
	setClock := func(at time.Time) {
		t.Helper()
		if err := os.WriteFile(clock, []byte(at.Format(time.RFC3339Nano)), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	setClock(moments["request"])
	p := startProcess(t, dir, clockEnv+"="+clock)
	applicant := newClient(t)
	page := applicant.postForm(p.url, url.Values{"kind": {"leave_unit"}, "situation": {"absent"},
		"message": {"Ушёл из части, что дальше?"}, "contact": {"signal: @left_22"}})
	receipt := htmlcheck.Text(htmlcheck.HasOne(t, page, "p.receipt"))

	setClock(staffAt)
	staff := newClient(t)
	page = staff.postForm(p.url+"staff/login", url.Values{"name": {"olga"}, "password": {password}})
	code, err := totp.GenerateCode(htmlcheck.Text(htmlcheck.HasOne(t, page, "code.secret")), staffAt)
	if err != nil {
		t.Fatal(err)
	}
	page = staff.postForm(p.url+"staff/totp", url.Values{"enrol_code": {enrolCode}, "code": {code}})
	link, _ := htmlcheck.Attr(htmlcheck.HasOne(t, page, "table.inbox td a"), "href")
	caseURL := p.url + strings.TrimPrefix(link, "/")
	staff.postForm(caseURL+"/left", url.Values{"left_at": {moments["left unit"].Format("2006-01-02T15:04")}})
	staff.postForm(caseURL+"/deadlines", url.Values{"kind": {"meeting"},
		"due_at": {moments["meeting"].Format("2006-01-02T15:04")}, "label": {"у моста"}})
	staff.postForm(caseURL+"/reply", url.Values{"message": {"Ждём вас"}})

	setClock(moments["follow-up"])
	page = applicant.postForm(p.url+"check/reply", url.Values{"receipt": {receipt}, "message": {"Я на месте"}})
	htmlcheck.HasText(t, page, ".message.applicant", "2026-12-05 10:27 UTC")

	setClock(staffAt)
	page = staff.get(caseURL)
	htmlcheck.HasText(t, page, ".message.applicant", "2026-12-04 21:03 UTC")
	htmlcheck.HasText(t, page, "#clock", "2026-12-04 22:15 UTC")
	htmlcheck.HasText(t, page, "table.deadlines", "2026-12-06 13:45 UTC")

	live := t.TempDir()
	copyFiles(t, dir, live)
	p.kill(t)
	searchTimes(t, "a copy taken while serving", live, moments)
	searchTimes(t, "the files SIGKILL left", dir, moments)

	p = startProcess(t, dir, clockEnv+"="+clock)
	page = staff.get(p.url + strings.TrimPrefix(link, "/"))
	htmlcheck.HasText(t, page, "table.deadlines", "2026-12-06 13:45 UTC")
	p.stop(t)
	searchTimes(t, "the files after a clean stop", dir, moments)
	minute := regexp.MustCompile(`time=\S+T\d\d:\d\d:(\d\d\S*)`)
	for _, m := range minute.FindAllStringSubmatch(p.output(), -1) {
		if !strings.HasPrefix(m[1], "00") || strings.Trim(m[1], "0.Z") != "" {
			t.Errorf("a log line gives its time finer than the minute: %s", m[0])
			break
		}
	}
}

// searchTimes fails the test if any file in dir holds one of the moments
// as SQLite stores an integer (8 bytes, big-endian, in microseconds or
// seconds) or as text.
func searchTimes(t *testing.T, what, dir string, moments map[string]time.Time) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for name, at := range moments {
			for form, needle := range timeForms(at) {
				if bytes.Contains(b, needle) {
					t.Errorf("%s: %s holds the %s moment as %s", what, filepath.Base(path), name, form)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatalf("%s: no files to search", what)
	}
}

func timeForms(at time.Time) map[string][]byte {
	forms := map[string][]byte{
		"text to the minute": []byte(at.Format("2006-01-02T15:04")),
		"RFC 3339":           []byte(at.Format(time.RFC3339Nano)),
		"clock text":         []byte(at.Format("15:04:05")),
		"microseconds text":  []byte(strconv.FormatInt(at.UnixMicro(), 10)),
	}
	for unit, v := range map[string]int64{"microseconds": at.UnixMicro(), "seconds": at.Unix()} {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(v))
		forms[unit+" integer"] = b[:]
	}
	return forms
}

// copyFiles copies the files of the directory from into to, as whoever
// images a running server would.
func copyFiles(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
