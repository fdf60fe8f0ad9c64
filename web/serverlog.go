package web

import (
	"log"
	"log/slog"
	"regexp"
	"strings"
)

// clientAddr matches the IPv4 and IPv6 addresses net/http puts in its own
// error lines ("TLS handshake error from 203.0.113.7:51234").
var clientAddr = regexp.MustCompile(`\[?[0-9a-fA-F:.]*[:.][0-9a-fA-F:.]*\]?:\d+|\b\d{1,3}(\.\d{1,3}){3}\b|\[[0-9a-fA-F:]+\]`)

// addrScrubber passes net/http's error lines on to slog without the client
// addresses in them.
type addrScrubber struct {
	logger *slog.Logger
}

func (a addrScrubber) Write(p []byte) (int, error) {
	msg := clientAddr.ReplaceAllString(strings.TrimSpace(string(p)), "[address]")
	a.logger.Warn("http server", "msg", msg)
	return len(p), nil
}

// serverErrorLog is the log.Logger for http.Server.ErrorLog.
func serverErrorLog(logger *slog.Logger) *log.Logger {
	return log.New(addrScrubber{logger: logger}, "", 0)
}
