package main

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tropa/internal/htmlcheck"
)

// TestSeizedShelter adds a shelter and books a stay in it through the real
// server: the shelter's name, address and contact, and the stay's history
// entry, are in no database file, WAL, backup or log line.
func TestSeizedShelter(t *testing.T) {
	dir := t.TempDir()
	const password = "a shelter is a secret kept"
	mustRun(t, "", "init", "--data", dir)
	enrolCode := enrolCodeIn(t, mustRun(t, password+"\n", "user", "add", "--data", dir, "--name", "kate",
		"--role", "coordinator", "--intake", "yes", "--password-stdin"))
	srv := startServer(t, dir)
	markers := map[string]string{
		"shelter name":    "MARKER-SHELTER-NAME-a81f2c Квартира Марты",
		"shelter address": "MARKER-SHELTER-ADDRESS-5d07e9 ул. Садовая 14 кв 3",
		"shelter contact": "MARKER-SHELTER-CONTACT-c44b10 +995555123456",
	}

	applicant := newClient(t)
	applicant.postForm(srv.url, url.Values{"kind": {"leave_country"}, "situation": {"abroad"},
		"message": {"Мне негде спать"}})

	staff := newClient(t)
	page, _ := staff.firstLogin(t, srv.url, "kate", password, enrolCode)
	link, _ := htmlcheck.Attr(htmlcheck.HasOne(t, page, "table.inbox td a"), "href")

	page = staff.postForm(srv.url+"staff/shelters", url.Values{"name": {markers["shelter name"]},
		"address": {markers["shelter address"]}, "contact": {markers["shelter contact"]}, "beds": {"4"}})
	htmlcheck.HasText(t, page, "table.shelters", markers["shelter address"])
	grant, _ := htmlcheck.Attr(htmlcheck.HasOne(t, page, "section#grant form"), "action")
	shelterID := strings.TrimSuffix(strings.TrimPrefix(grant, "/staff/shelters/"), "/grant")
	today := time.Now().UTC()
	page = staff.postForm(srv.url+strings.TrimPrefix(link, "/")+"/stays", url.Values{"shelter": {shelterID},
		"first": {today.Format(time.DateOnly)}, "end": {today.AddDate(0, 0, 5).Format(time.DateOnly)}, "beds": {"1"}})
	htmlcheck.HasText(t, page, "table.stays", markers["shelter name"])
	htmlcheck.HasText(t, page, "ol.history", markers["shelter name"])

	backup := filepath.Join(t.TempDir(), "shelter.backup")
	mustRun(t, "", "backup", "--data", dir, "--out", backup)
	output := srv.stop(t)

	secrets := map[string]string{}
	addMarkers(secrets, markers)
	files := searchFiles(t, dir, secrets) + searchFiles(t, filepath.Dir(backup), secrets)
	if files < 2 {
		t.Fatalf("searched %d files: the database and the backup were not both there", files)
	}
	assertAbsent(t, "server output", output, secrets)
}
