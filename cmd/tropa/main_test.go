package main

import (
	"bytes"
	"strings"
	"testing"
)

// An administrator's mistake reads as the catalog's English sentence, not
// as an error code.
func TestCommandErrorsReadAsSentences(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "", "init", "--data", dir)
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"init twice", "", []string{"init", "--data", dir}, "This data directory is already set up."},
		{"short password", "short\n", []string{"user", "add", "--data", dir, "--name", "olga", "--role", "caseworker",
			"--password-stdin"}, "The password must have at least 12 characters."},
		{"empty name", "long enough password\n", []string{"user", "add", "--data", dir, "--name", "", "--role", "caseworker",
			"--password-stdin"}, "Please fill in the name."},
		{"analyst in intake", "long enough password\n", []string{"user", "add", "--data", dir, "--name", "ana", "--role",
			"analyst", "--intake", "yes", "--password-stdin"}, "Only coordinators, caseworkers and operators can receive new requests."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(t.Context(), tt.args, noEnv, strings.NewReader(tt.stdin), &out, &out)
			if err == nil {
				t.Fatalf("tropa %s succeeded, want an error", strings.Join(tt.args, " "))
			}
			if got := errorText(err); got != tt.want {
				t.Errorf("error reads %q, want %q", got, tt.want)
			}
		})
	}
}
