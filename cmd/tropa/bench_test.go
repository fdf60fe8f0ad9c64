package main

import (
	"bytes"
	"strings"
	"testing"
)

// tropa bench floods: it refuses any server but this machine's, and a run
// without an end, before sending anything.
func TestBenchRefuses(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"another machine", []string{"bench", "--url", "http://192.0.2.1:8080/", "--rate", "10"},
			"drives only servers on this machine"},
		{"a name", []string{"bench", "--url", "http://tropa.example.org/", "--rate", "10"},
			"drives only servers on this machine"},
		{"no end", []string{"bench", "--url", "http://127.0.0.1:1/", "--rate", "10", "--duration", "0"},
			"give --duration or --max-requests"},
		{"both loops", []string{"bench", "--rate", "10", "--concurrency", "2"}, "give either --rate"},
		{"bad mix", []string{"bench", "--rate", "10", "--mix", "submit=1,flood=9"}, `unknown op "flood"`},
		{"staff without login", []string{"bench", "--url", "http://127.0.0.1:1/", "--rate", "10"},
			"need a staff login"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(t.Context(), tt.args, noEnv, strings.NewReader(""), &out, &out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("tropa %s = %v, want an error saying %q", strings.Join(tt.args, " "), err, tt.want)
			}
			if strings.Contains(out.String(), "measuring") {
				t.Errorf("tropa %s started working before refusing:\n%s", strings.Join(tt.args, " "), out.String())
			}
		})
	}
}
