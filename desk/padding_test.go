package desk_test

import (
	"context"
	"strings"
	"testing"

	"tropa"
	"tropa/scrub/scrubtest"
)

// TestStoredLengthsAreBuckets reads the database file as someone who took
// the disk would, to learn how long what people wrote is: messages and
// contacts of different lengths in one bucket are stored as ciphertexts of
// one length, and an attachment's clear size is its bucket, not its size.
func TestStoredLengthsAreBuckets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olga := f.caseworker(t, "olga")

	// From a one-word answer to a few sentences in Cyrillic (two bytes a
	// letter), all within the smallest bucket.
	texts := []string{"Да", "Я в госпитале, ранен", strings.Repeat("Помогите выйти. ", 7)}
	contacts := []string{"", "@p", "+7 912 345-67-89, Telegram @pyotr_ivanov_1990"}
	sub := submission(contacts[0], texts[0])
	sub.Files = []tropa.Upload{{Name: "a.jpg", Data: scrubtest.JPEG(t, 40, 30)}, {Name: "b.png", Data: scrubtest.PNG(t, 300, 200)}}
	var ids []string
	for i := range texts {
		if i > 0 {
			sub = submission(contacts[i], texts[i])
		}
		_, id := f.submit(t, sub)
		ids = append(ids, id)
	}

	raw := f.rawDB(t)
	lengths := func(query string) map[int64]bool {
		t.Helper()
		rows, err := raw.Query(query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		seen := map[int64]bool{}
		for rows.Next() {
			var n int64
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			seen[n] = true
		}
		return seen
	}
	if got := lengths(`SELECT length(sealed_body) FROM messages`); len(got) != 1 {
		t.Errorf("messages of %d different lengths in one bucket are stored with lengths %v", len(texts), got)
	}
	if got := lengths(`SELECT length(sealed_contact) FROM requests`); len(got) != 1 {
		t.Errorf("contacts of %d different lengths in one bucket are stored with lengths %v", len(contacts), got)
	}

	th, err := openThread(ctx, f, olga, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	files := th.Messages[0].Attachments
	if len(files) != 2 {
		t.Fatalf("attachments = %+v, want 2", files)
	}
	for _, a := range files {
		var stored, sealed int64
		if err := raw.QueryRow(`SELECT size, length(sealed_data) FROM attachments WHERE id = ?`, a.ID).Scan(&stored, &sealed); err != nil {
			t.Fatal(err)
		}
		if stored == a.Size || stored < a.Size || stored&(stored-1) != 0 || stored < 256 {
			t.Errorf("%s of %d bytes: the size column holds %d, want the power of two above it", a.Name, a.Size, stored)
		}
		if sealed < stored {
			t.Errorf("%s: %d bytes sealed, less than its bucket %d", a.Name, sealed, stored)
		}
	}
}
