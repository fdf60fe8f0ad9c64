package main

import (
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
)

// tropa stats --by times prints the median days to first reply, from the
// database alone: five requests of 4 August answered 0, 2, 2, 5 and 9
// days on have a median of 2; July, with none, is too few to say.
func TestStatsTimes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustRun(t, "", "init", "--data", dir)
	at := time.Date(2025, 8, 4, 13, 0, 0, 0, time.UTC)
	noURL := ""
	d, db, err := openDesk(t.Context(), database{dir: &dir, url: &noURL}, 1, desk.Config{Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	for _, after := range []int{0, 2, 2, 5, 9} {
		receipt, err := d.Submit(t.Context(), tropa.Submission{Kind: tropa.KindLegal, Situation: tropa.SituationHospital,
			Channel: tropa.ChannelWeb, Message: "Ранен, лежу в госпитале. Как быть дальше?"})
		if err != nil {
			t.Fatal(err)
		}
		rc, err := db.ReceiptByLookup(t.Context(), receipt.Lookup)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AddMessage(t.Context(), &tropa.MessageRecord{ID: tropa.NewID(), RequestID: rc.RequestID,
			Author: tropa.AuthorStaff, CreatedAt: at.AddDate(0, 0, after), SealedBody: []byte("sealed")}, nil); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	out := mustRun(t, "", "stats", "--data", dir, "--from", "2025-08", "--to", "2025-08", "--by", "times", "--format", "csv", "--lang", "en")
	for _, want := range []string{"times,reply,Request to first reply,2,too few to say,,,\n",
		"times,outcome,Request to outcome,too few to say,too few to say,,,\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("tropa stats --by times lacks %q:\n%s", want, out)
		}
	}
	if text := mustRun(t, "", "stats", "--data", dir, "--to", "2025-08", "--by", "times", "--lang", "ru"); !strings.Contains(text, "слишком мало, чтобы судить") {
		t.Errorf("tropa stats --by times in Russian:\n%s", text)
	}
}
