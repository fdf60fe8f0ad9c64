package web_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"net/http"
	"strings"
	"testing"
	"time"

	"tropa/official"
)

// TestOfficialChannelsPage checks what an applicant who doubts the site
// reads: in Russian, the organization's channels and the signing key's
// fingerprint, and the signed file byte for byte, which verifies.
func TestOfficialChannelsPage(t *testing.T) {
	ts := newTestServer(t)
	none := ts.getPage(t, "/channels", "ru", http.StatusOK)
	if !strings.Contains(none.body, "ещё не опубликовала") {
		t.Errorf("before a list is published the page does not say so:\n%s", none.body)
	}
	ts.getPage(t, "/channels.txt", "", http.StatusNotFound)
	if form := ts.getPage(t, "/", "ru", http.StatusOK); !strings.Contains(form.body, `href="/channels"`) {
		t.Error("the applicant form does not lead to the list of official channels")
	}

	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
	signed, err := official.Sign(official.List{Organization: "Группа помощи (демо)", Channels: []official.Channel{
		{Kind: official.KindTelegramBot, Value: "1234567890 @example_help_bot"},
		{Kind: official.KindWeb, Value: "https://help.example.org/"},
		{Kind: official.KindPhone, Value: "+49 30 1234567"},
	}}, key, time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.desk.PublishChannels(context.Background(), signed, false); err != nil {
		t.Fatal(err)
	}
	page := ts.getPage(t, "/channels", "ru", http.StatusOK)
	fp := official.Fingerprint(key.Public().(ed25519.PublicKey))
	for _, want := range []string{"Бот в Telegram", `href="https://t.me/example_help_bot"`, "id бота 1234567890",
		"https://help.example.org/", "49 30 1234567", fp, "2026-12-05", "адресную строку"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page.body, `href="tel:`) || strings.Count(page.body, "<a href=\"https://help.example.org/\"") != 1 {
		t.Error("the channels are not linked as they should be")
	}
	file := ts.getPage(t, "/channels.txt", "", http.StatusOK)
	if file.body != string(signed) {
		t.Fatalf("the file served is not the list signed:\n%s", file.body)
	}
	if l, err := official.Verify([]byte(file.body)); err != nil || l.Fingerprint() != fp {
		t.Errorf("the file served does not verify: %v", err)
	}
}
