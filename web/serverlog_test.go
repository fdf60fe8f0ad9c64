package web

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestServerErrorLogHidesAddresses(t *testing.T) {
	tests := map[string]struct {
		line, addr string
	}{
		"IPv4 with port":     {"http: TLS handshake error from 203.0.113.7:51234: EOF", "203.0.113.7"},
		"IPv6 with port":     {"http: TLS handshake error from [2001:db8::1]:443: EOF", "2001:db8::1"},
		"IPv4 alone":         {"http: panic serving 198.51.100.23: boom", "198.51.100.23"},
		"IPv4-mapped IPv6":   {"http: Accept error from [::ffff:192.0.2.1]:80", "192.0.2.1"},
		"loopback with port": {"http: superfluous response.WriteHeader from 127.0.0.1:8080", "127.0.0.1"},
		// The address a PROXY protocol header gives a Tor circuit names
		// the circuit, and is hidden like any other.
		"Tor circuit": {"http: TLS handshake error from [fc00:dead:beef:4dad::ab:cdef]:80: EOF", "ab:cdef"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			serverErrorLog(slog.New(slog.NewTextHandler(&buf, nil))).Print(tc.line)
			out := buf.String()
			if strings.Contains(out, tc.addr) {
				t.Errorf("log line keeps the address %s: %s", tc.addr, out)
			}
			if !strings.Contains(out, "[address]") || !strings.Contains(out, "http:") {
				t.Errorf("log line lost its meaning: %s", out)
			}
		})
	}
}

// A log line says when to the minute, not to the millisecond at which an
// applicant did something.
func TestLoggerKeepsTheMinute(t *testing.T) {
	var buf bytes.Buffer
	at := time.Date(2026, 12, 4, 22, 15, 37, 123456000, time.UTC)
	r := slog.NewRecord(at, slog.LevelInfo, "http", 0)
	r.AddAttrs(slog.String("pattern", "POST /check/reply"))
	if err := NewLogger(&buf).Handler().Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "22:15:37") || strings.Contains(out, ".123") {
		t.Errorf("log line keeps the second: %s", out)
	}
	if !strings.Contains(out, "time=2026-12-04T22:15:00") || !strings.Contains(out, `pattern="POST /check/reply"`) {
		t.Errorf("log line lost its minute or its route: %s", out)
	}
}
