package web

import (
	"io"
	"log"
	"log/slog"
	"regexp"
	"strings"
	"time"
)

// NewLogger is the server's log, written as text to w. Each line's time is
// cut to the minute: the log records what applicants do, and a line to the
// millisecond beside a request's route would date the request more finely
// than the database keeps it.
func NewLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{ReplaceAttr: minuteTime}))
}

// minuteTime cuts the time of a log line to the minute.
func minuteTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey && a.Value.Kind() == slog.KindTime {
		return slog.Time(slog.TimeKey, a.Value.Time().UTC().Truncate(time.Minute))
	}
	return a
}

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
