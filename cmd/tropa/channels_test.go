package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runChannels runs tropa channels with args in Russian and returns what
// it printed.
func runChannels(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out strings.Builder
	ru := func(k string) string {
		if k == "LANG" {
			return "ru_RU.UTF-8"
		}
		return ""
	}
	err := run(t.Context(), append([]string{"channels"}, args...), ru, strings.NewReader(""), &out, &out)
	return out.String(), err
}

// TestChannelsOffTheServer walks the list's life: a press officer makes a
// key and signs a draft on an offline machine, the administrator
// publishes the file on the server, and anyone checks a copy against the
// fingerprint published elsewhere; a forged copy and a wrong fingerprint
// are refused in the user's language.
func TestChannelsOffTheServer(t *testing.T) {
	dir := t.TempDir()
	key, draft, list := filepath.Join(dir, "key"), filepath.Join(dir, "draft.txt"), filepath.Join(dir, "channels.txt")
	out, err := runChannels(t, "key", key)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	fingerprint := lines[len(lines)-1]
	if len(strings.Fields(fingerprint)) != 10 || !strings.Contains(out, "Храните его не на сервере") {
		t.Fatalf("key printed:\n%s", out)
	}
	if st, err := os.Stat(key); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st.Mode(), err)
	}
	if _, err := runChannels(t, "key", key); err == nil || !strings.Contains(err.Error(), "никогда не перезаписывается") {
		t.Errorf("a second key over the first: %v", err)
	}

	if err := os.WriteFile(draft, []byte("organization: Группа помощи (демо)\nweb https://help.example.org/\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := runChannels(t, "sign", "--key", key, "--out", list, draft); err == nil || !strings.Contains(err.Error(), "Строка 2") {
		t.Errorf("a bad draft line: %v", err)
	}
	if err := os.WriteFile(draft, []byte("organization: Группа помощи (демо)\ntelegram-bot: 1234567890 @example_help_bot\nweb: https://help.example.org/\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runChannels(t, "sign", "--key", key, "--out", list, draft); err != nil {
		t.Fatalf("sign: %v\n%s", err, out)
	}

	data := filepath.Join(dir, "data")
	runOrFail(t, "", "init", "--data", data)
	if out, err := runChannels(t, "publish", "--data", data, list); err != nil || !strings.Contains(out, fingerprint) {
		t.Fatalf("publish: %v\n%s", err, out)
	}

	out, err = runChannels(t, "verify", "--fingerprint", strings.ToLower(strings.ReplaceAll(fingerprint, " ", "")), list)
	if err != nil || !strings.Contains(out, "Подпись верна") || !strings.Contains(out, "Бот в Telegram: 1234567890 @example_help_bot") {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	if _, err := runChannels(t, "verify", "--fingerprint", "0000 1111", list); err == nil || !strings.Contains(err.Error(), "Не доверяйте") {
		t.Errorf("a wrong fingerprint: %v", err)
	}
	signed, err := os.ReadFile(list)
	if err != nil {
		t.Fatal(err)
	}
	forged := filepath.Join(dir, "forged.txt")
	if err := os.WriteFile(forged, []byte(strings.Replace(string(signed), "example_help_bot", "examp1e_help_bot", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := runChannels(t, "verify", forged); err == nil || !strings.Contains(err.Error(), "Подпись не соответствует") {
		t.Errorf("a forged copy: %v", err)
	}
	if _, err := runChannels(t, "publish", "--data", data, forged); err == nil {
		t.Error("the server published a forged list")
	}
}
